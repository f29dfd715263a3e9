package steps

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

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
	// ModeAccountGroup: groups where the caller is Owner, to hold a service account.
	ModeAccountGroup
	// ModePlaces: subgroups and projects a service account can be given
	// access to, where the caller may add members (Owner of a subgroup;
	// Maintainer or Owner of a project, as for project tokens).
	ModePlaces
)

// Kind is the kind of token a search in this mode chooses the target of.
func (m Mode) Kind() token.Kind {
	return map[Mode]token.Kind{ModeProject: token.KindProject, ModeGroup: token.KindGroup, ModeUser: token.KindPersonal, ModeRepo: token.KindPersonal,
		ModeAccountGroup: token.KindServiceAccount, ModePlaces: token.KindProject}[m]
}

// SearchRequestMsg asks the root to search; the step never does I/O. The
// root runs at most one search per step: a newer request cancels the older.
type SearchRequestMsg struct {
	From  Address
	Mode  Mode
	Query string
}

// ResultsMsg carries search results back to the step that asked: projects
// or groups in Projects, users in Users; for the places step, the
// subgroups it may offer in Groups and the projects in Projects.
type ResultsMsg struct {
	To       Address
	Projects []gitlab.Project
	Groups   []gitlab.Project
	Users    []gitlab.User
	Err      error
}

// Recipient is the step that asked.
func (m ResultsMsg) Recipient() Address { return m.To }

// debounceMsg fires when typing has paused; it is addressed like an answer,
// so that it still reaches its step after the user moved on.
type debounceMsg struct{ to Address }

func (m debounceMsg) Recipient() Address { return m.to }

// item is one search result as the step shows it.
type item struct {
	path, detail, disabled string
	project                gitlab.Project
	user                   gitlab.User
}

// SearchStep searches GitLab, server-side and debounced, for the token's
// target (project, group or user) or for the project Jira will read.
type SearchStep struct {
	searchInput
	c       *Common
	q       token.Question
	me      gitlab.User
	results []item
	cursor  int
	keys    NavKeyMap
	// held is set by enter pressed while a search is under way: the rows
	// shown are not its answer, so nothing is picked, and the step says why.
	held bool
	// version is the instance's, which decides whether a subgroup can
	// hold a service account (ModeAccountGroup).
	version string
}

// NewSearch starts a search step with the current value (if any) as the query.
// me is the caller, offered first when an administrator picks a user.
func NewSearch(c *Common, mode Mode, current string, me gitlab.User) *SearchStep {
	q := token.TargetQuestion(mode.Kind(), mode == ModeRepo)
	if mode == ModeUser && current == token.Me {
		current = ""
	}
	id := Target
	if mode == ModeRepo {
		id = Repo
	}
	return &SearchStep{c: c, q: q, me: me, searchInput: newSearchInput(c, id, mode, q.Placeholder, current), keys: DefaultNavKeyMap()}
}

// NewAccountGroupSearch searches the groups that can own a service
// account: those the caller owns, top-level ones only before GitLab 18.11.
func NewAccountGroupSearch(c *Common, current string, me gitlab.User, version string) *SearchStep {
	s := NewSearch(c, ModeAccountGroup, current, me)
	s.version = version
	return s
}

func (s *SearchStep) ID() ID { return s.id }

func (s *SearchStep) Title() string   { return s.q.Title }
func (s *SearchStep) TakesText() bool { return true }

// Init focuses the input and searches when there is no answer to show
// (searchInput.init).
func (s *SearchStep) Init() tea.Cmd { return s.init(s.c) }

// Busy reports whether a search is under way (typed, or sent and not answered).
func (s *SearchStep) Busy() bool { return s.loading }

