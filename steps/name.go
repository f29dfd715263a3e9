package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// NameStep asks for the token's name and an optional description.
type NameStep struct {
	fields
	c                *Common
	name, desc       token.Question
	nameErr, descErr string
}

// NewName starts with the name from the request (the purpose's default).
func NewName(c *Common, name, desc string) *NameStep {
	nq, dq := token.NameQuestion(name), token.DescriptionQuestion(desc)
	return &NameStep{c: c, name: nq, desc: dq, fields: newFields(0,
		NewInput(c.Styles, pad(nq.Label+":", 13), nq.Placeholder, TextLimit, nq.Default),
		NewInput(c.Styles, pad(dq.Label+":", 13), dq.Placeholder, TextLimit, dq.Default))}
}

func (s *NameStep) ID() ID        { return Name }
func (s *NameStep) Title() string { return s.name.Title }
func (s *NameStep) Init() tea.Cmd { return s.focusOn(s.focus) }

func (s *NameStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.keys.Back):
			return s, back(Name)
		case key.Matches(k, s.keys.Next):
			name, desc := strings.TrimSpace(s.value(0)), strings.TrimSpace(s.value(1))
			s.nameErr, s.descErr = errText(s.name.Validate(name)), errText(s.desc.Validate(desc))
			if s.nameErr != "" {
				return s, s.focusOn(0)
			}
			if s.descErr != "" {
				return s, s.focusOn(1)
			}
			return s, done(Name, Named{Name: name, Description: desc})
		}
	}
	return s, s.update(msg)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (s *NameStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, s.name.Intro)
	d.blank()
	for i, msg := range []string{s.nameErr, s.descErr} {
		field := len(d.lines)
		d.raw(s.in[i].View())
		if msg != "" {
			d.hanging("  ", "  ", st.Error, msg)
			d.keep(field)
		}
		if s.note != "" && i == s.focus {
			d.hanging("  ", "  ", st.Warn, s.note)
			d.keep(field)
		}
	}
	return d
}

func (s *NameStep) View() string   { return s.render().String() }
func (s *NameStep) FocusLine() int { return s.render().focus }
func (s *NameStep) FocusEnd() int  { return s.render().focusEnd }

func (s *NameStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.NextField, s.keys.PrevField, s.keys.Next, s.keys.Back}
}
func (s *NameStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
