package steps

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// ScopesStep is a multiple choice of the scopes valid for the kind.
type ScopesStep struct {
	c        *Common
	kind     token.Kind
	q        token.Question
	selected map[string]bool
	cursor   int
	preset   token.Preset
	keys     NavKeyMap
	err      string
}

// NewScopes lists the scopes kind k may carry on GitLab version ("" when
// unknown), with current ones ticked.
func NewScopes(c *Common, k token.Kind, admin bool, version string, current []token.Scope, preset token.Preset) *ScopesStep {
	s := &ScopesStep{c: c, kind: k, q: token.ScopesQuestion(k, admin, version, current), selected: map[string]bool{}, preset: preset, keys: DefaultNavKeyMap()}
	for _, o := range s.q.Options {
		s.selected[o.Value] = o.Selected
	}
	return s
}

func (s *ScopesStep) ID() ID          { return Scopes }
func (s *ScopesStep) Title() string   { return s.q.Title }
func (s *ScopesStep) Init() tea.Cmd   { return nil }
func (s *ScopesStep) TakesText() bool { return false }

// Chosen returns the ticked scopes in catalogue order.
func (s *ScopesStep) Chosen() []token.Scope {
	var out []token.Scope
	for _, o := range s.q.Options {
		if s.selected[o.Value] {
			out = append(out, token.Scope(o.Value))
		}
	}
	return out
}

func (s *ScopesStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	if c, moved := MoveCursor(k, s.keys.Up, s.keys.Down, s.cursor, len(s.q.Options)); moved {
		s.cursor = c
		return s, nil
	}
	switch {
	case key.Matches(k, s.keys.Toggle):
		v := s.q.Options[s.cursor].Value
		s.selected[v] = !s.selected[v]
		s.err = ""
	case key.Matches(k, s.keys.Next):
		if len(s.Chosen()) == 0 {
			s.err = "Pick at least one scope (" + s.keys.Toggle.Help().Key + " ticks it): read_api is enough for Jira to read."
			return s, nil
		}
		return s, done(Scopes, ScopesChosen{Scopes: s.Chosen()})
	case key.Matches(k, s.keys.Back):
		return s, back(Scopes)
	}
	return s, nil
}

func (s *ScopesStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	for i, o := range s.q.Options {
		box := "[ ] "
		if s.selected[o.Value] {
			box = "[x] "
		}
		// The column is one wider than the widest scope
		// (write_virtual_registry), which must not touch its meaning.
		d.row(st, i == s.cursor, false, box+o.Label, 4+23, o.Meaning)
	}
	for _, a := range s.preset.Advice(token.Request{Kind: s.kind, Scopes: s.Chosen()}) {
		d.text(st.Warn, "! "+a)
	}
	if s.err != "" {
		d.text(st.Error, s.err)
	}
	return d
}

func (s *ScopesStep) View() string   { return s.render().String() }
func (s *ScopesStep) FocusLine() int { return s.render().focus }
func (s *ScopesStep) FocusEnd() int  { return s.render().focusEnd }

func (s *ScopesStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Toggle, s.keys.Next, s.keys.Back}
}
func (s *ScopesStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
