package steps

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// Option is one line of a single-choice step.
type Option struct {
	Label    string
	Detail   string
	Disabled string // why it cannot be chosen, if it cannot
	Value    any
}

// Choice is a single-choice list; Purpose, Kind and Role are built on it.
type Choice struct {
	id      ID
	title   string
	intro   string
	options []Option
	cursor  int
	keys    NavKeyMap
	styles  *Styles
	apply   func(r *token.Request, v any)
	note    func(v any) string
	err     string
}

func (c *Choice) ID() ID        { return c.id }
func (c *Choice) Title() string { return c.title }
func (c *Choice) Init() tea.Cmd { return nil }

// Selected returns the value under the cursor.
func (c *Choice) Selected() any { return c.options[c.cursor].Value }

// Select moves the cursor to the option holding v.
func (c *Choice) Select(v any) {
	for i, o := range c.options {
		if o.Value == v {
			c.cursor = i
		}
	}
}

func (c *Choice) Apply(r *token.Request) { c.apply(r, c.Selected()) }

func (c *Choice) Update(msg tea.Msg) (Step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return c, nil
	}
	switch {
	case key.Matches(k, c.keys.Up):
		c.cursor = (c.cursor + len(c.options) - 1) % len(c.options)
		c.err = ""
	case key.Matches(k, c.keys.Down):
		c.cursor = (c.cursor + 1) % len(c.options)
		c.err = ""
	case key.Matches(k, c.keys.Next):
		if why := c.options[c.cursor].Disabled; why != "" {
			c.err = why
			return c, nil
		}
		return c, done(c.id)
	case key.Matches(k, c.keys.Back):
		return c, back(c.id)
	}
	return c, nil
}

func (c *Choice) View() string {
	var b strings.Builder
	if c.intro != "" {
		b.WriteString(c.styles.Subtle.Render(c.intro) + "\n\n")
	}
	for i, o := range c.options {
		cur, label := "  ", o.Label
		if i == c.cursor {
			cur = c.styles.Cursor.Render("> ")
			label = c.styles.Selected.Render(label)
		}
		if o.Disabled != "" {
			label = c.styles.Subtle.Render(o.Label + " (not available)")
		}
		fmt.Fprintf(&b, "%s%s\n", cur, label)
		if o.Detail != "" {
			fmt.Fprintf(&b, "    %s\n", c.styles.Subtle.Render(o.Detail))
		}
	}
	if c.note != nil {
		if n := c.note(c.Selected()); n != "" {
			b.WriteString("\n" + c.styles.Warn.Render("! "+n) + "\n")
		}
	}
	if c.err != "" {
		b.WriteString("\n" + c.styles.Error.Render(c.err) + "\n")
	}
	return b.String()
}

func (c *Choice) ShortHelp() []key.Binding {
	return []key.Binding{c.keys.Up, c.keys.Down, c.keys.Next, c.keys.Back}
}
func (c *Choice) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }
