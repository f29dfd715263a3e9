// Package wizard is the root Bubble Tea model: an explicit state machine
// over the steps of package steps and the screens of this package (result,
// failure, questions). It routes messages, owns the flow and every request to
// GitLab (each a tea.Cmd built here from captured values), and is the only
// producer of tea.View.
package wizard

import (
	"context"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

type state int

const (
	stateStep     state = iota // a step has the keyboard
	stateBusy                  // a lookup (sign-in, role) in flight: ctrl+c cancels it
	stateCreating              // the create request is in flight: keys are ignored
	stateScreen                // a screen (the result, a failure) has the keyboard
)

// Options configure the wizard.
type Options struct {
	// API is a signed-in client (credential from the environment or --demo); nil asks on the sign-in step.
	API API
	// Connect builds a client from the sign-in step's host and credential.
	Connect   func(host string, cred token.Secret) (API, error)
	Host      string
	AllowHTTP bool
	Demo      bool
	// Request is what the flags already say: the purpose (Preset, the
	// first purpose when empty) and any kind, target, name, description,
	// role, scopes or expiry. The steps offer it as their answers.
	Request token.Request
	// Clock is the time the wizard sees and its timers (the wall clock when nil).
	Clock steps.Clock
	// Debounce is the pause in typing before a search is sent (steps.DefaultDebounce when 0).
	Debounce time.Duration
	NoColor  bool
	// Limited is set for a terminal with the 16 ANSI colours only (the
	// Linux console): steps.PaletteANSI.
	Limited bool
	// SaveDir is where the save prompt proposes to write (default: the
	// working directory, or the home folder when that is in a git work tree).
	SaveDir string
	// OpenURL opens an address in the browser and reports whether it could (nil: never).
	OpenURL func(url string) bool
}

// palette is the colours the terminal can show: none with NO_COLOR (any
// value), the 16 ANSI ones on a limited terminal, else all.
func (o Options) palette() steps.Palette {
	switch {
	case o.NoColor:
		return steps.PaletteNone
	case o.Limited:
		return steps.PaletteANSI
	}
	return steps.PaletteFull
}

// Model is the root model.
type Model struct {
	opts Options
	ctx  context.Context
	c    *steps.Common
	api  API
	pf   gitlab.Preflight
	req  token.Request
	// facts are what GitLab said about the caller, the instance and the
	// picked target (the pre-flight's until a target is picked): the
	// decisions (token.CheckRights, token.Decide) are made of them.
	facts token.Facts
	// known is the list of tokens already named like knownFor, read before
	// the review, so that the create is sent at once (CreateKnowing).
	known    gitlab.Existing
	knownFor token.Request
	// lastDate is the last expiry the instance accepts, when GitLab named it
	// in a refusal: the instance's limit from then on.
	lastDate time.Time
	// pending receives the answer of the create in flight, if any (AwaitCreate).
	pending chan createdMsg
	// stopRevoke ends the wait for the revoke on leaving, when the user
	// stops waiting (or the run ends).
	stopRevoke context.CancelFunc
	// jobs watches for SIGTSTP and SIGCONT while the program runs (Run).
	jobs   *jobControl
	preset token.Preset
	// owner is the user a personal token is for (administrator path).
	owner gitlab.User
	// offer is what the kind step knows of service accounts; gathered what
	// Gather read of one (its account, the caller's roles on its places);
	// provisioned what its writes did, kept after a failure too.
	offer       token.AccountOffer
	gathered    gitlab.Gathered
	provisioned *gitlab.Provisioned
	// made is the record of what this run's writes made in GitLab (an
	// account, memberships, tokens whose value was lost): what every
	// summary on leaving names.
	made made
	// selfRevoke is the revoke of the sign-in token asked on the result
	// screen: unanswered while it is in flight, so that leaving then says so.
	selfRevoke selfRevoke
	flow       flow
	state      state
	// screen has the keyboard in stateScreen: the result or a failure.
	screen screen
	busy   busy
	frame  frame
	// inflight is the one request each step may have running, so that a
	// newer one cancels it.
	inflight map[steps.ID]flight
	// notice is the latest word on a step's key (a copy); screens keep their own.
	notice notice
	out    Outcome
	// Summary is a non-secret account of the run, printed after exit.
	Summary  string
	quitting bool
}

// New builds the wizard. ctx cancels in-flight requests when the program ends.
func New(ctx context.Context, o Options) *Model {
	if o.Clock == nil {
		o.Clock = steps.SystemClock()
	}
	c := &steps.Common{Styles: steps.StylesFor(true, o.palette()), Clock: o.Clock, Debounce: o.Debounce, Width: steps.DefaultWidth}
	m := &Model{opts: o, ctx: ctx, c: c, api: o.API, inflight: map[steps.ID]flight{},
		busy: busy{spin: spinner.New(spinner.WithSpinner(spinner.Dot))}, frame: newFrame(c)}
	m.req, m.preset = seed(o.Request, o.Clock.Now())
	m.offer.Spans = len(o.Request.Places) > 1
	m.flow = newFlow(steps.Order(m.req.Kind, false, m.api == nil))
	if m.api == nil {
		m.flow.built[steps.SignIn] = steps.NewSignIn(c, o.Host, o.AllowHTTP)
	}
	m.refresh()
	return m
}

// seed completes the request the flags gave: its purpose fills what is
// empty, and the kind and expiry get their defaults.
func seed(r token.Request, now time.Time) (token.Request, token.Preset) {
	p, err := token.FindPreset(r.Preset)
	if err != nil {
		p = token.Presets[0]
	}
	r.Preset = ""
	p.Apply(&r)
	if r.Kind == "" {
		r.Kind = token.KindProject
	}
	if r.ExpiresAt.IsZero() {
		r.ExpiresAt = token.DefaultExpiry(now)
	}
	return r, p
}

// Init asks the terminal for its background colour (the styles follow it)
// and starts the pre-flight, or the sign-in step.
func (m *Model) Init() tea.Cmd {
	if m.api != nil {
		return tea.Batch(tea.RequestBackgroundColor, m.startBusy("Checking your GitLab credential…", preflight(m.api)))
	}
	return tea.Batch(tea.RequestBackgroundColor, m.enter(0))
}

// Update dispatches to one handler per kind of message, then redraws.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.refresh()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if m.quitting {
		return nil // the run is over: a late answer changes nothing
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.frame.resize(msg.Width, msg.Height)
		for _, s := range m.flow.built {
			fit(s, m.c.Width)
		}
	case tea.BackgroundColorMsg:
		m.restyle(msg.IsDark())
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseWheelMsg:
		m.frame.scroll(msg)
	case spinner.TickMsg:
		return m.onTick(msg)
	case steps.Addressed:
		return m.deliver(msg)
	case steps.DoneMsg:
		return m.onDone(msg)
	case steps.BackMsg:
		return m.onBack(msg)
	case steps.JumpMsg:
		return m.onJump(msg)
	case steps.SearchRequestMsg, steps.PastedMsg, steps.OpenURLMsg, steps.AccountsRequestMsg:
		return m.request(msg)
	case ownedMsg:
		return m.onOwned(msg)
	case sayMsg:
		return m.onSay(msg)
	case preflightMsg:
		return m.onPreflight(msg)
	case targetMsg:
		return m.onTarget(msg)
	case namedMsg:
		return m.onNamed(msg)
	case steps.CreateMsg:
		return m.onCreate()
	case createdMsg:
		return m.onCreated(msg)
	case revokedMsg:
		if msg.orphan != 0 && msg.err == nil {
			m.orphanRevoked(msg.orphan) // recorded even when its screen is gone
		}
		if msg.self {
			m.selfRevoke = selfRevokeFailed
			if msg.err == nil {
				m.selfRevoke = selfRevokeDone
			}
		}
	case quitMsg:
		return m.onQuit(msg)
	case suspendMsg, redrawMsg:
		return m.onJobControl(msg)
	}
	if cmd, ok := m.onScreenRequest(msg); ok {
		return cmd
	}
	return m.toCurrent(msg)
}

