package token

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A command is broken only between arguments: every line but the last ends
// in " \", fits the width unless one argument alone is wider, and the lines
// join back into the command exactly.
func TestCommandLines(t *testing.T) {
	r := valid()
	r.Name, r.Description = "Jira integration", "PROJ-12: the team's Jira, with a description long enough to pass any screen's edge"
	for _, c := range []Command{r.CreateCommand("https://gitlab.example.com"), r.CurlCommand("https://gitlab.example.com"),
		r.TokenCommand("https://gitlab.example.com", "rotate", 58)} {
		for _, width := range []int{0, 40, 60, 80, 100, 200} {
			lines := c.Lines(width)
			joined := ""
			for i, l := range lines {
				if i < len(lines)-1 {
					if !strings.HasSuffix(l, " \\") {
						t.Fatalf("width %d: line %d does not continue: %q", width, i, l)
					}
					l = strings.TrimSuffix(l, " \\")
				}
				if i > 0 {
					if !strings.HasPrefix(l, "  ") {
						t.Fatalf("width %d: continued line not indented: %q", width, l)
					}
					l = " " + strings.TrimPrefix(l, "  ")
				}
				joined += l
				if width > 0 && ansi.StringWidth(lines[i]) > width && len(strings.Fields(strings.TrimSuffix(lines[i], " \\"))) > 1 &&
					!strings.Contains(lines[i], "'") {
					t.Fatalf("width %d: a line of several arguments is too wide: %q", width, lines[i])
				}
			}
			if joined != c.String() {
				t.Fatalf("width %d: lines join to\n%s\nnot\n%s", width, joined, c.String())
			}
		}
	}
	if got := valid().CreateCommand("https://gitlab.com").Lines(200); len(got) != 1 {
		t.Fatalf("a command that fits is broken: %q", got)
	}
	// A quoted value is never split, even when it alone is wider than the line.
	for _, l := range r.CurlCommand("https://gitlab.example.com").Lines(40) {
		if strings.Count(l, "'")%2 != 0 {
			t.Fatalf("a quoted argument is split: %q", l)
		}
	}
}

