package token

import (
	"fmt"
	"strings"
)

// Scope is a token scope such as "read_api".
type Scope string

// ScopeInfo describes one scope of the catalogue.
type ScopeInfo struct {
	Scope   Scope
	Meaning string
	// Kinds lists the token kinds that may carry the scope.
	Kinds []Kind
	// AdminOnly scopes are for administrators' personal tokens only.
	AdminOnly bool
	// Broad scopes grant write access; the wizard warns about them on read-only purposes.
	Broad bool
	// Since is the first GitLab version that accepts the scope ("" for long ago).
	Since string
	// Needs names the instance feature without which GitLab refuses the
	// scope ("the container registry"); GitLab builds its scope list from
	// its configuration (lib/gitlab/auth.rb), so a disabled feature makes the
	// scope unknown there.
	Needs string
}

var allKinds = []Kind{KindPersonal, KindGroup, KindProject, KindServiceAccount}

// Catalogue is every scope GitLab documents, in the order the wizard lists them.
var Catalogue = []ScopeInfo{
	{Scope: "read_api", Meaning: "read-only API access: commits, branches, merge requests", Kinds: allKinds},
	{Scope: "api", Meaning: "full read/write API access within the token's reach", Kinds: allKinds, Broad: true},
	{Scope: "read_repository", Meaning: "git pull over HTTP and the repository files API", Kinds: allKinds},
	{Scope: "write_repository", Meaning: "git pull and push over HTTP", Kinds: allKinds, Broad: true},
	{Scope: "read_user", Meaning: "read the user's profile", Kinds: []Kind{KindPersonal, KindServiceAccount}},
	{Scope: "read_registry", Meaning: "pull container images", Kinds: allKinds, Needs: registry},
	{Scope: "write_registry", Meaning: "push container images", Kinds: allKinds, Broad: true, Needs: registry},
	{Scope: "read_virtual_registry", Meaning: "pull through the dependency proxy", Kinds: allKinds, Since: "17.3", Needs: dependencyProxy},
	{Scope: "write_virtual_registry", Meaning: "push to the dependency proxy", Kinds: allKinds, Broad: true, Since: "17.9", Needs: dependencyProxy},
	{Scope: "create_runner", Meaning: "create runners", Kinds: allKinds},
	{Scope: "manage_runner", Meaning: "manage runners", Kinds: allKinds, Since: "17.1"},
	{Scope: "ai_features", Meaning: "GitLab Duo APIs", Kinds: allKinds},
	{Scope: "k8s_proxy", Meaning: "Kubernetes API through the agent", Kinds: allKinds, Since: "16.5"},
	{Scope: "self_rotate", Meaning: "rotate this token only", Kinds: allKinds, Since: "17.9"},
	{Scope: "read_observability", Meaning: "read observability data (traces, metrics, logs)", Kinds: allKinds},
	{Scope: "write_observability", Meaning: "write observability data", Kinds: allKinds, Broad: true},
	{Scope: "sudo", Meaning: "act as any user (administrators only)", Kinds: []Kind{KindPersonal}, AdminOnly: true, Broad: true},
	{Scope: "admin_mode", Meaning: "API calls with Admin Mode on (administrators only)", Kinds: []Kind{KindPersonal}, AdminOnly: true, Broad: true},
	{Scope: "read_service_ping", Meaning: "read Service Ping data (administrators only)", Kinds: []Kind{KindPersonal}, AdminOnly: true, Since: "17.1"},
}

const (
	registry        = "the container registry"
	dependencyProxy = "the dependency proxy"
)

// Lookup returns the catalogue entry for s.
func Lookup(s Scope) (ScopeInfo, bool) {
	for _, i := range Catalogue {
		if i.Scope == s {
			return i, true
		}
	}
	return ScopeInfo{}, false
}

// Allows reports whether a token of kind k may carry the scope, for an admin or not.
func (i ScopeInfo) Allows(k Kind, admin bool) bool {
	if i.AdminOnly && !admin {
		return false
	}
	for _, kk := range i.Kinds {
		if kk == k {
			return true
		}
	}
	return false
}

// ScopesFor lists the catalogue entries a token of kind k may carry.
func ScopesFor(k Kind, admin bool) []ScopeInfo { return ScopesAt(k, admin, "") }

// ScopesAt lists the catalogue entries a token of kind k may carry on GitLab
// version ("" when unknown: every scope).
func ScopesAt(k Kind, admin bool, version string) []ScopeInfo {
	var out []ScopeInfo
	for _, i := range Catalogue {
		if i.Allows(k, admin) && i.ExistsIn(version) {
			out = append(out, i)
		}
	}
	return out
}

// ExistsIn reports whether GitLab version (like "17.11.2-ee"; "" unknown)
// knows the scope.
func (i ScopeInfo) ExistsIn(version string) bool {
	return i.Since == "" || !VersionBefore(version, i.Since)
}

// VersionBefore reports whether version ("17.11.2-ee") is older than since
// ("17.9"). An unknown version is not older than anything: GitLab decides.
func VersionBefore(version, since string) bool {
	var a, b, x, y int
	if n, _ := fmt.Sscanf(version, "%d.%d", &a, &b); n < 2 {
		return false
	}
	if n, _ := fmt.Sscanf(since, "%d.%d", &x, &y); n < 2 {
		return false
	}
	return a < x || a == x && b < y
}

// ExplainScopeRefusal says why GitLab answered "scopes does not have a valid
// value" to a request for scopes on version: a scope newer than the
// instance, or one whose feature the instance has switched off (GitLab drops
// those from its list). "" when none of the scopes explains it.
func ExplainScopeRefusal(ss []Scope, version string) string {
	var parts []string
	for _, s := range ss {
		i, ok := Lookup(s)
		switch {
		case !ok:
			parts = append(parts, fmt.Sprintf("%s is not a scope GitLab knows", s))
		case !i.ExistsIn(version):
			parts = append(parts, fmt.Sprintf("%s needs GitLab %s or later, and this instance runs %s", s, i.Since, version))
		case i.Needs != "":
			parts = append(parts, fmt.Sprintf("%s is not enabled on this instance: %s may be disabled", s, i.Needs))
		}
	}
	return strings.Join(parts, "; ")
}

// ParseScopes splits comma- or space-separated scope lists, each element of
// which may itself hold several, and removes duplicates keeping order.
func ParseScopes(values ...string) []Scope {
	var out []Scope
	seen := map[Scope]bool{}
	for _, v := range values {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			s := Scope(strings.ToLower(f))
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// JoinScopes writes scopes comma-separated.
func JoinScopes(ss []Scope) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

func checkScopes(ss []Scope, k Kind, admin bool, version string) error {
	if len(ss) == 0 {
		return fmt.Errorf("pick at least one scope (read_api is enough for Jira to read commits, branches and merge requests)")
	}
	for _, s := range ss {
		i, ok := Lookup(s)
		if !ok {
			return fmt.Errorf("unknown scope %q: use one of %s", s, JoinScopes(scopeNames(ScopesAt(k, admin, version))))
		}
		if !i.ExistsIn(version) {
			return fmt.Errorf("scope %q needs GitLab %s or later, and this instance runs %s: remove it", s, i.Since, version)
		}
		if !i.Allows(k, admin) {
			if i.AdminOnly && !admin {
				return fmt.Errorf("scope %q is for administrators only: remove it", s)
			}
			return fmt.Errorf("scope %q is not available for %s tokens: remove it", s, k)
		}
	}
	return nil
}

func scopeNames(is []ScopeInfo) []Scope {
	out := make([]Scope, len(is))
	for n, i := range is {
		out[n] = i.Scope
	}
	return out
}
