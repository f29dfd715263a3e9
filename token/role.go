package token

import (
	"fmt"
	"strconv"
	"strings"
)

// Role is a GitLab access level, as sent in access_level.
type Role int

// The roles GitLab knows, by access level.
const (
	RoleNone       Role = 0
	RoleGuest      Role = 10
	RolePlanner    Role = 15
	RoleReporter   Role = 20
	RoleDeveloper  Role = 30
	RoleMaintainer Role = 40
	RoleOwner      Role = 50
)

// Roles lists every grantable role from least to most privileged.
var Roles = []Role{RoleGuest, RolePlanner, RoleReporter, RoleDeveloper, RoleMaintainer, RoleOwner}

var roleInfo = map[Role]struct{ name, meaning string }{
	RoleGuest:      {"guest", "view issues and the project's metadata; cannot read private code"},
	RolePlanner:    {"planner", "plan work: issues, epics, milestones; cannot read private code"},
	RoleReporter:   {"reporter", "read code, commits, branches and merge requests"},
	RoleDeveloper:  {"developer", "also push to unprotected branches and create branches"},
	RoleMaintainer: {"maintainer", "also manage settings, protected branches and members"},
	RoleOwner:      {"owner", "full control, including deletion"},
}

// Valid reports whether r is a role GitLab accepts.
func (r Role) Valid() bool { _, ok := roleInfo[r]; return ok }

// String returns the role's lower-case name, or its number when unknown.
func (r Role) String() string {
	if i, ok := roleInfo[r]; ok {
		return i.name
	}
	if r == RoleNone {
		return "none"
	}
	return strconv.Itoa(int(r))
}

// Title returns the role's name as GitLab writes it ("Maintainer").
func (r Role) Title() string {
	s := r.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// Meaning returns one line on what the role allows.
func (r Role) Meaning() string { return roleInfo[r].meaning }

// ParseRole accepts a role name ("developer", any case) or its access level ("30").
func ParseRole(s string) (Role, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(t); err == nil {
		if r := Role(n); r.Valid() {
			return r, nil
		}
	}
	for r, i := range roleInfo {
		if i.name == t {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q: use guest, planner, reporter, developer, maintainer or owner (or 10, 15, 20, 30, 40, 50)", s)
}

// grantable is GitLab's Gitlab::Access.level_encompasses? as a table: the
// roles a caller holding a role may give a token (create_service.rb
// validate_access_level; spec/support/helpers/roles_helpers.rb). It is not
// "numerically lower": Planner (15) sits outside the hierarchy, so only an
// Owner or a Planner may grant it, and a Maintainer may not.
var grantable = map[Role][]Role{
	RoleOwner:      {RoleGuest, RolePlanner, RoleReporter, RoleDeveloper, RoleMaintainer, RoleOwner},
	RoleMaintainer: {RoleGuest, RoleReporter, RoleDeveloper, RoleMaintainer},
	RoleDeveloper:  {RoleGuest, RoleReporter, RoleDeveloper},
	RoleReporter:   {RoleGuest, RoleReporter},
	RolePlanner:    {RoleGuest, RolePlanner},
	RoleGuest:      {RoleGuest},
}

// CanGrant reports whether a caller holding role caller may give a token
// role r. An unknown caller role (RoleNone) allows every role: GitLab decides.
func CanGrant(caller, r Role) bool {
	if caller == RoleNone {
		return r.Valid()
	}
	for _, g := range grantable[caller] {
		if g == r {
			return true
		}
	}
	return false
}

// PlannerSince is the GitLab version that has the Planner role: before it,
// access_level 15 is refused ("access_level does not have a valid value").
const PlannerSince = "17.7"

// ExistsAt reports whether GitLab version ("" when unknown) has role r.
func (r Role) ExistsAt(version string) bool {
	return r != RolePlanner || version == "" || !VersionBefore(version, PlannerSince)
}

// GrantableBy returns the roles a caller holding role caller may give a
// token, least privileged first. An unknown caller role (RoleNone) allows
// every role; the server decides.
func GrantableBy(caller Role) []Role { return GrantableAt(caller, "") }

// GrantableAt is GrantableBy on GitLab version ("" when unknown): the roles
// the caller may grant that the version has.
func GrantableAt(caller Role, version string) []Role {
	var out []Role
	for _, r := range Roles {
		if CanGrant(caller, r) && r.ExistsAt(version) {
			out = append(out, r)
		}
	}
	return out
}

// titles writes roles as "Guest, Reporter or Developer".
func titles(rs []Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Title()
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
