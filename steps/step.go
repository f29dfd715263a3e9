// Package steps holds the wizard's steps, one file each. Every step is a
// self-contained model behind the Step interface: it takes what it needs in
// its constructor (a *Common for styles, clock and width), does no I/O (it
// asks the root with a message instead), keeps its value when the user goes
// back, and finishes with a DoneMsg carrying its typed Answer.
package steps

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
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
	Repo ID = "repo"
	// Account is a service account of the target group, existing or new;
	// Places are where it gets access.
	Account ID = "account"
	Places  ID = "places"
	Name    ID = "name"
	Expiry  ID = "expiry"
	Role    ID = "role"
	Scopes  ID = "scopes"
	Review  ID = "review"
	// Guide is the guided personal-token path: GitLab's form, then paste and check.
	Guide ID = "guide"
)

// Step is one screen of the wizard.
type Step interface {
	ID() ID
	Title() string
	Init() tea.Cmd
	Update(tea.Msg) (Step, tea.Cmd)
	// View draws the step at the width in Common; lines that hold a command
	// or an address may be wider, and are never broken.
	View() string
	// FocusLine is the line of View that must stay on screen (the cursor's row),
	// or -1 when none must.
	FocusLine() int
	// TakesText reports whether a text input has the keyboard: then
	// printable keys, home and end are the input's, not the screen's.
	TakesText() bool
	help.KeyMap
}

// FocusRange is a step whose line to keep on screen (FocusLine) begins a
// block to keep whole when it fits: the cursor's row with its meaning, a
// field with its note. FocusEnd is the block's last line.
type FocusRange interface{ FocusEnd() int }

// Render draws s once: its text, the line to keep on screen and the last
// line of its block. A step that builds its screen as a doc is drawn a
// single time per message (View, FocusLine and FocusEnd each drew it
// whole); any other step is asked its three parts.
func Render(s Step) (body string, focus, focusEnd int) {
	if r, ok := s.(interface{ render() *doc }); ok {
		d := r.render()
		return d.String(), d.focus, d.focusEnd
	}
	body, focus, focusEnd = s.View(), s.FocusLine(), -1
	if r, ok := s.(FocusRange); ok {
		focusEnd = r.FocusEnd()
	}
	return body, focus, focusEnd
}

// DoneMsg says a step is finished with its answer; the root accepts it only
// from the current step.
type DoneMsg struct {
	Step   ID
	Answer Answer
}

// BackMsg asks the root to go to the previous step.
type BackMsg struct{ Step ID }

// JumpMsg asks the root to go to a named step (from the review).
type JumpMsg struct{ To ID }

// CopyMsg asks the root to send Text to the terminal's clipboard; What names
// it in the notice ("the create command").
type CopyMsg struct{ What, Text string }

// Address names the recipient of an asynchronous answer: a step, and the
// sequence number of the request it answers.
type Address struct {
	Step ID
	Seq  int
}

// Addressed is an asynchronous answer for one step. The root delivers it to
// that step whether or not it is current, so an answer that arrives after
// the user moved on is not lost or given to another step; the step drops it
// when its sequence is not the latest.
type Addressed interface{ Recipient() Address }

func done(id ID, a Answer) tea.Cmd {
	return func() tea.Msg { return DoneMsg{Step: id, Answer: a} }
}
func back(id ID) tea.Cmd { return func() tea.Msg { return BackMsg{Step: id} } }

// send returns a command that delivers msg.
func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

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
	_ Step = (*AccountStep)(nil)
	_ Step = (*PlacesStep)(nil)
)
