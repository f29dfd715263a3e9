package token

import (
	"fmt"
	"strings"
)

// QuickLifetimes are the lifetimes offered in one keystroke, in days.
var QuickLifetimes = []int{30, 90, 180, 365}

// CallerNeeds is the role the caller must hold on the target to create a
// token of kind k: Maintainer on a project, Owner on a group. Personal tokens
// need no role (RoleNone).
func (k Kind) CallerNeeds() Role {
	switch k {
	case KindProject:
		return RoleMaintainer
	case KindGroup, KindServiceAccount:
		return RoleOwner
	}
	return RoleNone
}

// SearchMinRole is the least role a search for a target lists: what the
// kind needs, Reporter for the project a personal token will read (forRepo),
// and any role at all for an administrator, who may manage every project.
func SearchMinRole(k Kind, admin, forRepo bool) Role {
	switch {
	case admin:
		return RoleNone
	case forRepo:
		return RoleReporter
	}
	return k.CallerNeeds()
}

// CannotCreateOn says why a caller holding role on path cannot create a
// token of kind k there, or "" when they can (or their role is unknown).
func CannotCreateOn(k Kind, role Role, path string) string {
	need := k.CallerNeeds()
	if role == RoleNone || role >= need {
		return ""
	}
	if k == KindServiceAccount {
		return fmt.Sprintf("You are %s on %s, and its service accounts are made by its Owners: ask an Owner of %s, or pick a group you own.",
			role.Title(), path, path)
	}
	return fmt.Sprintf("You are %s on %s, and %s access tokens need %s: ask an %s of the %s, or make a project token for each of its projects instead.",
		role.Title(), path, k, need.Title(), need.Title(), k)
}

// DefaultRole is the role offered first: the current one when the caller
// may grant it, else what the purpose needs, else Reporter (enough for Jira
// to read code).
func DefaultRole(caller, current Role, p Preset) Role {
	if current != RoleNone && CanGrant(caller, current) {
		return current
	}
	if p.Role != RoleNone {
		return p.Role
	}
	return RoleReporter
}

// KeepScopes keeps the scopes a token of kind k may carry, in order; when
// none is left, it falls back to the purpose's scopes.
func KeepScopes(ss []Scope, k Kind, admin bool, fallback []Scope) []Scope {
	var out []Scope
	for _, s := range ss {
		if i, ok := Lookup(s); ok && i.Allows(k, admin) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = append(out, fallback...)
	}
	return out
}

// SwitchKind is the request for another kind of token: the target belongs
// to the old kind and is dropped, and only the scopes the new kind may carry
// are kept.
func (r Request) SwitchKind(k Kind, admin bool, fallback []Scope) Request {
	if k == r.Kind {
		return r
	}
	r.Kind, r.Target, r.UserID = k, "", 0
	r.Account, r.Places = Account{}, nil // a service account's, which no other kind has
	r.Scopes = KeepScopes(r.Scopes, k, admin, fallback)
	return r
}

// CheckLine is one verification result as every screen and prompt writes it:
// "PASS  name: detail". The mark comes first so that a screen can colour it.
// A check that could not be made (ProblemUnreachable) is marked "----",
// never FAIL: nothing is known of the token then.
func CheckLine(ok bool, p CheckProblem, name, detail string) (mark, rest string) {
	switch {
	case ok:
		mark = "PASS"
	case p == ProblemUnreachable:
		mark = "----"
	default:
		mark = "FAIL"
	}
	return mark, name + ": " + detail
}

// CheckProblem is why a token failed a check, so that what the user is told
// to do fits the cause (DESIGN invariant 11): a token GitLab does not know
// is pasted again, not revoked; someone else's is not the user's to revoke;
// a check that could not be made is the network's or the instance's fault.
type CheckProblem string

// The causes of a failed check.
const (
	ProblemNone CheckProblem = ""
	// ProblemUnreachable: the check could not be made — the network, a
	// proxy or GitLab failed (a timeout, a 5xx). Nothing is known of the token.
	ProblemUnreachable CheckProblem = "unreachable"
	// ProblemUnknown: GitLab does not know the token — mistyped, cut short
	// in the copy, or another instance's.
	ProblemUnknown CheckProblem = "unknown"
	// ProblemLapsed: the token was revoked, or has expired.
	ProblemLapsed CheckProblem = "lapsed"
	// ProblemNotYours: the token belongs to another user.
	ProblemNotYours CheckProblem = "not-yours"
	// ProblemUnfit: the token works but not for the purpose — its scopes,
	// expiry, role or reach.
	ProblemUnfit CheckProblem = "unfit"
)

// PastedAdvice is what to do about a token pasted on the guided path that
// failed its checks for problem p: the one wording the wizard and the
// accessible mode share.
func PastedAdvice(p CheckProblem) string {
	switch p {
	case ProblemUnreachable:
		return "The token could not be checked: GitLab, or the way to it, failed (see above); this says nothing about the token. Check it again in a moment."
	case ProblemUnknown:
		return "GitLab does not know that token: paste the whole token GitLab showed after Create (it is shown once), from this instance."
	case ProblemNotYours:
		return "That token is another user's, not yours to revoke: paste the token you created in the form."
	case ProblemLapsed:
		return "That token is revoked or expired: create a new one from the link, then paste it."
	}
	return "Fix this in GitLab (revoke that token, create a new one from the link), then paste the new token."
}

// GrantPhrase is the role (if the kind has one) and the scopes: "Reporter, read_api".
func (r Request) GrantPhrase() string {
	if r.Kind.HasRole() {
		return r.Role.Title() + ", " + JoinScopes(r.Scopes)
	}
	return JoinScopes(r.Scopes)
}

// TargetPhrase names what the token is for: "on acme/web", "on group acme",
// or "for @alice (Alice Liddell)" given the owner's username and full name.
func (r Request) TargetPhrase(username, fullName string) string {
	switch r.Kind {
	case KindPersonal:
		if username == "" {
			username = r.PersonalUser()
		}
		p := "for @" + strings.TrimPrefix(username, "@")
		if fullName != "" {
			p += " (" + fullName + ")"
		}
		return p
	case KindGroup:
		return "on group " + r.Target
	case KindServiceAccount:
		return "of @" + r.Account.Username + " in " + r.Target + ", on " + PlaceList(r.Places)
	}
	return "on " + r.Target
}

// PlaceList names places for people: "project acme/web, group acme".
func PlaceList(ps []Place) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}
