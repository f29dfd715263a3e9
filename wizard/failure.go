package wizard

// The failure screen: what went wrong, the step that fixes it, and the keys
// that act on it (retry the create, revoke an orphan, switch to a personal
// token), each enabled only when it applies.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// FailureKeyMap holds the failure screen's keys.
type FailureKeyMap struct {
	Fix, Retry, Revoke, Personal, Quit key.Binding
}

// DefaultFailureKeyMap returns the failure screen's keys, all enabled.
func DefaultFailureKeyMap() FailureKeyMap {
	return FailureKeyMap{
		Fix:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go back and fix")),
		Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "try the create again")),
		Revoke:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke the orphan")),
		Personal: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "make a personal token instead")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// The failure screen's requests to the root.
type (
	fixMsg struct {
		step steps.ID
		err  error
		from *failure
	}
	retryMsg struct {
		err  error
		from *failure
	}
	revokeOrphanMsg struct{ id int64 }
	personalMsg     struct{ from *failure }
)

// failure is the screen for an error with a way on.
type failure struct {
	c      *steps.Common
	err    error
	fix    steps.ID // the step that fixes it, "" for none
	orphan *gitlab.TokenInfo
	keys   FailureKeyMap
	// revoke is x, which revokes the orphan once.
	revoke once
	notice notice
	// leaving is set by the key that leaves this screen (retry, fix,
	// personal, quit): the keys after it, pressed before the root acted, do nothing.
	leaving bool
	// done says what the writes before the failed one made (a service
	// account and its memberships), which stays.
	done []string
	// quiet holds every key but ctrl+c until the keyboard has rested since
	// the screen appeared: an enter pressed during "Creating…" must not
	// dismiss the news that a token was made.
	quiet *steps.QuietGuard
}

// newFailure builds the screen for err. canRetry says that the create
// certainly made nothing, so trying again cannot make a second token.
func newFailure(c *steps.Common, err error, canRetry bool) *failure {
	f := &failure{c: c, err: err, fix: failureStep(err), orphan: orphanOf(err), keys: DefaultFailureKeyMap(), quiet: steps.NewQuietGuard(c, steps.Screen)}
	f.keys.Retry.SetEnabled(canRetry)
	f.keys.Revoke.SetEnabled(f.orphan != nil)
	f.revoke = once{key: f.keys.Revoke, help: f.keys.Revoke.Help().Desc, running: "revoking the orphan…", done: "orphan revoked",
		started:  "Revoking the orphaned token…",
		waiting:  "Already revoking the orphaned token: the request is sent once; wait for GitLab's answer.",
		finished: "The orphaned token is already revoked: nothing more to do."}
	f.keys.Personal.SetEnabled(isPlanError(err))
	if f.fix != "" {
		f.keys.Fix.SetHelp("enter", "go back to the "+string(f.fix)+" step")
	}
	return f
}

func (f *failure) Title() string   { return "Something needs your attention" }
func (f *failure) Notice() notice  { return f.notice }
func (f *failure) TakesText() bool { return false }

// Init starts the quiet period: the screen's keys act once it has passed.
func (f *failure) Init() tea.Cmd { return f.quiet.Stir() }

// lookFirst stands in the help for the screen's keys while they wait for a quiet keyboard.
var lookFirst = key.NewBinding(key.WithKeys("enter"), key.WithHelp("keys", steps.LookFirst+" a key"))

