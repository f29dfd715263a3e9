package token

import (
	"fmt"
	"strings"
)

// Preset fills role and scopes for a common purpose.
type Preset struct {
	ID      string
	Title   string
	Summary string
	Name    string
	Role    Role
	Scopes  []Scope
	// ReadOnly purposes get warnings when the user picks write scopes or more role than needed.
	ReadOnly bool
}

// Presets lists the purposes the wizard offers, recommended first.
var Presets = []Preset{
	{
		ID: "jira-read", Title: "Jira integration: read commits, branches, merge requests (recommended)",
		Summary: "read_api, Reporter: Jira reads commits, branches and merge requests",
		Name:    "Jira integration", Role: RoleReporter, Scopes: []Scope{"read_api"}, ReadOnly: true,
	},
	{
		ID: "jira-write", Title: "Jira integration: also create branches from Jira",
		Summary: "api, Developer: Jira can also create branches from issues",
		Name:    "Jira integration", Role: RoleDeveloper, Scopes: []Scope{"api"},
	},
	{
		ID: "custom", Title: "Custom", Summary: "choose the role and scopes yourself",
	},
}

// FindPreset returns the preset with the given id.
func FindPreset(id string) (Preset, error) {
	for _, p := range Presets {
		if p.ID == strings.ToLower(strings.TrimSpace(id)) {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("unknown preset %q: use jira-read, jira-write or custom", id)
}

// Apply makes r follow purpose p, the one rule for flags and for the wizard's
// purpose step. The first time (r has no purpose yet) it fills only what is
// empty, so explicit flags win; switching from another purpose replaces the
// role and scopes with p's; choosing the same purpose again changes nothing,
// so the role and scopes picked since stand.
func (p Preset) Apply(r *Request) {
	switch r.Preset {
	case p.ID:
		return
	case "":
		if r.Role == RoleNone {
			r.Role = p.Role
		}
		if len(r.Scopes) == 0 {
			r.Scopes = append([]Scope(nil), p.Scopes...)
		}
	default:
		r.Role, r.Scopes = p.Role, append([]Scope(nil), p.Scopes...)
	}
	r.Preset = p.ID
	if r.Name == "" {
		r.Name = p.Name
	}
}

// Advice returns warnings (not errors) about choices that exceed what the preset needs.
func (p Preset) Advice(r Request) []string {
	var out []string
	if p.Role != RoleNone && r.Kind.HasRole() && r.Role > p.Role {
		out = append(out, fmt.Sprintf("role %s is more than %q needs (%s): the token could do more than Jira requires",
			r.Role.Title(), p.ID, p.Role.Title()))
	}
	if p.ReadOnly {
		for _, s := range r.Scopes {
			if i, ok := Lookup(s); ok && i.Broad {
				out = append(out, fmt.Sprintf("scope %s allows writes, but %q only reads: Jira stores the token unencrypted, prefer read_api", s, p.ID))
			}
		}
	}
	return out
}

// Shortfall says why role is too little for purpose p, or "". A purpose
// that writes needs its role whatever the project (Jira creates branches as
// a Developer); for one that only reads, reading the project is the proof
// (a public project is read without a role), so no role falls short.
func (p Preset) Shortfall(role Role) string {
	if p.ReadOnly || p.Role == RoleNone || role >= p.Role {
		return ""
	}
	return fmt.Sprintf("%s is less than %q needs (%s): Jira could not %s; give the token %s or more, or choose a read-only purpose",
		RoleOrNone(role), p.ID, p.Role.Title(), p.writes(), p.Role.Title())
}

// writes names what a purpose that writes does with its role.
func (p Preset) writes() string {
	if p.ID == "jira-write" {
		return "create branches"
	}
	return "do what " + p.ID + " does"
}
