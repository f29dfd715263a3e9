// Package token is the domain of gitlab-token-wizard: token kinds, roles, the
// scopes catalogue, purpose presets, expiry rules and request validation. It
// is pure and does no I/O, so the wizard and the flag path share one set of
// rules and both are cheap to test.
package token

import (
	"fmt"
	"strings"
)

// Kind is the kind of access token: project, group or personal.
type Kind string

// The token kinds GitLab offers.
const (
	KindProject  Kind = "project"
	KindGroup    Kind = "group"
	KindPersonal Kind = "personal"
)

// Kinds lists every kind in the order the wizard offers them. The service
// account comes last, so that the kinds a person knows keep their places
// (and their numbers in the accessible prompts).
var Kinds = []Kind{KindProject, KindGroup, KindPersonal, KindServiceAccount}

// Describe returns one line on when to use the kind.
func (k Kind) Describe() string {
	switch k {
	case KindProject:
		return "one project; not tied to a person, so it survives staff changes (recommended for integrations)"
	case KindGroup:
		return "every project in a group; needs Owner on the group"
	case KindPersonal:
		return "acts as you, everywhere you have access; ends when your account does"
	case KindServiceAccount:
		return "one token for many projects, not tied to a person; needs group Owner (or an administrator)"
	}
	return ""
}

// HasRole reports whether tokens of the kind carry a role (access level).
// A service account's role is that of its memberships.
func (k Kind) HasRole() bool { return k == KindProject || k == KindGroup || k == KindServiceAccount }

// HasTokenRole reports whether the token itself carries a role (its
// access_level): project and group tokens, whose bot user is a member.
func (k Kind) HasTokenRole() bool { return k == KindProject || k == KindGroup }

// ParseKind turns a user's word into a Kind.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "project", "p":
		return KindProject, nil
	case "group", "g":
		return KindGroup, nil
	case "personal", "user", "pat":
		return KindPersonal, nil
	case "service-account", "service_account", "serviceaccount", "sa":
		return KindServiceAccount, nil
	}
	return "", fmt.Errorf("unknown token kind %q: use project, group, personal or service-account", s)
}