func (f *failure) Update(msg tea.Msg) (screen, tea.Cmd) {
	if f.quiet.Settle(msg) {
		return f, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && !key.Matches(k, ctrlC) {
		if held, cmd := f.quiet.Hold(k); held {
			return f, cmd // came with the keys before this screen could be read
		}
	}
	switch msg := msg.(type) {
	case revokedMsg:
		f.revoke.answered(msg.err)
		if msg.err != nil {
			f.notice = notice{levelError, "Revoke failed: " + steps.ServerText(msg.err.Error(), 0)}
			return f, nil
		}
		f.notice = notice{levelDone, "The orphaned token was revoked."}
	case tea.KeyPressMsg:
		if f.leaving {
			return f, nil // an action is under way: a repeated key sends nothing more
		}
		switch {
		case key.Matches(msg, f.revoke.key):
			n, first := f.revoke.press() // one revoke is enough; a second key press sends nothing
			f.notice = n
			if first {
				return f, send(revokeOrphanMsg{id: f.orphan.ID})
			}
		case key.Matches(msg, f.keys.Retry):
			// Once: a second r before the root acts must not send a second create.
			f.leaving = true
			return f, send(retryMsg{err: f.err, from: f})
		case key.Matches(msg, f.keys.Personal):
			f.leaving = true
			return f, send(personalMsg{from: f})
		case key.Matches(msg, f.keys.Fix):
			f.leaving = true
			return f, send(fixMsg{step: f.fix, err: f.err, from: f})
		case key.Matches(msg, f.keys.Quit):
			f.leaving = true
			summary := "Stopped after an error: " + oneLine(f.err)
			if len(f.done) > 0 {
				summary += "\nMade before it, and kept:\n" + strings.Join(f.done, "\n")
			}
			return f, send(quitMsg{summary: summary, afterError: true})
		}
	}
	return f, nil
}

func (f *failure) View() string {
	st := &f.c.Styles
	var b strings.Builder
	var ve *token.ValidationError
	var ou *gitlab.OutcomeUnknownError
	if f.quiet.Ignored() > 0 && !f.quiet.Ready() {
		b.WriteString(st.Warn.Render(steps.TooSoon("this screen", "they did nothing", "a key")) + "\n\n")
	}
	if len(f.done) > 0 {
		b.WriteString("Done before this, and kept (a retry reuses it):\n" + strings.Join(f.done, "\n") + "\n\n")
	}
	switch {
	case errors.As(f.err, &ve):
		b.WriteString("Nothing was sent. Fix these first:\n")
		for _, p := range ve.Problems {
			fmt.Fprintf(&b, "  • %s: %s\n", p.Field, steps.ServerText(p.Message, 0))
		}
	case errors.As(f.err, &ou):
		b.WriteString(st.Error.Render("The create request did not finish cleanly.") + "\n\n" + steps.ServerText(ou.Error(), 0) + "\n")
		if f.revoke.key.Enabled() && f.revoke.state == onceIdle {
			fmt.Fprintf(&b, "\nPress %s to revoke the orphaned token, then go back and create a new one.\n", f.keys.Revoke.Help().Key)
		}
	case !instanceLastDate(f.err).IsZero():
		last := instanceLastDate(f.err).Format(token.DateLayout)
		b.WriteString(st.Error.Render("GitLab refused the expiry: "+last+" is the last date this instance accepts.") + "\n")
		b.WriteString("That is the instance's own limit (its maximum token lifetime), from GitLab's answer; nothing was created.\n")
		b.WriteString(st.Subtle.Render("GitLab said: "+steps.ServerText(instanceMessage(f.err), 200)) + "\n")
		fmt.Fprintf(&b, "\nThe expiry step has %s selected: press %s to go there.\n", last, f.keys.Fix.Help().Key)
	default:
		b.WriteString(st.Error.Render(steps.ServerText(f.err.Error(), 0)) + "\n")
		var ge *gitlab.Error
		if errors.As(f.err, &ge) && ge.ServerMessage != "" {
			b.WriteString(st.Subtle.Render("GitLab said: "+steps.ServerText(ge.ServerMessage, 0)) + "\n")
		}
	}
	switch {
	case f.keys.Retry.Enabled() && ou != nil:
		fmt.Fprintf(&b, "\nNo token has appeared so far, but GitLab may still finish the request. Press %s to look once more and create only if still none appeared.\n",
			f.keys.Retry.Help().Key)
	case f.keys.Retry.Enabled() && len(f.done) > 0:
		fmt.Fprintf(&b, "\nThe failed write made nothing, so trying again is safe: press %s when you are ready.\n", f.keys.Retry.Help().Key)
	case f.keys.Retry.Enabled():
		fmt.Fprintf(&b, "\nNothing was created, so trying again is safe: press %s when you are ready.\n", f.keys.Retry.Help().Key)
	}
	if f.keys.Personal.Enabled() {
		fmt.Fprintf(&b, "\nPress %s to make a personal access token instead (it acts as you; the wizard guides you through GitLab's form).\n", f.keys.Personal.Help().Key)
	}
	if f.fix != "" && instanceLastDate(f.err).IsZero() {
		fmt.Fprintf(&b, "\nPress %s to go back to the %s step; your other answers are kept.\n", f.keys.Fix.Help().Key, f.fix)
	}
	return steps.Wrap(strings.TrimRight(b.String(), "\n"), f.c.Width)
}

func (f *failure) ShortHelp() []key.Binding {
	if !f.quiet.Ready() {
		return []key.Binding{lookFirst, f.keys.Quit}
	}
	return []key.Binding{f.keys.Fix, f.keys.Quit, f.revoke.key, f.keys.Personal, f.keys.Retry}
}
func (f *failure) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

// fail shows the failure screen for err; only a failed create may offer
// to try again (failCreate).
func (m *Model) fail(err error) tea.Cmd { return m.show(newFailure(m.c, err, false)) }

// failAt is fail, fixed at step fix when it is not "" (rather than the
// step the error's field names).
func (m *Model) failAt(err error, fix steps.ID) tea.Cmd {
	f := newFailure(m.c, err, false)
	if fix != "" {
		f.fix = fix
		f.keys.Fix.SetHelp("enter", "go back to the "+string(fix)+" step")
	}
	return m.show(f)
}

func (m *Model) failCreate(err error) tea.Cmd {
	f := newFailure(m.c, err, m.canRetryCreate(err))
	f.done = m.provisionedLines()
	return m.show(f)
}

// show gives the keyboard to screen s, and starts what it starts (a
// failure screen's quiet period).
func (m *Model) show(s screen) tea.Cmd {
	m.state, m.screen = stateScreen, s
	if i, ok := s.(interface{ Init() tea.Cmd }); ok {
		return i.Init()
	}
	return nil
}

// onFailure carries out what the failure screen asks.
func (m *Model) onFailure(msg tea.Msg) tea.Cmd {
	if !m.fromScreen(msg) {
		return nil // from a failure screen no longer shown: already acted on
	}
	switch msg := msg.(type) {
	case revokeOrphanMsg:
		cmd := m.revokeCmd(m.ctx, m.req, msg.id)
		return func() tea.Msg {
			r, _ := cmd().(revokedMsg)
			r.orphan = msg.id
			return r
		}
	case retryMsg:
		// The user asks; nothing is ever re-sent on its own (invariant 1).
		m.flow.cur, m.state = m.flow.indexOf(steps.Review), stateStep
		var prev *gitlab.OutcomeUnknownError
		if errors.As(msg.err, &prev) {
			// The last answer was lost: look for the token once more first.
			m.state, m.busy.text = stateCreating, "Checking once more that no token appeared, then creating… (keys are ignored until GitLab answers)"
			return tea.Batch(m.busy.spin.Tick, m.retryCmd(prev))
		}
		return m.onCreate()
	case personalMsg:
		// GitLab.com Free has no project or group tokens: switch to the personal path.
		m.flow.cur, m.state = m.flow.indexOf(steps.Kind), stateStep
		delete(m.flow.built, steps.Kind) // drawn again with the personal kind selected
		return m.onDone(steps.DoneMsg{Step: steps.Kind, Answer: steps.KindChosen{Kind: token.KindPersonal}})
	case fixMsg:
		if d := instanceLastDate(msg.err); !d.IsZero() {
			// GitLab named the instance's last date: the limit from now on,
			// and the expiry step opens with it selected.
			m.lastDate = d
			m.facts.Lifetime = m.lifetime(m.facts.Lifetime)
			delete(m.flow.built, steps.Expiry)
		}
		if i := m.flow.indexOf(msg.step); i >= 0 {
			m.flow.resume = true // the other answers stand: come back to the review
			return m.enter(i)
		}
		if m.api == nil || m.pf.User.ID == 0 {
			return m.quit("Stopped after an error: " + oneLine(msg.err))
		}
		return m.enter(m.flow.indexOf(steps.Review))
	}
	return nil
}

// ctrlC always leaves, whatever a screen's quiet guard holds.
var ctrlC = key.NewBinding(key.WithKeys("ctrl+c"))

// fromScreen reports whether a failure screen's request comes from the
// screen shown now, so that one screen acts once.
func (m *Model) fromScreen(msg tea.Msg) bool {
	var from *failure
	switch msg := msg.(type) {
	case retryMsg:
		from = msg.from
	case fixMsg:
		from = msg.from
	case personalMsg:
		from = msg.from
	default:
		return true
	}
	return m.state == stateScreen && m.screen == screen(from)
}

// failureStep is the step that can fix err.
func failureStep(err error) steps.ID {
	var ve *token.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		return fieldStep(ve.Problems[0].Field)
	}
	var ge *gitlab.Error
	if errors.As(err, &ge) && ge.Field != "" {
		return fieldStep(ge.Field)
	}
	var rf *token.Refusal
	if errors.As(err, &rf) && rf.Field != "" {
		return fieldStep(rf.Field)
	}
	return ""
}

