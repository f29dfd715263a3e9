// Package wizard is the root Bubble Tea model: an explicit state machine over
// the steps of package steps. It is the only producer of tea.View, and every
// API call is a tea.Cmd built here from captured values.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

type state int

const (
	stateStep        state = iota // a step has the keyboard
	stateBusy                     // pre-flight or role lookup in flight
	stateCreating                 // the create request is in flight: keys are ignored
	stateResult                   // the token, shown once
	stateFailed                   // an error with a way back
	stateConfirmQuit              // leaving the result without copy or save
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
	Preset    string
	Now       func() time.Time
	NoColor   bool
	// SaveDir is where "save to file" writes (default: the working directory).
	SaveDir string
}

// Model is the root model.
type Model struct {
	opts    Options
	ctx     context.Context
	api     API
	pf      gitlab.Preflight
	req     token.Request
	caller  token.Role
	preset  token.Preset
	styles  steps.Styles
	help    help.Model
	spin    spinner.Model
	keys    rootKeys
	order   []steps.ID
	steps   map[steps.ID]steps.Step
	cur     int
	state   state
	busy    string
	failure error

	result       *gitlab.NewToken
	verification *gitlab.Verification
	revealed     bool
	copied       bool
	savedPath    string
	notice       string
	revoked      bool

	width int
	// resume sends the user back to the review after a step they jumped to from it.
	resume bool
	// Summary is a one-line, non-secret account of the run, printed after exit.
	Summary  string
	quitting bool
}

type rootKeys struct {
	Quit, Reveal, Copy, Save, Done, Yes, No, Revoke, Retry key.Binding
}

func defaultRootKeys() rootKeys {
	return rootKeys{
		Quit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Reveal: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal/hide")),
		Copy:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Save:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save to file (0600)")),
		Done:   key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "finish")),
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, quit")),
		No:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no, go back")),
		Revoke: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke the orphan")),
		Retry:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go back and fix")),
	}
}

// New builds the wizard. ctx cancels in-flight requests when the program ends.
func New(ctx context.Context, o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SaveDir == "" {
		o.SaveDir = "."
	}
	p, err := token.FindPreset(o.Preset)
	if err != nil {
		p = token.Presets[0]
	}
	m := &Model{opts: o, ctx: ctx, api: o.API, preset: p, styles: steps.NewStyles(true, o.NoColor),
		help: help.New(), spin: spinner.New(spinner.WithSpinner(spinner.Dot)), keys: defaultRootKeys(),
		steps: map[steps.ID]steps.Step{}, width: 80}
	m.req = token.Request{Kind: token.KindProject, ExpiresAt: token.DefaultExpiry(o.Now())}
	p.Apply(&m.req)
	m.order = []steps.ID{steps.Purpose, steps.Kind, steps.Project, steps.Name, steps.Expiry, steps.Role, steps.Scopes, steps.Review}
	if m.api == nil {
		m.order = append([]steps.ID{steps.SignIn}, m.order...)
		m.steps[steps.SignIn] = steps.NewSignIn(&m.styles, o.Host, o.AllowHTTP)
	}
	return m
}

// Init starts the pre-flight, or the sign-in step.
func (m *Model) Init() tea.Cmd {
	if m.api != nil {
		m.state, m.busy = stateBusy, "Checking your GitLab credential…"
		return tea.Batch(m.spin.Tick, m.preflightCmd(m.api))
	}
	return m.enter(0)
}

// Result returns the created token (nil if none) and whether the user kept it.
func (m *Model) Result() (*gitlab.NewToken, bool) { return m.result, m.copied || m.savedPath != "" }

func (m *Model) current() steps.Step { return m.step(m.order[m.cur]) }

// step returns a step, building it from the request the first time.
func (m *Model) step(id steps.ID) steps.Step {
	if s, ok := m.steps[id]; ok {
		return s
	}
	var s steps.Step
	switch id {
	case steps.Purpose:
		s = steps.NewPurpose(&m.styles, m.preset.ID)
	case steps.Kind:
		s = steps.NewKind(&m.styles)
	case steps.Project:
		s = steps.NewProject(&m.styles, m.req.Target)
	case steps.Name:
		s = steps.NewName(&m.styles, m.req.Name, m.req.Description)
	case steps.Expiry:
		s = steps.NewExpiry(&m.styles, m.opts.Now(), 0, m.req.ExpiresAt)
	case steps.Role:
		s = steps.NewRole(&m.styles, m.caller, m.req.Role, m.preset)
	case steps.Scopes:
		s = steps.NewScopes(&m.styles, m.req.Kind, m.pf.User.IsAdmin, m.req.Scopes, m.preset)
	case steps.Review:
		s = steps.NewReview(&m.styles, m.reviewBody())
	}
	m.steps[id] = s
	return s
}

func (m *Model) enter(i int) tea.Cmd {
	m.cur, m.state = i, stateStep
	if m.order[i] == steps.Review {
		m.resume = false
		delete(m.steps, steps.Review) // always rebuilt from the latest answers
	}
	return m.current().Init()
}

