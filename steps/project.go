package steps

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// Debounce is how long typing must pause before a search is sent.
const Debounce = 250 * time.Millisecond

// SearchRequestMsg asks the root to search projects; the step never does I/O.
type SearchRequestMsg struct {
	Seq   int
	Query string
}

// ProjectsMsg carries search results back to the step.
type ProjectsMsg struct {
	Seq      int
	Projects []gitlab.Project
	Err      error
}

type debounceMsg struct{ seq int }

// ProjectStep searches, server-side and debounced, the projects the caller maintains.
type ProjectStep struct {
	input   textinput.Model
	seq     int
	results []gitlab.Project
	cursor  int
	loading bool
	err     string
	chosen  gitlab.Project
	keys    NavKeyMap
	styles  *Styles
}

// NewProject starts with the current target (if any) as the query.
func NewProject(st *Styles, current string) *ProjectStep {
	return &ProjectStep{input: newInput("Search: ", "project name or group/path", 255, current), keys: DefaultNavKeyMap(), styles: st}
}

func (s *ProjectStep) ID() ID        { return Project }
func (s *ProjectStep) Title() string { return "Which project?" }

// Init focuses the input and, the first time only, searches right away;
// coming back keeps the results instead of asking GitLab again.
func (s *ProjectStep) Init() tea.Cmd {
	if s.seq > 0 && s.err == "" {
		return s.input.Focus()
	}
	return tea.Batch(s.input.Focus(), s.search())
}

func (s *ProjectStep) search() tea.Cmd {
	s.seq++
	s.loading = true
	seq, q := s.seq, strings.TrimSpace(s.input.Value())
	return func() tea.Msg { return SearchRequestMsg{Seq: seq, Query: q} }
}

// Chosen returns the selected project.
func (s *ProjectStep) Chosen() gitlab.Project { return s.chosen }

func (s *ProjectStep) Apply(r *token.Request) {
	if s.chosen.Path != "" {
		r.Target = s.chosen.Path
	}
}

func (s *ProjectStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case debounceMsg:
		if m.seq == s.seq {
			return s, s.search()
		}
		return s, nil
	case ProjectsMsg:
		if m.Seq != s.seq {
			return s, nil // a stale answer to an older query
		}
		s.loading = false
		s.results, s.err, s.cursor = m.Projects, "", 0
		if m.Err != nil {
			s.results, s.err = nil, m.Err.Error()
		}
		return s, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, s.keys.Up):
			if len(s.results) > 0 {
				s.cursor = (s.cursor + len(s.results) - 1) % len(s.results)
			}
			return s, nil
		case key.Matches(m, s.keys.Down):
			if len(s.results) > 0 {
				s.cursor = (s.cursor + 1) % len(s.results)
			}
			return s, nil
		case key.Matches(m, s.keys.Back):
			return s, back(Project)
		case key.Matches(m, s.keys.Next):
			if s.loading || len(s.results) == 0 {
				if !s.loading {
					s.err = "No project selected: type part of its name or path, then pick it with ↑/↓."
				}
				return s, nil
			}
			s.chosen = s.results[s.cursor]
			return s, done(Project)
		}
	}
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() != before {
		s.seq++
		seq := s.seq
		s.loading = true
		return s, tea.Batch(cmd, tea.Tick(Debounce, func(time.Time) tea.Msg { return debounceMsg{seq} }))
	}
	return s, cmd
}

func (s *ProjectStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render("Only projects where you are Maintainer or Owner can have tokens.") + "\n\n")
	b.WriteString(s.input.View() + "\n\n")
	switch {
	case s.err != "":
		b.WriteString(s.styles.Error.Render(s.err) + "\n")
	case s.loading && len(s.results) == 0:
		b.WriteString(s.styles.Subtle.Render("searching…") + "\n")
	case len(s.results) == 0:
		hint := "No project matches where you are Maintainer or Owner."
		if q := strings.TrimSpace(s.input.Value()); q != "" && len([]rune(q)) < 3 {
			hint += " GitLab matches names of fewer than 3 characters only exactly: type more."
		}
		b.WriteString(s.styles.Warn.Render(hint) + "\n")
	}
	for i, p := range s.results {
		if i >= 8 {
			b.WriteString(s.styles.Subtle.Render(fmt.Sprintf("  … %d more: refine the search", len(s.results)-8)) + "\n")
			break
		}
		cur, path := "  ", fmt.Sprintf("%-40s", safe.Line(p.Path, 60))
		if i == s.cursor {
			cur, path = s.styles.Cursor.Render("> "), s.styles.Selected.Render(path)
		}
		b.WriteString(cur + path + " " + s.styles.Subtle.Render(roleLabel(p.Role)) + "\n")
	}
	return b.String()
}

func roleLabel(r token.Role) string {
	if r == token.RoleNone {
		return ""
	}
	return "you: " + r.Title()
}

func (s *ProjectStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Next, s.keys.Back}
}
func (s *ProjectStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