func (s *SearchStep) answer(it item) Answer {
	switch s.mode {
	case ModeRepo:
		return RepoChosen{Project: it.project}
	case ModeUser:
		return UserChosen{User: it.user, Me: it.user.ID == s.me.ID}
	}
	return TargetChosen{Project: it.project}
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
			it := item{path: p.Path, detail: roleLabel(p), project: p}
			if why := token.CannotCreateOn(s.mode.Kind(), p.Role, p.Path); s.mode != ModeRepo && why != "" {
				it.detail += fmt.Sprintf(" (needs %s)", s.mode.Kind().CallerNeeds().Title())
				it.disabled = why + " " + s.keys.Back.Help().Key + " goes back to the kind of token."
			} else if why := token.CannotHoldAccounts(s.version, p.Path); s.mode == ModeAccountGroup && why != "" {
				it.detail += " (a subgroup)"
				it.disabled = why
			}
			out = append(out, it)
		}
	}
	return out
}

func (s *SearchStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case debounceMsg:
		return s, s.debounced(m)
	case ResultsMsg:
		if s.accept(m) {
			s.results, s.cursor, s.held = nil, 0, false
			if m.Err == nil {
				s.results = s.items(m)
			}
		}
		return s, nil
	case tea.KeyPressMsg:
		if cmd, ok := s.onKey(m); ok {
			return s, cmd
		}
	}
	return s, s.typed(s.c, msg)
}

// onKey handles the step's own keys; ok is false for keys that go to the input.
func (s *SearchStep) onKey(k tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	n := len(s.results)
	if s.loading {
		n = 0 // the rows are the last search's: the cursor waits for the answer
	}
	if c, moved := MoveCursor(k, s.keys.Up, s.keys.Down, s.cursor, n); moved {
		if n > 0 {
			s.cursor, s.editing = c, false // the moved cursor is what to keep on screen
		}
		return nil, true
	}
	switch {
	case key.Matches(k, s.keys.Back):
		return back(s.ID()), true
	case key.Matches(k, s.keys.Next):
		switch {
		case s.loading:
			s.held = true
		case n == 0:
			s.err = "Nothing selected: type part of its name, then pick it with ↑/↓."
		case s.results[s.cursor].disabled != "":
			s.err = s.results[s.cursor].disabled
		default:
			return done(s.ID(), s.answer(s.results[s.cursor])), true
		}
	default:
		return nil, false
	}
	return nil, true
}

func (s *SearchStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, s.q.Intro)
	d.blank()
	s.drawInput(d)
	d.blank()
	stale := ""
	if s.loading && len(s.results) > 0 {
		stale = " (the rows below are the previous search's)"
	}
	switch {
	case s.err != "":
		d.text(st.Error, s.err)
		if len(s.results) > 0 {
			d.blank()
		}
	case s.loading && s.held:
		d.text(st.Warn, "Still "+s.searching()+": "+s.keys.Next.Help().Key+" picks a row once its results are in"+stale+".")
	case s.loading:
		d.text(st.Subtle, s.searching()+"…"+stale)
	case len(s.results) == 0:
		hint := "Nothing matches."
		if q := strings.TrimSpace(s.input.Value()); q != "" && len([]rune(q)) < 3 {
			hint += " GitLab matches names of fewer than 3 characters only exactly: type more."
		}
		d.text(st.Warn, hint)
	}
	// Every result is drawn: the screen scrolls to keep the cursor's row in
	// view, so the highlighted row is always one the user can see. While a
	// search is under way the rows are the last one's: dim, and no cursor.
	for i, it := range s.results {
		d.row(st, i == s.cursor && !s.loading, it.disabled != "" || s.loading, ServerText(it.path, 60), 40, ServerText(it.detail, 80))
	}
	return d
}

func (s *SearchStep) View() string   { return s.render().String() }
func (s *SearchStep) FocusLine() int { return s.render().focus }
func (s *SearchStep) FocusEnd() int  { return s.render().focusEnd }

// roleLabel is what a project row says of the caller's role: "you:
// Maintainer", or "you: at least Reporter" where GitLab's list only
// vouched for the least role searched for.
func roleLabel(p gitlab.Project) string {
	switch {
	case p.Role == token.RoleNone:
		return ""
	case p.RoleAtLeast:
		return "you: at least " + p.Role.Title()
	}
	return "you: " + p.Role.Title()
}

func (s *SearchStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Next, s.keys.Back}
}
func (s *SearchStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Restyle applies the styles again after the background colour changed them.
func (s *SearchStep) Restyle(st Styles) { s.input.SetStyles(st.Input) }