// advance leaves the current step: to the next one, or straight back to the
// review when the user came from it. The review is reached only with a
// request that passes validation; otherwise the failure names the step to fix.
func (m *Model) advance() tea.Cmd {
	next := m.cur + 1
	if m.resume {
		next = m.indexOf(steps.Review)
	}
	if m.order[next] == steps.Review {
		if err := m.req.Validate(m.limits(), m.opts.Now()); err != nil {
			m.state, m.failure = stateFailed, err
			return nil
		}
	}
	return m.enter(next)
}

func (m *Model) indexOf(id steps.ID) int {
	for i, s := range m.order {
		if s == id {
			return i
		}
	}
	return -1
}

// Update dispatches to one handler per message type.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
		return m, nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case spinner.TickMsg:
		if m.state == stateBusy || m.state == stateCreating || (m.state == stateResult && m.verification == nil) {
			var cmd tea.Cmd
			m.spin, cmd = m.spin.Update(msg)
			return m, cmd
		}
		return m, nil
	case preflightMsg:
		return m.onPreflight(msg)
	case roleMsg:
		return m.onRole(msg)
	case steps.DoneMsg:
		return m.onDone(msg)
	case steps.BackMsg:
		if m.state == stateStep && msg.Step == m.order[m.cur] && m.cur > 0 && m.order[m.cur-1] != steps.SignIn {
			return m, m.enter(m.cur - 1)
		}
		return m, nil
	case steps.JumpMsg:
		if m.state == stateStep && m.order[m.cur] == steps.Review {
			if i := m.indexOf(msg.To); i >= 0 {
				m.resume = true
				return m, m.enter(i)
			}
		}
		return m, nil
	case steps.SearchRequestMsg:
		if m.api == nil {
			return m, nil
		}
		return m, m.searchCmd(msg)
	case steps.CreateMsg:
		return m.onCreate()
	case createdMsg:
		return m.onCreated(msg)
	case verifiedMsg:
		m.verification = &msg.v
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.notice = "Could not save: " + msg.err.Error()
		} else {
			m.savedPath, m.notice = msg.path, "Saved to "+msg.path+" (mode 0600, readable only by you)."
		}
		return m, nil
	case revokedMsg:
		if msg.err != nil {
			m.notice = "Revoke failed: " + msg.err.Error()
		} else {
			m.revoked, m.notice = true, "The orphaned token was revoked."
		}
		return m, nil
	}
	if m.state == stateStep {
		s, cmd := m.current().Update(msg)
		m.steps[s.ID()] = s
		return m, cmd
	}
	return m, nil
}

func (m *Model) onKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch m.state {
	case stateCreating, stateBusy:
		// A request is in flight: no key may start another (invariant 7).
		return m, nil
	case stateResult:
		return m.onResultKey(k)
	case stateConfirmQuit:
		switch {
		case key.Matches(k, m.keys.Yes):
			return m.quit()
		case key.Matches(k, m.keys.No), key.Matches(k, m.keys.Quit):
			m.state = stateResult
		}
		return m, nil
	case stateFailed:
		return m.onFailedKey(k)
	}
	if key.Matches(k, m.keys.Quit) {
		m.Summary = "Cancelled before the review: nothing was sent to GitLab."
		if m.order[m.cur] == steps.Review {
			m.Summary = "Cancelled at the review: nothing was created."
		}
		return m.quit()
	}
	s, cmd := m.current().Update(k)
	m.steps[s.ID()] = s
	return m, cmd
}

func (m *Model) quit() (tea.Model, tea.Cmd) {
	m.quitting = true
	return m, tea.Quit
}

func (m *Model) onPreflight(msg preflightMsg) (tea.Model, tea.Cmd) {
	err := msg.err
	if err == nil {
		err = msg.pf.CheckCanCreate(m.opts.Now())
	}
	if err != nil {
		if si, ok := m.steps[steps.SignIn].(*steps.SignInStep); ok {
			si.SetError(err.Error())
			return m, m.enter(0)
		}
		m.state, m.failure = stateFailed, err
		return m, nil
	}
	m.api, m.pf = msg.api, msg.pf
	return m, m.enter(m.indexOf(steps.Purpose))
}

func (m *Model) onDone(msg steps.DoneMsg) (tea.Model, tea.Cmd) {
	if m.state != stateStep || msg.Step != m.order[m.cur] {
		return m, nil // a stale Done from a step that is no longer current
	}
	s := m.current()
	s.Apply(&m.req)
	switch msg.Step {
	case steps.SignIn:
		si := s.(*steps.SignInStep)
		host, _ := si.Host()
		m.state, m.busy = stateBusy, "Signing in to "+gitlab.HostName(host)+"…"
		return m, tea.Batch(m.spin.Tick, m.connectCmd(host, si.Credential()))
	case steps.Purpose:
		m.preset, _ = token.FindPreset(m.req.Preset)
		delete(m.steps, steps.Role)
		delete(m.steps, steps.Scopes)
	case steps.Project:
		// The caller's role bounds the roles offered; the adapter knows it
		// without a request when the search results said.
		p := s.(*steps.ProjectStep).Chosen()
		delete(m.steps, steps.Role)
		m.state, m.busy = stateBusy, "Reading your role on "+p.Path+"…"
		return m, tea.Batch(m.spin.Tick, m.roleCmd(p))
	}
	return m, m.advance()
}

