package steps

import (
	"fmt"

	"gitlab-token-wizard/token"
)

// NewRole lists only the roles the caller may grant, with the current choice selected.
func NewRole(st *Styles, caller, current token.Role, preset token.Preset) *Choice {
	c := &Choice{id: Role, title: "Which role does the token get?", keys: DefaultNavKeyMap(), styles: st}
	if caller != token.RoleNone {
		c.intro = fmt.Sprintf("You are %s here, so roles above %s are not offered.", caller.Title(), caller.Title())
	}
	for _, r := range token.GrantableBy(caller) {
		label := r.Title()
		if r == preset.Role {
			label += " (what the purpose needs)"
		}
		c.options = append(c.options, Option{Label: label, Detail: r.Meaning(), Value: r})
	}
	if current == token.RoleNone || (caller != token.RoleNone && current > caller) {
		current = preset.Role
	}
	if current == token.RoleNone {
		current = token.RoleReporter
	}
	c.Select(current)
	c.apply = func(r *token.Request, v any) { r.Role = v.(token.Role) }
	c.note = func(v any) string {
		if r := v.(token.Role); preset.Role != token.RoleNone && r > preset.Role {
			return fmt.Sprintf("%s is more than %q needs (%s): the token could do more than Jira requires", r.Title(), preset.ID, preset.Role.Title())
		}
		return ""
	}
	return c
}
