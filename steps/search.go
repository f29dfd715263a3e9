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

// Mode is what a search step looks for.
type Mode int

// The search modes.
const (
	// ModeProject: projects where the caller is Maintainer or Owner (project tokens).
	ModeProject Mode = iota
	// ModeGroup: groups where the caller is Owner; Maintainers' groups are shown, not pickable.
	ModeGroup
	// ModeUser: users, for an administrator's personal token.
	ModeUser
	// ModeRepo: any project the caller can read, for Jira to read with a personal token.
	ModeRepo
)

// SearchRequestMsg asks the root to search; the step never does I/O.
type SearchRequestMsg struct {
	Seq   int
	Mode  Mode
	Query string
}

// ResultsMsg carries search results back to the step: projects or groups in
// Projects, users in Users.
type ResultsMsg struct {
	Seq      int
	Projects []gitlab.Project
	Users    []gitlab.User
	Err      error
}

type debounceMsg struct{ seq int }

// item is one search result as the step shows it.
type item struct {
	path, detail, disabled string
	project                gitlab.Project
	user                   gitlab.User
}

// SearchStep searches GitLab, server-side and debounced, for the token's
// target (project, group or user) or for the project Jira will read.
type SearchStep struct {
	mode    Mode
	me      gitlab.User
	input   textinput.Model
	seq     int
	results []item
	cursor  int
	loading bool
	err     string
	chosen  item
	keys    NavKeyMap
	styles  *Styles
}

// NewSearch starts a search step with the current value (if any) as the query.
// me is the caller, offered first when an administrator picks a user.
func NewSearch(st *Styles, mode Mode, current string, me gitlab.User) *SearchStep {
	placeholder := map[Mode]string{ModeProject: "project name or group/path", ModeGroup: "group name or path",
		ModeUser: "name or username", ModeRepo: "project name or group/path"}[mode]
	if mode == ModeUser && current == token.Me {
		current = ""
	}
	return &SearchStep{mode: mode, me: me, input: newInput("Search: ", placeholder, 255, current), keys: DefaultNavKeyMap(), styles: st}
}

func (s *SearchStep) ID() ID {
	if s.mode == ModeRepo {
		return Repo
	}
	return Target
}

func (s *SearchStep) Title() string {
	return map[Mode]string{ModeProject: "Which project?", ModeGroup: "Which group?", ModeUser: "Whose personal token?",
		ModeRepo: "Which project will Jira read?"}[s.mode]
}

// Init focuses the input and, the first time only, searches right away;
// coming back keeps the results instead of asking GitLab again.
func (s *SearchStep) Init() tea.Cmd {
	if s.seq > 0 && s.err == "" {
		return s.input.Focus()
	}
	return tea.Batch(s.input.Focus(), s.search())
}

func (s *SearchStep) search() tea.Cmd {
	s.seq++
	s.loading = true
	seq, q, mode := s.seq, strings.TrimSpace(s.input.Value()), s.mode
	return func() tea.Msg { return SearchRequestMsg{Seq: seq, Mode: mode, Query: q} }
}

// Busy reports whether a search is under way (typed, or sent and not answered).
func (s *SearchStep) Busy() bool { return s.loading }

// Chosen returns the selected project or group.
func (s *SearchStep) Chosen() gitlab.Project { return s.chosen.project }

// ChosenUser returns the selected user.
func (s *SearchStep) ChosenUser() gitlab.User { return s.chosen.user }

func (s *SearchStep) Apply(r *token.Request) {
	switch {
	case s.chosen.path == "":
	case s.mode == ModeRepo:
		r.Repo = s.chosen.project.Path
	case s.mode == ModeUser:
		r.Target, r.UserID = s.chosen.user.Username, s.chosen.user.ID
		if s.chosen.user.ID == s.me.ID {
			r.Target = token.Me
		}
	default:
		r.Target = s.chosen.project.Path
	}
}