func (m *Model) onRole(msg roleMsg) (tea.Model, tea.Cmd) {
	if m.state != stateBusy {
		return m, nil
	}
	if msg.err != nil {
		m.state, m.failure = stateFailed, msg.err
		return m, nil
	}
	m.caller = msg.role
	return m, m.advance()
}

func (m *Model) limits() token.Limits {
	return token.Limits{CallerRole: m.caller, IsAdmin: m.pf.User.IsAdmin}
}

func (m *Model) onCreate() (tea.Model, tea.Cmd) {
	// Only the review, in the step state, may start a create; a second Enter finds stateCreating.
	if m.state != stateStep || m.order[m.cur] != steps.Review || m.result != nil {
		return m, nil
	}
	if err := m.req.Validate(m.limits(), m.opts.Now()); err != nil {
		m.state, m.failure = stateFailed, err
		return m, nil
	}
	m.state, m.busy = stateCreating, "Creating the token… (keys are ignored until GitLab answers)"
	return m, tea.Batch(m.spin.Tick, m.createCmd(m.req))
}

func (m *Model) onCreated(msg createdMsg) (tea.Model, tea.Cmd) {
	if m.state != stateCreating {
		return m, nil
	}
	if msg.err != nil {
		m.state, m.failure = stateFailed, msg.err
		return m, nil
	}
	m.result, m.state = msg.nt, stateResult
	m.Summary = fmt.Sprintf("Created project access token %d %q on %s (%s, %s, expires %s); the value was shown once and is not in this scrollback.",
		msg.nt.ID, msg.nt.Name, m.req.Target, m.req.Role.Title(), token.JoinScopes(m.req.Scopes), m.req.ExpiresAt.Format(token.DateLayout))
	return m, tea.Batch(m.spin.Tick, m.verifyCmd(msg.nt.Value, m.req))
}

func (m *Model) onResultKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Reveal):
		m.revealed = !m.revealed
	case key.Matches(k, m.keys.Copy):
		m.copied, m.notice = true, "Copied to the clipboard (OSC 52; works over SSH in most terminals)."
		return m, tea.SetClipboard(m.result.Value.Reveal())
	case key.Matches(k, m.keys.Save):
		return m, saveCmd(m.opts.SaveDir, m.result.ID, m.result.Value)
	case key.Matches(k, m.keys.Done), key.Matches(k, m.keys.Quit):
		if !m.copied && m.savedPath == "" {
			m.state = stateConfirmQuit
			return m, nil
		}
		return m.quit()
	}
	return m, nil
}

func (m *Model) onFailedKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	var ou *gitlab.OutcomeUnknownError
	switch {
	case key.Matches(k, m.keys.Revoke) && errors.As(m.failure, &ou) && ou.Orphan != nil && !m.revoked:
		return m, m.revokeCmd(m.req.Target, ou.Orphan.ID)
	case key.Matches(k, m.keys.Retry):
		fix := m.failureStep() // read before the failure is cleared
		m.failure, m.notice = nil, ""
		if i := m.indexOf(fix); i >= 0 {
			m.resume = true // the other answers stand: come back to the review
			return m, m.enter(i)
		}
		if m.api == nil || m.pf.User.ID == 0 {
			return m.quit()
		}
		return m, m.enter(m.indexOf(steps.Review))
	case key.Matches(k, m.keys.Quit), k.String() == "q":
		if m.Summary == "" {
			m.Summary = "Stopped after an error: " + oneLine(m.failure)
		}
		return m.quit()
	}
	return m, nil
}

// failureStep is the step that can fix the current failure.
func (m *Model) failureStep() steps.ID {
	var ve *token.ValidationError
	if errors.As(m.failure, &ve) && len(ve.Problems) > 0 {
		return fieldStep(ve.Problems[0].Field)
	}
	var ge *gitlab.Error
	if errors.As(m.failure, &ge) && ge.Field != "" {
		return fieldStep(ge.Field)
	}
	return ""
}

func fieldStep(f token.Field) steps.ID {
	switch f {
	case token.FieldTarget:
		return steps.Project
	case token.FieldName, token.FieldDescription:
		return steps.Name
	case token.FieldExpiry:
		return steps.Expiry
	case token.FieldRole:
		return steps.Role
	case token.FieldScopes:
		return steps.Scopes
	case token.FieldKind:
		return steps.Kind
	}
	return ""
}

func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
