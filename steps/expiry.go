package steps

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// ExpiryStep offers quick lifetimes and a custom date.
type ExpiryStep struct {
	c      *Common
	now    time.Time
	limits token.Limits
	q      token.Question
	cursor int // an option of q; the last one is the custom date
	custom Input
	keys   NavKeyMap
	err    string
}

// NewExpiry offers what the instance's lifetime rule l allows, and selects
// the current date if it is a quick pick, else shows it as custom.
func NewExpiry(c *Common, now time.Time, l token.Limits, current time.Time) *ExpiryStep {
	cq := token.CustomExpiryQuestion(now, l, current)
	s := &ExpiryStep{c: c, now: now, limits: l, q: token.ExpiryQuestion(now, l, current), keys: DefaultNavKeyMap(),
		custom: NewInput(c.Styles, cq.Label+": ", cq.Placeholder, DateLimit, cq.Default)}
	for i, o := range s.q.Options {
		if o.Value == s.q.Default {
			s.cursor = i
		}
	}
	if !s.onCustom() {
		s.custom.SetValue("")
	}
	return s
}

func (s *ExpiryStep) ID() ID          { return Expiry }
func (s *ExpiryStep) Title() string   { return s.q.Title }
func (s *ExpiryStep) Init() tea.Cmd   { return s.syncFocus() }
func (s *ExpiryStep) TakesText() bool { return s.onCustom() }
func (s *ExpiryStep) onCustom() bool  { return s.q.Options[s.cursor].Value == token.Custom }

func (s *ExpiryStep) syncFocus() tea.Cmd {
	if s.onCustom() {
		return s.custom.Focus()
	}
	s.custom.Blur()
	return nil
}

// Date returns the chosen date or an error saying how to fix it.
func (s *ExpiryStep) Date() (time.Time, error) {
	v := s.q.Options[s.cursor].Value
	if v == token.Custom {
		v = s.custom.Value()
	}
	return token.ExpiryAnswer(v, s.now, s.limits)
}

func (s *ExpiryStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if c, moved := MoveCursor(k, s.keys.Up, s.keys.Down, s.cursor, len(s.q.Options)); moved {
			s.cursor, s.err = c, ""
			return s, s.syncFocus()
		}
		switch {
		case key.Matches(k, s.keys.Back):
			return s, back(Expiry)
		case key.Matches(k, s.keys.Next):
			d, err := s.Date()
			if err != nil {
				s.err = err.Error()
				return s, nil
			}
			return s, done(Expiry, ExpiryChosen{Date: d})
		}
	}
	if !s.onCustom() {
		return s, nil
	}
	before := s.custom.Value()
	note, cmd := s.custom.Type(msg)
	// Only an edit makes the error stale: timer and other messages pass
	// through the input too, and must not wipe what the user has to read.
	switch {
	case note != "":
		s.err = note
	case s.custom.Value() != before:
		s.err = ""
	}
	return s, cmd
}

func (s *ExpiryStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, s.q.Intro)
	d.blank()
	for i, o := range s.q.Options {
		d.option(st, i == s.cursor, o.Label)
	}
	if s.onCustom() {
		d.raw("    " + s.custom.View())
		if dt, err := s.Date(); err == nil {
			d.hanging("    ", "    ", st.OK, token.DescribeExpiry(dt, s.now))
		}
	}
	if s.err != "" {
		d.blank()
		d.text(st.Error, s.err)
	}
	return d
}

func (s *ExpiryStep) View() string   { return s.render().String() }
func (s *ExpiryStep) FocusLine() int { return s.render().focus }
func (s *ExpiryStep) FocusEnd() int  { return s.render().focusEnd }

func (s *ExpiryStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Next, s.keys.Back}
}
func (s *ExpiryStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Restyle applies the styles again after the background colour changed them.
func (s *ExpiryStep) Restyle(st Styles) { s.custom.SetStyles(st.Input) }

// Resize fits the date field, drawn indented, to a window width columns wide.
func (s *ExpiryStep) Resize(width int) { s.custom.Fit(width - 4) }