func (s *SearchStep) items(m ResultsMsg) []item {
	var out []item
	switch s.mode {
	case ModeUser:
		q := strings.ToLower(strings.TrimSpace(s.input.Value()))
		if q == "" || strings.Contains(strings.ToLower(s.me.Username+" "+s.me.Name+" me"), q) {
			out = append(out, item{path: "@me", detail: s.me.Name + " (@" + s.me.Username + ", you)", user: s.me})
		}
		for _, u := range m.Users {
			if u.ID != s.me.ID {
				out = append(out, item{path: "@" + u.Username, detail: u.Name, user: u})
			}
		}
	default:
		for _, p := range m.Projects {
			it := item{path: p.Path, detail: roleLabel(p.Role), project: p}
			if s.mode == ModeGroup && p.Role != token.RoleNone && p.Role < token.RoleOwner {
				it.detail += " (needs Owner)"
				it.disabled = fmt.Sprintf("You are %s on %s, and group access tokens need Owner: ask an Owner of the group, or go back (esc twice) and make a project token for each project.", p.Role.Title(), p.Path)
			}
			out = append(out, it)
		}
	}
	return out
}

func (s *SearchStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case debounceMsg:
		if m.seq == s.seq {
			return s, s.search()
		}
		return s, nil
	case ResultsMsg:
		if m.Seq != s.seq {
			return s, nil // a stale answer to an older query
		}
		s.loading = false
		s.results, s.err, s.cursor = s.items(m), "", 0
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
			return s, back(s.ID())
		case key.Matches(m, s.keys.Next):
			if s.loading || len(s.results) == 0 {
				if !s.loading {
					s.err = "Nothing selected: type part of its name, then pick it with ↑/↓."
				}
				return s, nil
			}
			if why := s.results[s.cursor].disabled; why != "" {
				s.err = why
				return s, nil
			}
			s.chosen = s.results[s.cursor]
			return s, done(s.ID())
		}
	}
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() != before {
		s.seq++
		seq := s.seq
		s.loading, s.err = true, ""
		return s, tea.Batch(cmd, tea.Tick(Debounce, func(time.Time) tea.Msg { return debounceMsg{seq} }))
	}
	return s, cmd
}

func (s *SearchStep) intro() string {
	switch s.mode {
	case ModeGroup:
		return "Group access tokens need Owner on the group; groups where you are Maintainer are listed but cannot be picked."
	case ModeUser:
		return "As an administrator you can create a personal token for any user. It acts as that user: check the name."
	case ModeRepo:
		return "The token will be checked by reading this project, as Jira will."
	}
	return "Only projects where you are Maintainer or Owner can have tokens."
}

func (s *SearchStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render(s.intro()) + "\n\n")
	b.WriteString(s.input.View() + "\n\n")
	switch {
	case s.err != "":
		b.WriteString(s.styles.Error.Render(s.err) + "\n")
	case s.loading && len(s.results) == 0:
		b.WriteString(s.styles.Subtle.Render("searching…") + "\n")
	case len(s.results) == 0:
		hint := "Nothing matches."
		if q := strings.TrimSpace(s.input.Value()); q != "" && len([]rune(q)) < 3 {
			hint += " GitLab matches names of fewer than 3 characters only exactly: type more."
		}
		b.WriteString(s.styles.Warn.Render(hint) + "\n")
	}
	for i, it := range s.results {
		if i >= 8 {
			b.WriteString(s.styles.Subtle.Render(fmt.Sprintf("  … %d more: refine the search", len(s.results)-8)) + "\n")
			break
		}
		cur, path := "  ", fmt.Sprintf("%-40s", safe.Line(it.path, 60))
		switch {
		case i == s.cursor:
			cur, path = s.styles.Cursor.Render("> "), s.styles.Selected.Render(path)
		case it.disabled != "":
			path = s.styles.Subtle.Render(path)
		}
		b.WriteString(cur + path + " " + s.styles.Subtle.Render(safe.Line(it.detail, 80)) + "\n")
	}
	return b.String()
}

func roleLabel(r token.Role) string {
	if r == token.RoleNone {
		return ""
	}
	return "you: " + r.Title()
}

func (s *SearchStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Next, s.keys.Back}
}
func (s *SearchStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
