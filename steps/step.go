// Package steps holds the wizard's steps, one file each. Every step is a
// self-contained model behind the Step interface: it takes what it needs in
// its constructor, does no I/O (it asks the root with a message instead),
// keeps its value when the user goes back, and finishes with DoneMsg.
package steps

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// ID names a step.
type ID string

// The steps, in wizard order.
const (
	SignIn  ID = "signin"
	Purpose ID = "purpose"
	Kind    ID = "kind"
	// Target is the project, group or user the token is for.
	Target ID = "target"
	// Repo is the project a personal token is checked against (guided path).
	Repo   ID = "repo"
	Name   ID = "name"
	Expiry ID = "expiry"
	Role   ID = "role"
	Scopes ID = "scopes"
	Review ID = "review"
	// Guide is the guided personal-token path: GitLab's form, then paste and check.
	Guide ID = "guide"
)

// Step is one screen of the wizard.
type Step interface {
	ID() ID
	Title() string
	Init() tea.Cmd
	Update(tea.Msg) (Step, tea.Cmd)
	View() string
	// Apply writes the step's value into the request.
	Apply(r *token.Request)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// DoneMsg says a step is finished; the root accepts it only from the current step.
type DoneMsg struct{ Step ID }

// BackMsg asks the root to go to the previous step.
type BackMsg struct{ Step ID }

// JumpMsg asks the root to go to a named step (from the review).
type JumpMsg struct{ To ID }

func done(id ID) tea.Cmd { return func() tea.Msg { return DoneMsg{Step: id} } }
func back(id ID) tea.Cmd { return func() tea.Msg { return BackMsg{Step: id} } }

// NavKeyMap holds the keys every step shares.
type NavKeyMap struct {
	Up, Down, Toggle, Next, Back key.Binding
}

// DefaultNavKeyMap returns the shared keys. Printable keys are left to text inputs.
func DefaultNavKeyMap() NavKeyMap {
	return NavKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		Toggle: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle")),
		Next:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:   key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
	}
}

// Every step satisfies Step.
var (
	_ Step = (*Choice)(nil)
	_ Step = (*SignInStep)(nil)
	_ Step = (*SearchStep)(nil)
	_ Step = (*GuideStep)(nil)
	_ Step = (*NameStep)(nil)
	_ Step = (*ExpiryStep)(nil)
	_ Step = (*ScopesStep)(nil)
	_ Step = (*ReviewStep)(nil)
)