func fieldStep(f token.Field) steps.ID {
	return map[token.Field]steps.ID{token.FieldTarget: steps.Target, token.FieldName: steps.Name, token.FieldDescription: steps.Name,
		token.FieldExpiry: steps.Expiry, token.FieldRole: steps.Role, token.FieldScopes: steps.Scopes, token.FieldKind: steps.Kind}[f]
}

func instanceMessage(err error) string {
	var ge *gitlab.Error
	if errors.As(err, &ge) {
		return ge.ServerMessage
	}
	return ""
}

// orphanOf is the token an ambiguous create left behind, if the orphan check found one.
func orphanOf(err error) *gitlab.TokenInfo {
	var ou *gitlab.OutcomeUnknownError
	if errors.As(err, &ou) {
		return ou.Orphan
	}
	return nil
}

func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// canRetryCreate reports whether err, a create's failure, may be tried
// again: a request that never left (refused connection, DNS) or a rate
// limit too long to wait, which made nothing; or a lost answer after which
// no token has appeared — then the retry looks once more before it sends
// (RetryCreate). Never when a token was found, nor when GitLab named the
// token it made.
func (m *Model) canRetryCreate(err error) bool {
	if m.out.Token != nil {
		return false
	}
	var ou *gitlab.OutcomeUnknownError
	if errors.As(err, &ou) {
		return ou.NothingFound() && !ou.Certain
	}
	var ge *gitlab.Error
	return errors.As(err, &ge) && (ge.Code == gitlab.CodeRateLimited || ge.Code == gitlab.CodeNetwork)
}

// isPlanError reports whether err is a namespace plan without the chosen
// kind of token (GitLab.com Free), where a personal token is the way on.
func isPlanError(err error) bool {
	var rf *token.Refusal
	return errors.As(err, &rf) && rf.Reason == token.ReasonPlan
}

// instanceLastDate is the last expiry the instance accepts, when err is
// GitLab's refusal naming it ("must be before DATE"); zero otherwise.
func instanceLastDate(err error) time.Time {
	var ge *gitlab.Error
	if errors.As(err, &ge) && ge.Code == gitlab.CodeExpiryTooFar {
		return ge.LastDate
	}
	return time.Time{}
}
