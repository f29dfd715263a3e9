package token

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Place is where a token lives: a project, a group, or a user (personal tokens).
type Place struct {
	Kind Kind
	// ID is the project's, group's or user's id.
	ID int64
	// Path is the full path (group/sub/project) or the username; empty when unknown.
	Path string
}

// Target is how commands name the place: its path, else its numeric id.
func (p Place) Target() string {
	if p.Path != "" {
		return p.Path
	}
	return strconv.FormatInt(p.ID, 10)
}

// String names the place for people: "project acme/web", "user alice",
// "service account acme/@jira-bot", "the service accounts of group acme".
func (p Place) String() string {
	switch p.Kind {
	case KindPersonal:
		return "user " + p.Target()
	case KindServiceAccount:
		if group, ok := strings.CutSuffix(p.Path, allAccounts); ok {
			return "the service accounts of group " + group
		}
		return "service account " + p.Target()
	}
	return string(p.Kind) + " " + p.Target()
}

// allAccounts ends the path of AccountsOf: every account of the group.
const allAccounts = "/@*"

// AccountsOf is the place of group g's service accounts taken together: how
// an audit names the list of them that it could not read.
func AccountsOf(g Place) Place {
	return Place{Kind: KindServiceAccount, ID: g.ID, Path: g.Target() + allAccounts}
}

// Found is a token an audit found, without its value.
type Found struct {
	Where       Place
	ID          int64
	Name        string
	Scopes      []string
	Role        Role
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero: never expires
	LastUsedAt  time.Time // zero: never used
	LastUsedIPs []string
	Active      bool
	Revoked     bool
}

// FindingKind names something about a token that may need doing.
type FindingKind string

// The findings, from the most to the least urgent.
const (
	FindExpired   FindingKind = "expired"
	FindExpiring  FindingKind = "expiring"
	FindUnused    FindingKind = "unused"
	FindNeverUsed FindingKind = "never-used"
	FindNoExpiry  FindingKind = "no-expiry"
	FindBroad     FindingKind = "broad"
)

// FindingKinds lists every finding, most urgent first.
var FindingKinds = []FindingKind{FindExpired, FindExpiring, FindUnused, FindNeverUsed, FindNoExpiry, FindBroad}

// Level ranks findings for --fail-on: a token needs attention when one of
// its findings is at or above the chosen level.
type Level int

// The levels, from the least to the most urgent.
const (
	LevelBroad Level = iota + 1
	LevelNoExpiry
	LevelUnused
	LevelExpiry
)

var levelNames = []struct {
	name  string
	level Level
}{{"expiry", LevelExpiry}, {"unused", LevelUnused}, {"no-expiry", LevelNoExpiry}, {"broad", LevelBroad}, {"any", LevelBroad}}

// ParseLevel reads a --fail-on value: expiry, unused, no-expiry, broad or
// any — or the name of a finding as the output prints it (expired,
// expiring, never-used), which means that finding's level.
func ParseLevel(s string) (Level, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, l := range levelNames {
		if l.name == t {
			return l.level, nil
		}
	}
	if k := FindingKind(t); slices.Contains(FindingKinds, k) {
		return k.Level(), nil
	}
	return 0, fmt.Errorf("--fail-on %q: use expiry (expired or expiring within the window), unused (also never or long unused), no-expiry (also without expiry) or broad (any finding)", s)
}

// String returns the level's --fail-on name.
func (l Level) String() string {
	for _, n := range levelNames {
		if n.level == l {
			return n.name
		}
	}
	return strconv.Itoa(int(l))
}

// Level is the finding's rank.
func (k FindingKind) Level() Level {
	switch k {
	case FindExpired, FindExpiring:
		return LevelExpiry
	case FindUnused, FindNeverUsed:
		return LevelUnused
	case FindNoExpiry:
		return LevelNoExpiry
	}
	return LevelBroad
}

// Finding is one thing to do about a token: what is wrong, what to do, and
// the command that does it (empty when no command of this tool can), kept
// as its arguments so that a screen can break it between them.
type Finding struct {
	Kind    FindingKind
	Message string
	Advice  string
	Command Command
}

// AuditPolicy holds the thresholds an audit judges by.
type AuditPolicy struct {
	Now time.Time
	// WithinDays is the expiry window: tokens expiring within it are called out.
	WithinDays int
	// UnusedDays is how long without use makes a token unused (default 90).
	UnusedDays int
	// GraceDays spares tokens younger than this from "never used" (default 7):
	// a token made this morning has not been used yet for a good reason.
	GraceDays int
	// RotateFor is the lifetime the rotate commands ask for (default 90d).
	RotateFor string
	// Host is the instance address put into the commands.
	Host string
	// FailOn is the lowest finding that makes a token need attention (default LevelExpiry).
	FailOn Level
}

