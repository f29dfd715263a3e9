package wizard

// Creating the token and the screen that shows it once.

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

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
		m.state, m.failure, m.createErr = stateFailed, msg.err, msg.err
		return m, nil
	}
	m.result, m.state = msg.nt, stateResult
	m.Summary = fmt.Sprintf("Created %s access token %d %q %s (%s, expires %s); the value was shown once and is not in this scrollback.",
		m.req.Kind, msg.nt.ID, msg.nt.Name, m.targetPhrase(), m.grantPhrase(), m.req.ExpiresAt.Format(token.DateLayout))
	return m, tea.Batch(m.spin.Tick, m.verifyCmd(msg.nt.Value, m.req))
}

// crashOn is empty in every real build. End-to-end tests build a binary with
// -ldflags "-X gitlab-token-wizard/wizard.crashOn=s" to make a result-screen
// key panic, proving a crash restores the terminal and prints no secret.
var crashOn string

func (m *Model) onResultKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if crashOn != "" && k.String() == crashOn {
		panic("crash test: a deliberate panic on the result screen")
	}
	switch {
	case key.Matches(k, m.keys.Reveal):
		m.revealed = !m.revealed
	case key.Matches(k, m.keys.Copy):
		m.copied, m.notice = true, "Copied to the clipboard (OSC 52; works over SSH in most terminals)."
		return m, tea.SetClipboard(m.result.Value.Reveal())
	case key.Matches(k, m.keys.Save):
		return m, saveCmd(m.opts.SaveDir, m.result.ID, m.result.Value)
	case key.Matches(k, m.keys.RevokeSelf) && m.offerRevokeSelf():
		return m, m.revokeSelfCmd()
	case key.Matches(k, m.keys.Done), key.Matches(k, m.keys.Quit):
		if !m.copied && m.savedPath == "" {
			m.state = stateConfirmQuit
			return m, nil
		}
		return m.quit()
	}
	return m, nil
}

// offerRevokeSelf reports whether the result screen offers to revoke the
// sign-in credential: a personal token that expires within a week, made
// just for this run, and not revoked yet.
func (m *Model) offerRevokeSelf() bool {
	return !m.selfRevoked && m.pf.ShortLived(m.opts.Now())
}
