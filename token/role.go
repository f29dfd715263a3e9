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

// GrantableBy returns the roles a caller holding role caller may give a token.
// An unknown caller role (RoleNone) allows every role; the server decides.
func GrantableBy(caller Role) []Role {
	var out []Role
	for _, r := range Roles {
		if caller == RoleNone || r <= caller {
			out = append(out, r)
		}
	}
	return out
}