// Defaults of AuditPolicy.
const (
	DefaultWithinDays = 30
	DefaultUnusedDays = 90
	DefaultGraceDays  = 7
	DefaultRotateFor  = "90d"
)

func (p AuditPolicy) withDefaults() AuditPolicy {
	if p.UnusedDays <= 0 {
		p.UnusedDays = DefaultUnusedDays
	}
	if p.GraceDays <= 0 {
		p.GraceDays = DefaultGraceDays
	}
	if p.RotateFor == "" {
		p.RotateFor = DefaultRotateFor
	}
	if p.FailOn == 0 {
		p.FailOn = LevelExpiry
	}
	return p
}

// Judged is a found token with what the policy makes of it.
type Judged struct {
	Found
	HasExpiry bool
	// DaysLeft counts whole days from today (UTC) to the expiry; 0 or less is expired.
	DaysLeft int
	Findings []Finding
	// Attention is true when a finding is at or above the policy's FailOn.
	Attention bool
}

// Judge works out the findings of one token.
func (p AuditPolicy) Judge(f Found) Judged {
	p = p.withDefaults()
	j := Judged{Found: f, HasExpiry: !f.ExpiresAt.IsZero()}
	if j.HasExpiry {
		j.DaysLeft = DaysUntil(f.ExpiresAt, p.Now)
	}
	r := Request{Kind: f.Where.Kind, Target: f.Where.Target()}
	if r.Kind == KindServiceAccount {
		// A service account's place is "GROUP/@username".
		group, user, _ := strings.Cut(f.Where.Path, "/@")
		r.Target, r.Account = group, Account{Username: user}
	}
	revoke := r.TokenCommand(p.Host, "revoke", f.ID)
	if r.Kind == KindPersonal && f.Where.Path == "" {
		revoke = Command{} // revoke --user needs the username, which GitLab did not give
	}
	var rotate Command
	renew := "ask its owner to rotate it in their access token settings"
	switch {
	case r.Kind != KindPersonal:
		rotate, renew = r.TokenCommand(p.Host, "rotate", f.ID), "rotate it, then put the new value where this one is used"
		rotate.add("-D", p.RotateFor)
	case f.Where.Path != "":
		// GitLab rotates a personal token for its owner or an administrator
		// (personal_access_tokens.rb): the audit that lists other users'
		// tokens is an administrator's.
		rotate, renew = r.TokenCommand(p.Host, "rotate", f.ID), "rotate it (its owner or an administrator may), then put the new value where this one is used"
		rotate.add("-D", p.RotateFor)
	}
	add := func(k FindingKind, msg, advice string, cmd Command) {
		j.Findings = append(j.Findings, Finding{Kind: k, Message: msg, Advice: advice, Command: cmd})
		j.Attention = j.Attention || k.Level() >= p.FailOn
	}
	date := f.ExpiresAt.Format(DateLayout)
	switch {
	case (j.HasExpiry && j.DaysLeft <= 0) || (!f.Active && !f.Revoked):
		add(FindExpired, "expired "+InDays(j.DaysLeft)+" ("+date+")",
			"it cannot be rotated: create a replacement, put it where this one was used, then revoke this one", revoke)
	case j.HasExpiry && j.DaysLeft <= p.WithinDays:
		add(FindExpiring, "expires "+InDays(j.DaysLeft)+" ("+date+")", renew, rotate)
	case !j.HasExpiry:
		add(FindNoExpiry, "never expires", "give it an expiry: "+renew, rotate)
	}
	today := Today(p.Now)
	switch {
	case f.LastUsedAt.IsZero() && today.Sub(Today(f.CreatedAt)) >= time.Duration(p.GraceDays)*24*time.Hour:
		add(FindNeverUsed, "never used (created "+f.CreatedAt.Format(DateLayout)+")", "revoke it unless something is about to use it", revoke)
	case !f.LastUsedAt.IsZero():
		if idle := int(today.Sub(Today(f.LastUsedAt)).Hours() / 24); idle >= p.UnusedDays {
			add(FindUnused, fmt.Sprintf("not used for %d days (last %s)", idle, f.LastUsedAt.Format(DateLayout)), "revoke it if nothing needs it", revoke)
		}
	}
	if why := broadness(f); why != "" {
		// No command: a bare revoke would stop whatever uses the token
		// today. An unused one has its revoke under its other finding.
		add(FindBroad, "broad: "+why, "if it only needs to read, replace it with a narrower token (gitlab-token-wizard), put that where this one is used, then revoke this one", Command{})
	}
	return j
}

