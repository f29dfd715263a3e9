package token

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Command is a shell command kept as its arguments, so that it can be drawn
// on one line or broken only between arguments. A quoted name or a URL is
// never split: a copy by mouse always pastes back the same command.
type Command struct {
	// groups are arguments that belong together, a flag and its value; a
	// break falls between groups when it can.
	groups [][]string
}

// Empty reports whether there is no command.
func (c Command) Empty() bool { return len(c.groups) == 0 }

// add appends a group of arguments, each already quoted for the shell.
func (c *Command) add(args ...string) { c.groups = append(c.groups, args) }

// String is the command on one line.
func (c Command) String() string {
	parts := make([]string, 0, len(c.groups))
	for _, g := range c.groups {
		parts = append(parts, strings.Join(g, " "))
	}
	return strings.Join(parts, " ")
}

// Lines is the command broken to fit width columns: on one line when it
// fits, else between groups, each continued line ending in " \" and the next
// indented by two spaces. A group too wide for a line of its own is broken
// between its arguments; an argument wider than a line is kept whole and runs
// past the edge (the screen scrolls sideways, and the copy key copies it).
func (c Command) Lines(width int) []string {
	if one := c.String(); width <= 0 || ansi.StringWidth(one) <= width {
		return []string{one}
	}
	var words []string // the pieces that may not be split further
	for _, g := range c.groups {
		if ansi.StringWidth("  "+strings.Join(g, " ")+" \\") <= width {
			words = append(words, strings.Join(g, " "))
			continue
		}
		words = append(words, g...)
	}
	var lines []string
	cur := words[0]
	for i, w := range words[1:] {
		room := width
		if i < len(words)-2 {
			room -= 2 // the " \" that continues this line
		}
		if ansi.StringWidth(cur+" "+w) <= room {
			cur += " " + w
			continue
		}
		lines = append(lines, cur+" \\")
		cur = "  " + w
	}
	return append(lines, cur)
}

// DemoHost is the base of a command for --demo's built-in stand-in, whose
// address changes every run: such a command says --demo instead of --host.
const DemoHost = "demo:"

// addHost says which instance a command is for: --demo for the built-in
// stand-in, --host for any instance but GitLab.com (the default).
func (c *Command) addHost(base string) {
	switch {
	case base == DemoHost:
		c.add("--demo")
	case base != "" && base != "https://gitlab.com":
		c.add("--host", ShellQuote(base))
	}
}

// commandStart is "gitlab-token-wizard VERB [--host H|--demo] --project|--group|--user TARGET".
func (r Request) commandStart(base, verb string) Command {
	var c Command
	c.add("gitlab-token-wizard", verb)
	c.addHost(base)
	switch r.Kind {
	case KindGroup:
		c.add("--group", ShellQuote(r.Target))
	case KindProject:
		c.add("--project", ShellQuote(r.Target))
	case KindPersonal:
		c.add("--user", ShellQuote(r.PersonalUser()))
	case KindServiceAccount:
		c.add("--group", ShellQuote(r.Target), "--service-account", ShellQuote(r.Account.Username))
	}
	return c
}

// TokenCommand is the command that applies verb (rotate, revoke) to token id
// of the request's kind and target.
func (r Request) TokenCommand(base, verb string, id int64) Command {
	c := r.commandStart(base, verb)
	c.add(fmt.Sprint(id))
	return c
}

// CreateCommand is the gitlab-token-wizard create command for the request.
func (r Request) CreateCommand(base string) Command {
	c := r.commandStart(base, "create")
	if r.Kind == KindServiceAccount {
		// The account's name and email only make a new account (UserID 0):
		// create ignores them for one that exists, so its command says none.
		if r.UserID == 0 && r.Account.Name != "" && r.Account.Name != r.Account.Username {
			c.add("--account-name", ShellQuote(r.Account.Name))
		}
		if r.UserID == 0 && r.Account.Email != "" {
			c.add("--account-email", ShellQuote(r.Account.Email))
		}
		// Every place, unless the account's own group alone (create's
		// default): --member-of for groups, --project for projects.
		if !r.groupOnly() {
			for _, k := range []Kind{KindGroup, KindProject} {
				for _, p := range r.Places {
					if p.Kind == k {
						c.add(map[Kind]string{KindGroup: "--member-of", KindProject: "--project"}[k], ShellQuote(p.Path))
					}
				}
			}
		}
	}
	c.add("--name", ShellQuote(r.Name))
	if r.Description != "" {
		c.add("--description", ShellQuote(r.Description))
	}
	if r.Kind.HasRole() {
		c.add("--access-level", r.Role.String())
	}
	c.add("--scope", JoinScopes(r.Scopes))
	if !r.ExpiresAt.IsZero() {
		c.add("--expires-at", r.ExpiresAt.Format(DateLayout))
	}
	return c
}

// groupOnly reports whether a service account's only place is its own
// group, which create gives when no place is named.
func (r Request) groupOnly() bool {
	return len(r.Places) == 1 && r.Places[0].Kind == KindGroup && strings.EqualFold(strings.Trim(r.Places[0].Path, "/"), strings.Trim(r.Target, "/"))
}

// CurlCommand is the create request as curl with one form field per
// argument, as GitLab's documentation writes personal token requests, so
// that a screen 80 columns wide can break it between fields. Curl writes the
// same request with a JSON body for scripts.
func (r Request) CurlCommand(base string) Command {
	var c Command
	c.add("curl", "--request", "POST")
	c.add("--header", `"PRIVATE-TOKEN: $GITLAB_TOKEN"`)
	c.add("--data-urlencode", ShellQuote("name="+r.Name))
	if r.Description != "" {
		c.add("--data-urlencode", ShellQuote("description="+r.Description))
	}
	for _, s := range r.Scopes {
		c.add("--data", ShellQuote("scopes[]="+string(s)))
	}
	if r.Kind.HasTokenRole() {
		c.add("--data", fmt.Sprintf("access_level=%d", int(r.Role)))
	}
	if !r.ExpiresAt.IsZero() {
		c.add("--data", "expires_at="+r.ExpiresAt.Format(DateLayout))
	}
	c.add(ShellQuote(strings.TrimRight(base, "/") + "/api/v4" + r.CreatePath()))
	return c
}
