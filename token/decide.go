package token

// The decision made before a token is created: every fact GitLab gave about
// the caller, the instance and the target, judged in one pure function that
// create, the wizard and the accessible mode share, so their checks cannot
// drift apart.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Facts are what GitLab said, before anything was sent, about the
// credential, the caller, the instance and the request's target. The gitlab
// package gathers them in one round of concurrent reads. Zero values mean
// "not known", and an unknown fact never refuses: GitLab decides then.
type Facts struct {
	// Version is the instance's GitLab version ("17.11.2-ee").
	Version string
	// Community is true on GitLab's Community Edition (/version's
	// "enterprise": false).
	Community bool
	// GitLabCom is true on GitLab.com, where tokens depend on the plan.
	GitLabCom bool
	// Lifetime is the instance's token lifetime rule, when the caller may
	// read the instance settings (administrators).
	Lifetime Lifetime

	// Username names the caller in messages.
	Username string
	IsAdmin  bool
	// Bot is true when the caller signed in with a project or group access
	// token (its user is a bot), which cannot create tokens.
	Bot bool
	// OAuth is true for an OAuth sign-in, whose scopes come from the grant.
	OAuth bool
	// Scopes are the credential's scopes; CredentialExpires its expiry (zero: never).
	Scopes            []string
	CredentialExpires time.Time

	// TargetPath is the project or group as GitLab names it.
	TargetPath string
	// CallerRole is the caller's role on the target, inherited included
	// (RoleNone: not a member). For a custom role it is the base role.
	CallerRole Role
	// CustomRole is true when the caller's membership carries a custom role
	// (Ultimate), which can allow token management below Maintainer: then
	// GitLab, not a local rule, decides whether the caller may create.
	CustomRole bool
	// Plan and Trial are the namespace's subscription on GitLab.com ("" unknown).
	Plan  string
	Trial bool

	// Owner is the user a personal token is for; OwnerBot is true when that
	// user is the bot behind a project or group token.
	Owner    string
	OwnerBot bool

	// SameNameUnread is true when the tokens already named like the
	// request could not be read: a same-named token would go unnoticed.
	SameNameUnread bool
	// SameName counts the active tokens on the target that already carry
	// the request's name.
	SameName int
	// PlaceRoles are the caller's roles on the places a service account is
	// given access to, by path.
	PlaceRoles map[string]Role
}

// Lifetime is an instance's rule for token expiry.
type Lifetime struct {
	// Known is true when the rule was read from the instance.
	Known bool
	// MaxDays is the maximum lifetime (0: GitLab's default, 365).
	MaxDays int
	// NotRequired is true where the instance does not require an expiry:
	// no maximum applies then.
	NotRequired bool
}

// Party names who must act on a refusal: the credential the caller signed in
// with, the caller's rights on the target, or the instance's (or
// namespace's) settings. Messages blame the right one (DESIGN invariant 11).
type Party string

// The parties a refusal can blame.
const (
	PartyCredential Party = "credential"
	PartyRights     Party = "rights"
	PartyInstance   Party = "instance"
)

// Refusal is a reason GitLab would refuse the request that no change of the
// request itself can fix: the credential, the caller's rights, or the
// instance's settings. Nothing is sent.
type Refusal struct {
	Party Party
	// Reason says which rule refused, for callers that react to it.
	Reason  Reason
	Field   Field
	Message string
}

// Reason is the rule behind a Refusal.
type Reason string

// The rules Decide applies.
const (
	ReasonBotCredential Reason = "bot-credential"
	ReasonScope         Reason = "credential-scope"
	ReasonExpired       Reason = "credential-expired"
	ReasonAdminOnly     Reason = "admin-only"
	ReasonRole          Reason = "role"
	ReasonPlan          Reason = "plan"
	ReasonRevoked       Reason = "revoked"
)

func (r *Refusal) Error() string { return r.Message }

// Decision is the outcome of Decide when the request may be sent.
type Decision struct {
	// Limits are what the request was checked against.
	Limits Limits
	// Warnings are worth saying before sending, but refuse nothing.
	Warnings []string
}

// Decide judges a request against what GitLab said, before anything is
// sent. maxLifetime is the lifetime the user says the instance allows
// (--max-lifetime; 0 when not given), used when the instance's own rule is
// not known. It returns a *Refusal (the credential, rights or instance), a
// *ValidationError (the request's fields), or the Decision to send.
func Decide(r Request, f Facts, now time.Time, maxLifetime int) (Decision, error) {
	if err := CheckRights(r, f, now); err != nil {
		return Decision{}, err
	}
	d := Decision{Limits: f.Limits(maxLifetime)}
	if err := r.Validate(d.Limits, now); err != nil {
		return d, err
	}
	d.Warnings = f.warnings(r)
	return d, nil
}

// CheckRights is the part of Decide that no field of the request can fix:
// the credential, the caller's rights on the target, and the plan on
// GitLab.com. The wizard runs it as soon as a target is picked.
func CheckRights(r Request, f Facts, now time.Time) error {
	if err := f.CredentialProblem(now, "creating"); err != nil {
		return err
	}
	if r.Kind == KindServiceAccount {
		return CheckServiceAccount(r, f, f.PlaceRoles)
	}
	if err := f.rightsProblem(r, "creating"); err != nil {
		return err
	}
	if r.Kind.HasRole() && f.GitLabCom {
		if err := CheckPlan(r.Kind, f.Plan, f.Trial); err != nil {
			return &Refusal{Party: PartyInstance, Reason: ReasonPlan, Field: FieldTarget, Message: fmt.Sprintf("no %s token for %s: %v", r.Kind, f.TargetPath, err)}
		}
	}
	return nil
}