// broadness says why a token can do more than reading, or "".
func broadness(f Found) string {
	var why []string
	for _, s := range f.Scopes {
		if s == "api" || s == "sudo" || s == "admin_mode" || strings.HasPrefix(s, "write_") {
			why = append(why, s)
		}
	}
	if len(why) > 0 {
		why = []string{strings.Join(why, ", ") + " scope"}
	}
	if f.Role == RoleOwner {
		why = append(why, "Owner role")
	}
	return strings.Join(why, "; ")
}

// JudgeAll judges every token and sorts them by days left.
func (p AuditPolicy) JudgeAll(fs []Found) []Judged {
	js := make([]Judged, len(fs))
	for i, f := range fs {
		js[i] = p.Judge(f)
	}
	SortJudged(js)
	return js
}

// SortJudged orders tokens by days left, those that never expire last, then
// by place and id, so that the most urgent come first and the order is stable.
func SortJudged(js []Judged) {
	sort.SliceStable(js, func(a, b int) bool {
		x, y := js[a], js[b]
		switch {
		case x.HasExpiry != y.HasExpiry:
			return x.HasExpiry
		case x.DaysLeft != y.DaysLeft:
			return x.DaysLeft < y.DaysLeft
		case x.Where.Kind != y.Where.Kind:
			return x.Where.Kind < y.Where.Kind
		case x.Where.Target() != y.Where.Target():
			return x.Where.Target() < y.Where.Target()
		}
		return x.ID < y.ID
	})
}

// Band is the table section a token falls in.
func (p AuditPolicy) Band(j Judged) string {
	switch {
	case !j.HasExpiry:
		return "NEVER EXPIRE"
	case j.DaysLeft <= 0 || (!j.Active && !j.Revoked):
		return "EXPIRED"
	case j.DaysLeft <= p.WithinDays:
		return fmt.Sprintf("EXPIRE WITHIN %d DAYS", p.WithinDays)
	}
	return fmt.Sprintf("EXPIRE IN MORE THAN %d DAYS", p.WithinDays)
}

// InDays says a day count aloud: "in 3 days", "today", "1 day ago".
func InDays(days int) string {
	switch {
	case days == 0:
		return "today"
	case days == 1:
		return "in 1 day"
	case days == -1:
		return "1 day ago"
	case days < 0:
		return fmt.Sprintf("%d days ago", -days)
	}
	return fmt.Sprintf("in %d days", days)
}

// AuditTally sums an audit up, for its summary and its exit code.
type AuditTally struct {
	Tokens int
	// Attention counts tokens with a finding at or above the policy's FailOn.
	Attention int
	Findings  map[FindingKind]int
	// Readable, Unreadable and Failed count the projects and groups whose
	// tokens were read, that the caller may not read, and that GitLab failed
	// to answer for.
	Readable, Unreadable, Failed int
	Interrupted                  bool
}

// Tally counts the tokens and findings of a judged audit; the caller fills
// in the counts of resources.
func Tally(js []Judged) AuditTally {
	t := AuditTally{Tokens: len(js), Findings: map[FindingKind]int{}}
	for _, j := range js {
		if j.Attention {
			t.Attention++
		}
		for _, f := range j.Findings {
			t.Findings[f.Kind]++
		}
	}
	return t
}

// AuditOutcome is what an audit's exit code reports.
type AuditOutcome int

// The outcomes, each with its own exit code (see the cli package).
const (
	// AuditClean: everything was read and nothing needs attention.
	AuditClean AuditOutcome = iota
	// AuditAttention: a token needs attention (exit 6).
	AuditAttention
	// AuditRefused: the caller may read no token at all (exit 3).
	AuditRefused
	// AuditIncomplete: GitLab failed to answer for some projects or groups,
	// so a clean result would be a false comfort (exit 1).
	AuditIncomplete
	// AuditInterrupted: stopped early; what was found so far was shown (exit 130).
	AuditInterrupted
)

// Outcome decides the exit code. An incomplete audit is a failure even when
// tokens need attention: both are shown, and neither "clean" nor "only
// these" would be true.
func (t AuditTally) Outcome() AuditOutcome {
	switch {
	case t.Interrupted:
		return AuditInterrupted
	case t.Readable == 0 && t.Unreadable > 0 && t.Tokens == 0:
		return AuditRefused
	case t.Failed > 0:
		return AuditIncomplete
	case t.Attention > 0:
		return AuditAttention
	}
	return AuditClean
}
