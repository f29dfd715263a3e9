package wizard

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/steps"
)

// screen is a full screen that is not a step: the result, a failure, a
// question. Like a step (and like soft-serve's pages) it is a model with its
// own keys; the root routes messages to it and draws it in the frame. It
// asks the root for anything that is I/O or flow with a message.
type screen interface {
	Title() string
	Update(tea.Msg) (screen, tea.Cmd)
	View() string
	// Notice is the screen's latest word on what a key did, drawn below
	// the scrolling body so that it is always seen.
	Notice() notice
	TakesText() bool
	help.KeyMap
}

// level is how a notice is drawn: its severity.
type level int

const (
	levelInfo level = iota
	levelDone
	levelWarn
	levelError
)

// notice is a one-line report with a severity.
type notice struct {
	level level
	text  string
}

func (n notice) view(st *steps.Styles) string {
	switch n.level {
	case levelDone:
		return st.OK.Render(n.text)
	case levelWarn:
		return st.Warn.Render(n.text)
	case levelError:
		return st.Error.Render(n.text)
	}
	return st.Text.Render(n.text)
}

// once is a key whose request is sent at most once at a time: pressed again
// while the request is in flight, or after it did its work, it sends
// nothing and says so (a held k sent four revokes, then said the revoke
// failed). It stays in the help, which says where it stands; a failure
// makes it pressable again.
type once struct {
	key key.Binding
	// help is the key's description while it can be pressed, running and
	// done while it is in flight and after it succeeded.
	help, running, done string
	// started, waiting and finished are the notices of a first press, of a
	// press while in flight, and of a press once done.
	started, waiting, finished string
	state                      onceState
}

type onceState int

const (
	onceIdle onceState = iota
	onceRunning
	onceDone
)

// press reports whether the request is to be sent now, and the notice to show.
func (o *once) press() (notice, bool) {
	switch o.state {
	case onceRunning:
		return notice{levelWarn, o.waiting}, false
	case onceDone:
		return notice{levelDone, o.finished}, false
	}
	o.state = onceRunning
	o.key.SetHelp(o.key.Help().Key, o.running)
	return notice{levelInfo, o.started}, true
}

// answered records the request's answer: done, or pressable again after a failure.
func (o *once) answered(err error) {
	desc := o.done
	o.state = onceDone
	if err != nil {
		o.state, desc = onceIdle, o.help
	}
	o.key.SetHelp(o.key.Help().Key, desc)
}

// choice is one answer to a question: its key and the message it sends.
type choice struct {
	key key.Binding
	msg tea.Msg
}

// question is a yes/no (or more) question over another screen: leave
// without the token? save inside a git work tree?
type question struct {
	c *steps.Common
	// warning is drawn first, in the warning style; body after it.
	title, warning, body string
	choices              []choice
	// answered is set by the first answer: a key pressed twice (a revoke,
	// a save) must not send its request twice.
	answered bool
}

func (q *question) Title() string   { return q.title }
func (q *question) Notice() notice  { return notice{} }
func (q *question) TakesText() bool { return false }
func (q *question) View() string {
	return q.c.Styles.Warn.Render(steps.Wrap(q.warning, q.c.Width)) + "\n\n" + steps.Wrap(q.body, q.c.Width)
}

func (q *question) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && !q.answered {
		for _, ch := range q.choices {
			if key.Matches(k, ch.key) {
				q.answered = true
				return q, send(ch.msg)
			}
		}
	}
	return q, nil
}

func (q *question) ShortHelp() []key.Binding {
	bs := make([]key.Binding, len(q.choices))
	for i, ch := range q.choices {
		bs[i] = ch.key
	}
	return bs
}
func (q *question) FullHelp() [][]key.Binding { return [][]key.Binding{q.ShortHelp()} }

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// quitMsg asks the root to end the program, with the summary to print.
type quitMsg struct {
	summary string
	// afterError is set by a failure screen: the summary then adds the
	// record's tokens whose value was lost.
	afterError bool
}

// closeMsg closes the question shown over a screen.
type closeMsg struct{}