func TestCurlCommandIsTheSameRequestAsForm(t *testing.T) {
	r := valid()
	got := r.CurlCommand("https://gitlab.example.com/").String()
	want := `curl --request POST --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --data-urlencode 'name=Jira integration' --data 'scopes[]=read_api' ` +
		`--data access_level=20 --data expires_at=2026-12-25 https://gitlab.example.com/api/v4/projects/acme%2Fweb/access_tokens`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// The purpose rule: a first purpose fills only what is empty; another
// purpose replaces the role and scopes; the same one again keeps them.
func TestPresetApplySwitches(t *testing.T) {
	read, _ := FindPreset("jira-read")
	write, _ := FindPreset("jira-write")
	r := Request{}
	read.Apply(&r)
	r.Role = RoleDeveloper // chosen since
	read.Apply(&r)
	if r.Role != RoleDeveloper {
		t.Fatalf("the same purpose again lost the role: %+v", r)
	}
	write.Apply(&r)
	if r.Preset != "jira-write" || r.Role != RoleDeveloper || JoinScopes(r.Scopes) != "api" {
		t.Fatalf("switching purpose: %+v", r)
	}
	read.Apply(&r)
	if r.Role != RoleReporter || JoinScopes(r.Scopes) != "read_api" || r.Name != "Jira integration" {
		t.Fatalf("switching back: %+v", r)
	}
}

func TestKindRules(t *testing.T) {
	if KindProject.CallerNeeds() != RoleMaintainer || KindGroup.CallerNeeds() != RoleOwner || KindPersonal.CallerNeeds() != RoleNone {
		t.Fatal("CallerNeeds")
	}
	if SearchMinRole(KindProject, true, false) != RoleNone || SearchMinRole(KindPersonal, false, true) != RoleReporter ||
		SearchMinRole(KindProject, false, false) != RoleMaintainer {
		t.Fatal("SearchMinRole")
	}
	if w := CannotCreateOn(KindGroup, RoleMaintainer, "acme"); !strings.Contains(w, "group access tokens need Owner") {
		t.Fatalf("CannotCreateOn = %q", w)
	}
	if CannotCreateOn(KindGroup, RoleOwner, "acme") != "" || CannotCreateOn(KindProject, RoleNone, "x") != "" {
		t.Fatal("CannotCreateOn refused a caller who may")
	}
	r := Request{Kind: KindPersonal, Target: "alice", UserID: 2, Scopes: []Scope{"read_user", "read_api"}}
	g := r.SwitchKind(KindGroup, false, []Scope{"api"})
	if g.Kind != KindGroup || g.Target != "" || g.UserID != 0 || JoinScopes(g.Scopes) != "read_api" {
		t.Fatalf("SwitchKind = %+v", g)
	}
	if p := (Request{Kind: KindPersonal, Scopes: []Scope{"read_user"}}).SwitchKind(KindProject, false, []Scope{"api"}); JoinScopes(p.Scopes) != "api" {
		t.Fatalf("no scope left should fall back to the purpose's: %+v", p)
	}
	if DefaultRole(RoleDeveloper, RoleOwner, Preset{Role: RoleReporter}) != RoleReporter || DefaultRole(RoleNone, RoleNone, Preset{}) != RoleReporter ||
		DefaultRole(RoleOwner, RoleMaintainer, Preset{}) != RoleMaintainer {
		t.Fatal("DefaultRole")
	}
	// Planner sits outside the hierarchy: a Maintainer cannot grant it, so
	// it is not offered first to one (GitLab's level_encompasses?).
	if got := DefaultRole(RoleMaintainer, RolePlanner, Preset{Role: RoleReporter}); got != RoleReporter {
		t.Fatalf("DefaultRole(Maintainer, Planner) = %v", got)
	}
}

// The catalogue: the quick lifetimes, the custom date and the roles a
// caller may grant, each with a default.
func TestCatalogue(t *testing.T) {
	q := ExpiryQuestion(now, Limits{}, DefaultExpiry(now))
	if q.Default != "30" || len(q.Options) != len(QuickLifetimes)+1 || q.Options[len(q.Options)-1].Value != Custom {
		t.Fatalf("expiry question %+v", q)
	}
	if q := ExpiryQuestion(now, Limits{}, date("2027-01-02")); q.Default != Custom ||
		CustomExpiryQuestion(now, Limits{}, date("2027-01-02")).Default != "2027-01-02" {
		t.Fatalf("a custom date: %+v", q)
	}
	for in, want := range map[string]string{"90": "2027-02-23", "45d": "2027-01-09", "2027-03-01": "2027-03-01"} {
		if d, err := ExpiryAnswer(in, now, Limits{}); err != nil || d.Format(DateLayout) != want {
			t.Errorf("ExpiryAnswer(%s) = %v %v", in, d, err)
		}
	}
	if _, err := ExpiryAnswer("400", now, Limits{}); err == nil {
		t.Fatal("400 (not a quick lifetime) taken as days")
	}
	rq := RoleQuestion(RoleDeveloper, RoleNone, Presets[0], "")
	var roles []string
	for _, o := range rq.Options {
		roles = append(roles, o.Value)
	}
	if strings.Join(roles, ",") != "guest,reporter,developer" || rq.Default != "reporter" || !strings.Contains(rq.Intro, "You are Developer") {
		t.Fatalf("role question %+v", rq)
	}
	// Planner arrived in 17.7: an Owner on 17.5 is not offered it, and a
	// Planner chosen before is not the default there.
	for version, want := range map[string]string{"17.5.2": "guest,reporter,developer,maintainer,owner", "17.7.0": "guest,planner,reporter,developer,maintainer,owner", "": "guest,planner,reporter,developer,maintainer,owner"} {
		rq := RoleQuestion(RoleOwner, RolePlanner, Presets[2], version)
		roles = roles[:0]
		for _, o := range rq.Options {
			roles = append(roles, o.Value)
		}
		if got := strings.Join(roles, ","); got != want || (version == "17.5.2") != (rq.Default != "planner") {
			t.Errorf("Owner's roles on %q = %s (default %s), want %s", version, got, rq.Default, want)
		}
	}
	sq := ScopesQuestion(KindProject, false, "", []Scope{"api"})
	for _, o := range sq.Options {
		if o.Selected != (o.Value == "api") || o.Value == "read_user" {
			t.Fatalf("scopes question: %+v", o)
		}
	}
	for _, o := range ScopesQuestion(KindProject, false, "17.0.1", nil).Options {
		if o.Value == "self_rotate" || o.Value == "manage_runner" {
			t.Fatalf("GitLab 17.0 is offered %s", o.Value)
		}
	}
	if k := KindQuestion(false, KindGroup, AccountOffer{}); k.Default != "group" || !strings.Contains(k.Options[2].Meaning, "web form") {
		t.Fatalf("kind question %+v", k)
	}
}

func TestHandOffAndJiraSteps(t *testing.T) {
	r := valid()
	h := HandOff{Kind: r.Kind, ID: 58, Name: r.Name, Target: r.TargetPhrase("", ""), Grant: r.GrantPhrase(), Expires: r.ExpiresAt, Masked: "glpat-••••"}
	if got := h.String(); got != `project token id 58 · "Jira integration" · on acme/web · Reporter, read_api · expires 2026-12-25 · glpat-••••` {
		t.Fatalf("hand-off %q", got)
	}
	n := r.JiraSteps("https://gitlab.example.com", "", 58)
	if len(n.Steps) != 3 || n.Rotate == nil || n.Rotate.String() != "gitlab-token-wizard rotate --host https://gitlab.example.com --project acme/web 58" {
		t.Fatalf("steps %+v", n)
	}
	p := Request{Kind: KindPersonal, Target: "@me", ExpiresAt: r.ExpiresAt}
	if n := p.JiraSteps("https://gitlab.com", "", 3); n.Rotate != nil || !strings.Contains(n.Steps[2], "create a new one") {
		t.Fatalf("personal steps %+v", n)
	}
	if got := p.TargetPhrase("alice", "Alice"); got != "for @alice (Alice)" {
		t.Fatalf("TargetPhrase = %q", got)
	}
	if mark, rest := CheckLine(false, ProblemUnfit, "expiry", "expires in 3 days"); mark != "FAIL" || rest != "expiry: expires in 3 days" {
		t.Fatalf("CheckLine = %s %s", mark, rest)
	}
}

// A check that could not be made is never marked FAIL, and the advice for
// a pasted token fits why it failed: only a token that works but does not
// fit is to be revoked.
func TestCheckLineAndPastedAdviceFitTheCause(t *testing.T) {
	if mark, _ := CheckLine(false, ProblemUnreachable, "token accepted by GitLab", "not checked"); mark != "----" {
		t.Fatalf("unreachable mark = %q", mark)
	}
	if mark, _ := CheckLine(true, ProblemNone, "expiry", "in 90 days"); mark != "PASS" {
		t.Fatalf("pass mark = %q", mark)
	}
	for _, tt := range []struct {
		p         CheckProblem
		want, not string
	}{
		{ProblemUnknown, "paste the whole token", "revoke"},
		{ProblemNotYours, "not yours to revoke", "revoke that token"},
		{ProblemUnreachable, "says nothing about the token", "revoke"},
		{ProblemLapsed, "revoked or expired", "revoke that token"},
		{ProblemUnfit, "revoke that token", ""},
	} {
		got := PastedAdvice(tt.p)
		if !strings.Contains(got, tt.want) || tt.not != "" && strings.Contains(got, tt.not) {
			t.Errorf("PastedAdvice(%s) = %q", tt.p, got)
		}
	}
}
