package steps

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// Choice is a single choice among a question's options; Purpose, Kind and
// Role are built on it from the catalogue.
type Choice struct {
	c      *Common
	id     ID
	q      token.Question
	cursor int
	keys   NavKeyMap
	// answer turns the chosen option's value into the step's answer.
	answer func(value string) Answer
	// note warns about the option under the cursor, if it needs a warning.
	note func(value string) string
	// err says why enter did not choose the option under the cursor.
	err string
}

func newChoice(c *Common, id ID, q token.Question, answer func(string) Answer) *Choice {
	ch := &Choice{c: c, id: id, q: q, keys: DefaultNavKeyMap(), answer: answer}
	ch.Select(q.Default)
	return ch
}

// NewPurpose asks what the token is for. It is the first step after the
// sign-in, which cannot be gone back to: there esc leaves the wizard (with
// nothing sent), and its help says so rather than promise "back".
func NewPurpose(c *Common, preset string) *Choice {
	ch := newChoice(c, Purpose, token.PurposeQuestion(preset), func(v string) Answer {
		p, _ := token.FindPreset(v)
		return PurposeChosen{Preset: p}
	})
	ch.keys.Back.SetHelp("esc", "quit")
	return ch
}

// NewKind asks for the kind of token; offer says whether the caller can
// make a service account.
func NewKind(c *Common, isAdmin bool, current token.Kind, offer token.AccountOffer) *Choice {
	return newChoice(c, Kind, token.KindQuestion(isAdmin, current, offer), func(v string) Answer {
		return KindChosen{Kind: token.Kind(v)}
	})
}

// NewRole lists only the roles the caller may grant, with the current choice
// selected, and warns when the role is more than the purpose needs.
func NewRole(c *Common, caller, current token.Role, preset token.Preset, version string) *Choice {
	return newRole(c, token.RoleQuestion(caller, current, preset, version), preset)
}

// NewAccountRole asks for a service account's role on its places; caller
// is the least role the caller holds there.
func NewAccountRole(c *Common, caller, current token.Role, preset token.Preset, version string) *Choice {
	return newRole(c, token.AccountRoleQuestion(caller, current, preset, version), preset)
}

func newRole(c *Common, q token.Question, preset token.Preset) *Choice {
	ch := newChoice(c, Role, q, func(v string) Answer {
		r, _ := token.ParseRole(v)
		return RoleChosen{Role: r}
	})
	ch.note = func(v string) string {
		if r, _ := token.ParseRole(v); preset.Role != token.RoleNone && r > preset.Role {
			return fmt.Sprintf("%s is more than %q needs (%s): the token could do more than Jira requires", r.Title(), preset.ID, preset.Role.Title())
		}
		return ""
	}
	return ch
}

func (ch *Choice) ID() ID          { return ch.id }
func (ch *Choice) Title() string   { return ch.q.Title }
func (ch *Choice) Init() tea.Cmd   { return nil }
func (ch *Choice) TakesText() bool { return false }

// Selected returns the value of the option under the cursor.
func (ch *Choice) Selected() string { return ch.q.Options[ch.cursor].Value }

// Select moves the cursor to the option with value v.
func (ch *Choice) Select(v string) {
	for i, o := range ch.q.Options {
		if o.Value == v {
			ch.cursor = i
		}
	}
}

func (ch *Choice) Update(msg tea.Msg) (Step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return ch, nil
	}
	ch.err = ""
	if c, moved := MoveCursor(k, ch.keys.Up, ch.keys.Down, ch.cursor, len(ch.q.Options)); moved {
		ch.cursor = c
		return ch, nil
	}
	switch {
	case key.Matches(k, ch.keys.Next):
		if o := ch.q.Options[ch.cursor]; o.Disabled != "" {
			ch.err = "Enter cannot choose it: " + o.Label + " is " + o.Disabled + "."
			return ch, nil
		}
		return ch, done(ch.id, ch.answer(ch.Selected()))
	case key.Matches(k, ch.keys.Back):
		return ch, back(ch.id)
	}
	return ch, nil
}

func (ch *Choice) render() *doc {
	st := &ch.c.Styles
	d := newDoc(ch.c.Width)
	if ch.q.Intro != "" {
		d.text(st.Subtle, ch.q.Intro)
		d.blank()
	}
	for i, o := range ch.q.Options {
		d.option(st, i == ch.cursor, o.Label)
		if o.Meaning != "" {
			d.hanging("    ", "    ", st.Subtle, o.Meaning)
		}
		if o.Disabled != "" {
			d.hanging("    ", "    ", st.Warn, o.Disabled)
		}
	}
	if ch.note != nil {
		if n := ch.note(ch.Selected()); n != "" {
			d.blank()
			d.text(st.Warn, "! "+n)
		}
	}
	if ch.err != "" {
		d.blank()
		d.text(st.Error, ch.err)
	}
	return d
}

func (ch *Choice) View() string   { return ch.render().String() }
func (ch *Choice) FocusLine() int { return ch.render().focus }
func (ch *Choice) FocusEnd() int  { return ch.render().focusEnd }

func (ch *Choice) ShortHelp() []key.Binding {
	return []key.Binding{ch.keys.Up, ch.keys.Down, ch.keys.Next, ch.keys.Back}
}
func (ch *Choice) FullHelp() [][]key.Binding { return [][]key.Binding{ch.ShortHelp()} }