// Limits are the rules a request is checked against, from the facts: the
// caller's role (Owner for an administrator), the version, and the lifetime
// rule the instance gave, else the user's, else GitLab's default.
func (f Facts) Limits(maxLifetime int) Limits {
	l := Limits{CallerRole: f.CallerRole, IsAdmin: f.IsAdmin, Version: f.Version}
	if f.IsAdmin {
		l.CallerRole = RoleOwner
	}
	switch {
	case f.Lifetime.Known:
		l.LifetimeKnown, l.MaxLifetimeDays, l.NoMaxLifetime = true, f.Lifetime.MaxDays, f.Lifetime.NotRequired
	case maxLifetime > 0:
		l.MaxLifetimeDays = maxLifetime
	}
	return l
}

// CredentialProblem blames the sign-in credential for doing verb to tokens
// ("creating", "rotating"): a bot's token, one without the api scope, or
// one that has expired. nil when it may.
func (f Facts) CredentialProblem(now time.Time, verb string) error {
	switch {
	case f.Bot:
		return &Refusal{Party: PartyCredential, Reason: ReasonBotCredential, Field: FieldTarget, Message: fmt.Sprintf("you signed in with a project or group access token, which cannot be used for %s tokens: "+
			"sign in with a personal access token (or OAuth) of a user who is Maintainer or Owner", verb)}
	case !f.OAuth && !slices.Contains(f.Scopes, "api"):
		return &Refusal{Party: PartyCredential, Reason: ReasonScope, Message: fmt.Sprintf("your credential has the scopes %s but %s tokens needs api: "+
			"create a personal access token with the api scope (it can be short-lived) and sign in with it", orNone(f.Scopes), verb)}
	case !f.CredentialExpires.IsZero() && !f.CredentialExpires.After(Today(now)):
		return &Refusal{Party: PartyCredential, Reason: ReasonExpired, Message: "your credential has expired: create a new personal access token with the api scope"}
	}
	return nil
}

// rightsProblem blames the caller's rights to do verb ("creating",
// "rotating") to tokens of r's kind: Maintainer for project tokens, Owner
// for group tokens, an administrator for another user's personal token. A
// custom role is left to GitLab.
func (f Facts) rightsProblem(r Request, verb string) error {
	switch {
	case r.Kind == KindPersonal && !f.IsAdmin:
		return &Refusal{Party: PartyRights, Reason: ReasonAdminOnly, Field: FieldKind, Message: fmt.Sprintf(
			"GitLab lets only administrators create personal access tokens through the API, and %s is not one", f.Username)}
	case r.Kind == KindPersonal && f.OwnerBot:
		return &ValidationError{Problems: []Problem{{FieldTarget, fmt.Sprintf(
			"@%s is a bot user (behind a project or group token): choose a person or a service account", f.Owner)}}}
	case !r.Kind.HasRole() || f.IsAdmin || f.CustomRole:
		return nil
	}
	need := r.Kind.CallerNeeds()
	if f.CallerRole >= need {
		return nil
	}
	if r.Kind == KindServiceAccount {
		return &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldTarget, Message: fmt.Sprintf(
			"you (%s) are %s on group %s; a group's service accounts and their tokens are managed by its Owners: ask an Owner of %s",
			f.Username, RoleOrNone(f.CallerRole), f.TargetPath, f.TargetPath)}
	}
	if r.Kind == KindGroup {
		return &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldTarget, Message: fmt.Sprintf(
			"you (%s) are %s on group %s; group access tokens need Owner (for %s them): ask an Owner of %s, or use a project token for each project",
			f.Username, RoleOrNone(f.CallerRole), f.TargetPath, verb, f.TargetPath)}
	}
	return &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldTarget, Message: fmt.Sprintf(
		"you (%s) are %s on %s; %s project access tokens needs Maintainer or Owner: ask a Maintainer, or use a personal token",
		f.Username, RoleOrNone(f.CallerRole), f.TargetPath, verb)}
}

func (f Facts) warnings(r Request) []string {
	var out []string
	if r.Description != "" && VersionBefore(f.Version, DescriptionSince) {
		out = append(out, fmt.Sprintf("GitLab %s ignores token descriptions (they arrived in %s): the token will have none", f.Version, DescriptionSince))
	}
	if f.SameName > 0 {
		whose := cmp.Or(f.TargetPath, "this user")
		if r.Kind == KindServiceAccount {
			whose = "the service account @" + r.Account.Username // its tokens, not the group's
		}
		out = append(out, fmt.Sprintf("%s already has %d active token(s) named %q: give this one a distinct name (say, with the date) to tell them apart later",
			whose, f.SameName, r.Name))
	}
	if f.SameNameUnread {
		out = append(out, fmt.Sprintf("the tokens already named %q could not be read, so one with the same name would go unnoticed: look with `list` if in doubt", r.Name))
	}
	return out
}

// DescriptionSince is the GitLab version that keeps token descriptions;
// older versions drop them silently.
const DescriptionSince = "17.7"

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "(none)"
	}
	return strings.Join(ss, ", ")
}

// RoleOrNone is a role's title, or "not a member".
func RoleOrNone(r Role) string {
	if r == RoleNone {
		return "not a member"
	}
	return r.Title()
}
