package token

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gitlab-token-wizard/internal/safe"
)

// MaxTextLen is GitLab's limit for token names and descriptions, in characters.
const MaxTextLen = 255

// Field names a part of a Request, so that errors can point at the step that fixes them.
type Field string

// The fields of a Request.
const (
	FieldKind        Field = "kind"
	FieldTarget      Field = "target"
	FieldName        Field = "name"
	FieldDescription Field = "description"
	FieldExpiry      Field = "expiry"
	FieldRole        Field = "role"
	FieldScopes      Field = "scopes"
)

// Request is everything needed to create a token.
type Request struct {
	Kind Kind
	// Target is the project or group (numeric id or full path) the token is
	// for; for a personal token, the username of its owner ("" or "@me": the caller).
	Target string
	// Repo is a project the token must be able to read (Jira's repository
	// path), checked after creation; for a project token, the target itself.
	Repo string
	// UserID is the owner's numeric id of a personal token, once resolved (0: not yet).
	UserID      int64
	Name        string
	Description string
	// ExpiresAt is a UTC date at 00:00; zero means "not chosen yet".
	ExpiresAt time.Time
	Role      Role
	Scopes    []Scope
	// Preset records the purpose the request was filled from, if any.
	Preset string
	// Account is the service account a KindServiceAccount token belongs to
	// (Target is its group), and Places where it gets access at Role.
	Account Account
	Places  []Place
}

// Limits are what the instance and the caller allow.
type Limits struct {
	// MaxLifetimeDays is the instance's maximum token lifetime; 0 means GitLab's default, 365.
	MaxLifetimeDays int
	// CallerRole is the caller's own role on the target; RoleNone when unknown.
	CallerRole Role
	// IsAdmin is true when the caller is an instance administrator.
	IsAdmin bool
	// Version is the instance's GitLab version ("" when unknown), which
	// decides the scopes it knows.
	Version string
	// LifetimeKnown is true when MaxLifetimeDays (or NoMaxLifetime) was read
	// from the instance's settings, rather than GitLab's default assumed.
	LifetimeKnown bool
	// NoMaxLifetime is true where the instance does not require an expiry:
	// then no maximum applies.
	NoMaxLifetime bool
}

// Problem is one reason a Request cannot be sent.
type Problem struct {
	Field   Field
	Message string
}

// ValidationError lists every problem found in a Request.
type ValidationError struct{ Problems []Problem }

// Error joins the problems, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = fmt.Sprintf("%s: %s", p.Field, p.Message)
	}
	return strings.Join(lines, "\n")
}

// For returns the message for field f, or "".
func (e *ValidationError) For(f Field) string {
	if e == nil {
		return ""
	}
	for _, p := range e.Problems {
		if p.Field == f {
			return p.Message
		}
	}
	return ""
}

// Validate checks every rule that can be checked before anything is sent. It
// returns nil or a *ValidationError naming each bad field and how to fix it.
func (r Request) Validate(l Limits, now time.Time) error {
	var ps []Problem
	add := func(f Field, err error) {
		if err != nil {
			ps = append(ps, Problem{f, err.Error()})
		}
	}
	switch r.Kind {
	case KindProject, KindGroup:
		if strings.TrimSpace(r.Target) == "" {
			add(FieldTarget, fmt.Errorf("choose the %s the token is for (its full path, like group/%s, or its numeric id)", r.Kind, r.Kind))
		}
	case KindPersonal:
		if u := r.PersonalUser(); u != Me && !ValidUsername(u) {
			add(FieldTarget, fmt.Errorf("%q is not a GitLab username: use letters, digits, '_', '-' and '.', or @me for yourself", safe.Line(u, 64)))
		}
	case KindServiceAccount:
		if strings.TrimSpace(r.Target) == "" {
			add(FieldTarget, fmt.Errorf("choose the group that owns the service account (its full path)"))
		}
		add(FieldTarget, ValidateAccount(r.Account))
		if len(r.Places) == 0 {
			add(FieldTarget, fmt.Errorf("choose where the service account gets access: its group, or projects (--project, repeatable)"))
		}
	default:
		add(FieldKind, fmt.Errorf("choose a token kind: project, group or personal"))
	}
	add(FieldName, ValidateName(r.Name))
	add(FieldDescription, ValidateDescription(r.Description))
	if r.ExpiresAt.IsZero() {
		add(FieldExpiry, fmt.Errorf("choose an expiry date, on or before %s", LastAllowedExpiry(now, l.MaxLifetimeDays).Format(DateLayout)))
	} else {
		add(FieldExpiry, l.checkExpiry(r.ExpiresAt, now))
	}
	if r.Kind.HasRole() {
		add(FieldRole, checkRole(r.Role, l.CallerRole, l.Version))
	}
	if r.Kind != "" {
		add(FieldScopes, checkScopes(r.Scopes, r.Kind, l.IsAdmin, l.Version))
	}
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// ValidateName checks a token name.
func ValidateName(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("give the token a name, such as \"Jira integration\", so you can find it later")
	}
	return checkText(s, "name")
}

// ValidateDescription checks a token description; it may be empty.
func ValidateDescription(s string) error { return checkText(s, "description") }

func checkText(s, what string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("the %s is not valid UTF-8: type it again", what)
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		return fmt.Errorf("the %s has %d characters: shorten it to at most %d", what, n, MaxTextLen)
	}
	for _, c := range s {
		if unicode.IsControl(c) || safe.IsBidi(c) {
			return fmt.Errorf("the %s contains a control character (%U): remove it", what, c)
		}
	}
	return checkInvisible(s, what)
}

func checkRole(r, caller Role, version string) error {
	if r == RoleNone {
		return fmt.Errorf("choose a role: Reporter is enough for Jira to read code")
	}
	if !r.Valid() {
		return fmt.Errorf("role %d does not exist: use 10, 15, 20, 30, 40 or 50", int(r))
	}
	if !r.ExistsAt(version) {
		return fmt.Errorf("GitLab %s has no %s role (it arrived in %s): pick %s", version, r.Title(), PlannerSince, titles(GrantableAt(caller, version)))
	}
	if !CanGrant(caller, r) {
		why := ""
		if r == RolePlanner {
			why = " (GitLab lets only Owners and Planners grant Planner)"
		}
		return fmt.Errorf("you are %s here and cannot grant %s%s: pick %s", caller.Title(), r.Title(), why, titles(GrantableBy(caller)))
	}
	return nil
}

// Me stands for the caller in a personal token's Target.
const Me = "@me"

// PersonalUser is the owner of a personal token: a username, or Me.
func (r Request) PersonalUser() string {
	u := strings.TrimPrefix(strings.TrimSpace(r.Target), "@")
	if u == "" || u == "me" {
		return Me
	}
	return u
}

// ValidUsername reports whether s can be a GitLab username.
func ValidUsername(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// VerifyRepo is the project a verification reads: Repo, or the project target.
func (r Request) VerifyRepo() string {
	if r.Repo != "" {
		return r.Repo
	}
	if r.Kind == KindProject {
		return r.Target
	}
	for _, p := range r.Places {
		if p.Kind == KindProject {
			return p.Path // a service account reads its first project
		}
	}
	return ""
}
