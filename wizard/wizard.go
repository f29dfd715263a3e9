// Package wizard is the root Bubble Tea model: an explicit state machine over
// the steps of package steps. It is the only producer of tea.View, and every
// API call is a tea.Cmd built here from captured values.
package wizard

import (
	"context"
	"fmt"
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
	// OpenURL opens an address in the browser and reports whether it could (nil: never).
	OpenURL func(url string) bool
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
	// orderKind is the kind the step order was built for.
	orderKind token.Kind
	// owner is the user a personal token is for (administrator path).
	owner gitlab.User
	// createErr is the last create's failure, so that only that failure
	// offers a retry.
	createErr error
	// selfRevoked is set once the sign-in credential was revoked on request.
	selfRevoked bool

	width, height int
	// resume sends the user back to the review after a step they jumped to from it.
	resume bool
	// Summary is a one-line, non-secret account of the run, printed after exit.
	Summary  string
	quitting bool
}

type rootKeys struct {
	Quit, Reveal, Copy, Save, Done, Yes, No, Revoke, Retry, Personal, RevokeSelf, Again key.Binding
}

func defaultRootKeys() rootKeys {
	return rootKeys{
		Quit:       key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Reveal:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal/hide")),
		Copy:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Save:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save to file (0600)")),
		Done:       key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "finish")),
		Yes:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, quit")),
		No:         key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no, go back")),
		Revoke:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke the orphan")),
		Retry:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go back and fix")),
		Personal:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "make a personal token instead")),
		RevokeSelf: key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "revoke your sign-in token")),
		Again:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "try the create again")),
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
	if m.api == nil {
		m.steps[steps.SignIn] = steps.NewSignIn(&m.styles, o.Host, o.AllowHTTP)
	}
	m.order, m.orderKind = m.orderFor(m.req.Kind), m.req.Kind
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

// Checked reports whether a token made in GitLab's web form (the guided
// personal path) was pasted and passed every check.
func (m *Model) Checked() bool {
	g, ok := m.steps[steps.Guide].(*steps.GuideStep)
	return ok && g.Ready() && m.verification != nil && m.verification.Self != nil
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
		c := steps.NewKind(&m.styles, m.pf.User.IsAdmin)
		c.Select(m.req.Kind)
		s = c
	case steps.Target:
		mode := map[token.Kind]steps.Mode{token.KindProject: steps.ModeProject, token.KindGroup: steps.ModeGroup, token.KindPersonal: steps.ModeUser}[m.req.Kind]
		s = steps.NewSearch(&m.styles, mode, m.req.Target, m.pf.User)
	case steps.Repo:
		s = steps.NewSearch(&m.styles, steps.ModeRepo, m.req.Repo, m.pf.User)
	case steps.Guide:
		link := gitlab.PATFormURL(m.api.BaseURL(), m.pf.Version, m.req.Name, m.req.Description, m.req.Scopes)
		s = steps.NewGuide(&m.styles, link, m.req, m.opts.Now())
	case steps.Name:
		s = steps.NewName(&m.styles, m.req.Name, m.req.Description)
	case steps.Expiry:
		s = steps.NewExpiry(&m.styles, m.opts.Now(), 0, m.req.ExpiresAt)
	case steps.Role:
		s = steps.NewRole(&m.styles, m.caller, m.req.Role, m.preset)
	case steps.Scopes:
		s = steps.NewScopes(&m.styles, m.req.Kind, m.pf.User.IsAdmin, m.req.Scopes, m.preset)
	case steps.Review:
		target := map[token.Kind]string{token.KindProject: "project", token.KindGroup: "group", token.KindPersonal: "user"}[m.req.Kind]
		s = steps.NewReview(&m.styles, m.reviewBody(), m.order, target)
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
	if m.order[next] == steps.Review || m.order[next] == steps.Guide {
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
		m.width, m.height = msg.Width, msg.Height
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
	case steps.OpenURLMsg:
		return m, m.openCmd(msg.URL)
	case steps.PastedMsg:
		if m.state != stateStep || m.order[m.cur] != steps.Guide {
			return m, nil
		}
		return m, m.checkCmd(msg.Value, m.req)
	case steps.CheckedMsg:
		m.verification = &msg.V
	case revokedSelfMsg:
		if msg.err != nil {
			m.notice = "Could not revoke your sign-in token: " + msg.err.Error()
		} else {
			m.selfRevoked, m.notice = true, "The token you signed in with is revoked."
		}
		return m, nil
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
		if m.preset.ID != m.req.Preset {
			m.preset, _ = token.FindPreset(m.req.Preset)
			delete(m.steps, steps.Role)
			delete(m.steps, steps.Scopes)
		}
	case steps.Kind:
		m.setKind(m.req.Kind)
	case steps.Target:
		if m.req.Kind == token.KindPersonal {
			m.owner = s.(*steps.SearchStep).ChosenUser()
			break
		}
		// The caller's role bounds the roles offered, and the namespace's plan
		// decides whether such tokens exist at all (GitLab.com Free).
		p := s.(*steps.SearchStep).Chosen()
		delete(m.steps, steps.Role)
		m.state, m.busy = stateBusy, "Reading your role on "+p.Path+"…"
		return m, tea.Batch(m.spin.Tick, m.roleCmd(m.req.Kind, p))
	case steps.Guide:
		m.finishGuided()
		return m.quit()
	}
	return m, m.advance()
}

func (m *Model) onRole(msg roleMsg) (tea.Model, tea.Cmd) {
	if m.state != stateBusy {
		return m, nil
	}
	if msg.err == nil {
		if err := token.CheckPlan(m.req.Kind, msg.plan.Name, msg.plan.Trial); err != nil {
			msg.err = &planError{err: fmt.Errorf("%s: %w", msg.path, err)}
		}
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