// restyle follows the terminal's background: the styles every step draws
// with, and the text inputs built before the answer came.
func (m *Model) restyle(dark bool) {
	m.c.Styles = steps.StylesFor(dark, m.opts.palette())
	for _, s := range m.flow.built {
		if r, ok := s.(interface{ Restyle(steps.Styles) }); ok {
			r.Restyle(m.c.Styles)
		}
	}
}

// fit fits a step's text inputs to the window, if it has any: what is typed
// scrolls inside the window, never past its edge.
func fit(s steps.Step, width int) {
	if r, ok := s.(interface{ Resize(int) }); ok {
		r.Resize(width)
	}
}

// toCurrent gives msg to whatever has the keyboard: the step or the screen.
func (m *Model) toCurrent(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.state {
	case stateStep:
		s := m.current()
		s, cmd = s.Update(msg)
		m.flow.built[s.ID()] = s
	case stateScreen:
		m.screen, cmd = m.screen.Update(msg)
	}
	return cmd
}

// quit ends the program; the summary, if any, is printed after exit.
func (m *Model) quit(summary string) tea.Cmd {
	if summary != "" {
		m.Summary = summary
	}
	m.quitting = true
	for _, f := range m.inflight {
		f.cancel()
	}
	if m.stopRevoke != nil {
		m.stopRevoke()
	}
	return tea.Quit
}

// Result returns the created token (nil if none) and whether the user kept
// it (copied or saved). Outcome says more.
func (m *Model) Result() (*gitlab.NewToken, bool) { return m.out.Token, m.out.Kept() }

// Outcome is what the run left behind, for the caller after exit.
func (m *Model) Outcome() Outcome { return m.out }

// Outcome is what a run left behind: the token it made and what the user did
// with it, so that the caller can tell after exit (or on a signal) whether
// the token may be in someone's hands.
type Outcome struct {
	// Token is the created token, nil when none was created.
	Token *gitlab.NewToken
	// Revealed is set once the value was shown on screen (it may have been
	// selected with the mouse); Copied once it was sent to the clipboard.
	Revealed, Copied bool
	// SavedPath is the full path of the file it was saved to, if any.
	SavedPath string
	// Revoked is set when the user had it revoked on leaving;
	// RevokeStopped when they left before GitLab answered that revoke, so
	// that whether it was revoked is unknown.
	Revoked, RevokeStopped bool
	// Guided is set once GitLab's form was shown on the guided path: a token
	// may then exist in GitLab that the wizard never saw.
	Guided bool
	// Checked is the token made in GitLab's form that passed every check.
	Checked *gitlab.TokenInfo
}

// Kept reports whether the user has the token: copied or saved.
func (o Outcome) Kept() bool { return o.Copied || o.SavedPath != "" }

// title is the heading of the current screen (for tests and logs).
func (m *Model) title() string {
	switch m.state {
	case stateStep:
		return m.current().Title()
	case stateScreen:
		return m.screen.Title()
	}
	return m.busy.text
}
