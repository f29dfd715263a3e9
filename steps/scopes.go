package steps

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// ScopesStep is a multi-select of the scopes valid for the kind.
type ScopesStep struct {
	kind     token.Kind
	infos    []token.ScopeInfo
	selected map[token.Scope]bool
	cursor   int
	preset   token.Preset
	keys     NavKeyMap
	styles   *Styles
	err      string
}

// NewScopes lists the scopes kind k may carry, with current ones ticked.
func NewScopes(st *Styles, k token.Kind, admin bool, current []token.Scope, preset token.Preset) *ScopesStep {
	s := &ScopesStep{kind: k, infos: token.ScopesFor(k, admin), selected: map[token.Scope]bool{}, preset: preset, keys: DefaultNavKeyMap(), styles: st}
	for _, c := range current {
		s.selected[c] = true
	}
	return s
}

func (s *ScopesStep) ID() ID        { return Scopes }
func (s *ScopesStep) Title() string { return "Which scopes?" }
func (s *ScopesStep) Init() tea.Cmd { return nil }

// Chosen returns the ticked scopes in catalogue order.
func (s *ScopesStep) Chosen() []token.Scope {
	var out []token.Scope
	for _, i := range s.infos {
		if s.selected[i.Scope] {
			out = append(out, i.Scope)
		}
	}
	return out
}

func (s *ScopesStep) Apply(r *token.Request) { r.Scopes = s.Chosen() }

func (s *ScopesStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	switch {
	case key.Matches(k, s.keys.Up):
		s.cursor = (s.cursor + len(s.infos) - 1) % len(s.infos)
	case key.Matches(k, s.keys.Down):
		s.cursor = (s.cursor + 1) % len(s.infos)
	case key.Matches(k, s.keys.Toggle), k.String() == "x":
		sc := s.infos[s.cursor].Scope
		s.selected[sc] = !s.selected[sc]
		s.err = ""
	case key.Matches(k, s.keys.Next):
		if len(s.Chosen()) == 0 {
			s.err = "Pick at least one scope (space ticks it): read_api is enough for Jira to read."
			return s, nil
		}
		return s, done(Scopes)
	case key.Matches(k, s.keys.Back):
		return s, back(Scopes)
	}
	return s, nil
}

func (s *ScopesStep) View() string {
	var b strings.Builder
	for i, info := range s.infos {
		box := "[ ]"
		if s.selected[info.Scope] {
			box = "[x]"
		}
		cur, name := "  ", fmt.Sprintf("%s %-22s", box, info.Scope)
		if i == s.cursor {
			cur, name = s.styles.Cursor.Render("> "), s.styles.Selected.Render(name)
		}
		fmt.Fprintf(&b, "%s%s %s\n", cur, name, s.styles.Subtle.Render(info.Meaning))
	}
	for _, a := range s.preset.Advice(token.Request{Kind: s.kind, Scopes: s.Chosen()}) {
		b.WriteString(s.styles.Warn.Render("! "+a) + "\n")
	}
	if s.err != "" {
		b.WriteString(s.styles.Error.Render(s.err) + "\n")
	}
	return b.String()
}

func (s *ScopesStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Toggle, s.keys.Next, s.keys.Back}
}
func (s *ScopesStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
