package steps

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// PlacesKeyMap holds the places step's keys. Printable keys, space among
// them, belong to the search, so tab ticks.
type PlacesKeyMap struct {
	Up, Down, Tick, Next, Back key.Binding
}

// DefaultPlacesKeyMap returns the places step's keys.
func DefaultPlacesKeyMap() PlacesKeyMap {
	nav := DefaultNavKeyMap()
	return PlacesKeyMap{Up: nav.Up, Down: nav.Down,
		Tick: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "tick/untick")),
		Next: nav.Next, Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))}
}

// PlacesStep ticks where a service account gets access: its own group, and
// subgroups and projects found by a search (server-side and debounced, as
// SearchStep's). What is ticked stays ticked whatever the search shows.
type PlacesStep struct {
	searchInput
	c     *Common
	group string
	q     token.Question
	// subgroups and results are what the last search found: subgroups of
	// group the caller may add members to, and projects.
	subgroups, results []gitlab.Project
	ticked             []token.Place
	cursor             int
	keys               PlacesKeyMap
	// held is set by a key that acts on a row while a search is under way:
	// the rows are the last search's, so nothing is ticked or taken blind.
	held bool
}

// NewPlaces asks where the service account of group gets access; current
// are the places chosen before.
func NewPlaces(c *Common, group string, current []token.Place) *PlacesStep {
	q := token.PlacesQuestion(group)
	return &PlacesStep{c: c, group: group, q: q, ticked: append([]token.Place(nil), current...), keys: DefaultPlacesKeyMap(),
		searchInput: newSearchInput(c, Places, ModePlaces, q.Placeholder, "")}
}

func (s *PlacesStep) ID() ID          { return Places }
func (s *PlacesStep) Title() string   { return s.q.Title }
func (s *PlacesStep) TakesText() bool { return true }

// Init searches the first time, and again when an answer was lost
// (searchInput.init).
func (s *PlacesStep) Init() tea.Cmd { return s.init(s.c) }

// rows are the group, then the subgroups and the projects found.
func (s *PlacesStep) rows() []token.Place {
	out := []token.Place{{Kind: token.KindGroup, Path: s.group}}
	for _, g := range s.subgroups {
		out = append(out, token.Place{Kind: token.KindGroup, ID: g.ID, Path: g.Path})
	}
	for _, p := range s.results {
		out = append(out, token.Place{Kind: token.KindProject, ID: p.ID, Path: p.Path})
	}
	return out
}

// detail is what row i says beside its name: a group's reach, or the
// caller's role on a project.
func (s *PlacesStep) detail(i int) string {
	if i <= len(s.subgroups) {
		return "every project in it"
	}
	return roleLabel(s.results[i-1-len(s.subgroups)])
}

func (s *PlacesStep) isTicked(p token.Place) int {
	return slices.IndexFunc(s.ticked, func(t token.Place) bool { return t.Kind == p.Kind && strings.EqualFold(t.Path, p.Path) })
}

func (s *PlacesStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case debounceMsg:
		return s, s.debounced(m)
	case ResultsMsg:
		if s.accept(m) {
			s.subgroups, s.results, s.cursor, s.held = nil, nil, 0, false
			if m.Err == nil {
				s.subgroups, s.results = m.Groups, m.Projects
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

// onKey handles the step's own keys; ok is false for keys that go to the search.
func (s *PlacesStep) onKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	rows := s.rows()
	s.cursor = min(s.cursor, len(rows)-1)
	if s.loading {
		// The rows are the last search's and no cursor is drawn: keys that
		// move or act on a row wait for the answer (what is ticked stands).
		switch {
		case key.Matches(k, s.keys.Up, s.keys.Down, s.keys.Tick):
			s.held = true
			return nil, true
		case key.Matches(k, s.keys.Next) && len(s.ticked) == 0:
			s.held = true
			return nil, true
		}
	}
	if c, moved := MoveCursor(k, s.keys.Up, s.keys.Down, s.cursor, len(rows)); moved {
		s.cursor, s.editing = c, false // the moved cursor is what to keep on screen
		return nil, true
	}
	switch {
	case key.Matches(k, s.keys.Tick):
		if i := s.isTicked(rows[s.cursor]); i >= 0 {
			s.ticked = slices.Delete(s.ticked, i, i+1)
		} else {
			s.ticked = append(s.ticked, rows[s.cursor])
		}
	case key.Matches(k, s.keys.Back):
		return back(Places), true
	case key.Matches(k, s.keys.Next):
		if len(s.ticked) == 0 {
			// Nothing ticked: the row under the cursor, ticked for the return.
			s.ticked = []token.Place{rows[s.cursor]}
		}
		return done(Places, PlacesChosen{Places: s.ticked}), true
	default:
		return nil, false
	}
	return nil, true
}

func (s *PlacesStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, s.q.Intro)
	d.blank()
	if len(s.ticked) == 0 {
		d.text(st.Text, "Nothing ticked: "+s.keys.Tick.Help().Key+" ticks the row under the cursor; enter alone takes that row.")
	} else {
		names := make([]string, len(s.ticked))
		for i, p := range s.ticked {
			names[i] = ServerText(p.String(), 80)
		}
		d.text(st.OK, "Ticked: "+strings.Join(names, ", "))
	}
	d.blank()
	// The search line stays in view while it is typed in, and a search
	// under way is said above the rows, which are the last search's until
	// its answer comes (as on the project step).
	s.drawInput(d)
	d.blank()
	found := len(s.results) + len(s.subgroups)
	if s.loading {
		stale := ""
		if found > 0 {
			stale = " (the subgroups and projects below are the previous search's)"
		}
		if s.held {
			d.text(st.Warn, "Still "+s.searching()+": "+s.keys.Tick.Help().Key+" and "+s.keys.Next.Help().Key+" act on a row once its results are in"+stale+".")
		} else {
			d.text(st.Subtle, s.searching()+" among subgroups and projects…"+stale)
		}
	}
	for i, p := range s.rows() {
		box := "[ ] "
		if s.isTicked(p) >= 0 {
			box = "[x] "
		}
		d.row(st, i == s.cursor && !s.loading, s.loading, box+ServerText(p.String(), 60), 44, s.detail(i))
	}
	switch {
	case s.err != "":
		d.text(st.Error, s.err)
	case !s.loading && found == 0:
		d.text(st.Subtle, "No subgroup (where you are Owner) or project (Maintainer or Owner) matches.")
	}
	return d
}

func (s *PlacesStep) View() string   { return s.render().String() }
func (s *PlacesStep) FocusLine() int { return s.render().focus }
func (s *PlacesStep) FocusEnd() int  { return s.render().focusEnd }

func (s *PlacesStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Tick, s.keys.Next, s.keys.Back}
}
func (s *PlacesStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Restyle applies the styles again after the background colour changed them.
func (s *PlacesStep) Restyle(st Styles) { s.input.SetStyles(st.Input) }
