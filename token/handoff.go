package token

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"gitlab-token-wizard/internal/safe"
)

// HandOff is everything about a new token but its value: the line a support
// engineer pastes into the ticket. The full-screen result, the accessible
// prompts and the summary after exit all write it with String.
type HandOff struct {
	Kind   Kind
	ID     int64
	Name   string
	Target string // TargetPhrase: "on acme/web"
	Grant  string // GrantPhrase: "Reporter, read_api"
	// Expires is the expiry date; Masked the value with all but its prefix hidden.
	Expires time.Time
	Masked  string
}

// String is the one-line hand-off: kind, id, name, target, grant, expiry, masked value.
func (h HandOff) String() string {
	return fmt.Sprintf("%s token id %d · %s · %s · %s · expires %s · %s", h.Kind, h.ID, Quote(h.Name), safe.Line(h.Target, 80),
		h.Grant, h.Expires.Format(DateLayout), h.Masked)
}

// Quote writes a name as text between quotes, as a person reads it — an
// emoji as itself, not Go's escapes ("👩\u200d💻") — with only what cannot be
// seen escaped (<U+200B>), and cut to 80 characters.
func Quote(name string) string { return "\"" + safe.Line(EscapeInvisible(name), 80) + "\"" }

// NextSteps is what to do with the new token in Jira, and how to renew it.
type NextSteps struct {
	// Steps are the numbered steps in the Jira app, the last one ending with Renew.
	Steps []string
	// Rotate renews the token before it expires; nil for a kind that is not
	// rotated by this tool (personal tokens are made again instead).
	Rotate *Command
}

// JiraSteps are the steps that connect token id in a Jira GitLab app, for
// the instance at base, and the renewal: its command says commandBase of the
// instance (token.DemoHost on a demo run; base when empty).
func (r Request) JiraSteps(base, commandBase string, id int64) NextSteps {
	where := "repository: " + safe.Line(r.Target, 80)
	switch r.Kind {
	case KindGroup:
		where = "group: " + safe.Line(r.Target, 80) + " (every project in it)"
	case KindPersonal:
		where = "repositories: any the user can read"
	case KindServiceAccount:
		where = placesForJira(r.Places)
	}
	n := NextSteps{Steps: []string{
		"1. In your Jira GitLab app (e.g. Jigit), add a connection to " + base,
		"2. Paste the token; " + where,
		fmt.Sprintf("3. Press \"Test connection\". Renew before %s", r.ExpiresAt.Format(DateLayout)),
	}}
	if r.Kind.HasRole() {
		// No full stop after the command: a copy would take it with the id.
		n.Steps[2] += " with:"
		c := r.TokenCommand(cmp.Or(commandBase, base), "rotate", id)
		n.Rotate = &c
	} else {
		n.Steps[2] += " (create a new one)."
	}
	return n
}

// placesForJira names what a service account reaches, as the Jira app asks
// for it: the repositories, or a group's every project.
func placesForJira(ps []Place) string {
	var repos, groups []string
	for _, p := range ps {
		if p.Kind == KindGroup {
			groups = append(groups, "group: "+safe.Line(p.Path, 80)+" (every project in it)")
		} else {
			repos = append(repos, safe.Line(p.Path, 80))
		}
	}
	if len(repos) > 0 {
		groups = append([]string{"repositories: " + strings.Join(repos, ", ")}, groups...)
	}
	return strings.Join(groups, "; ")
}
