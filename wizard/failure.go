package wizard

// Failures: the keys that act on them, the step that fixes each, and when
// trying the create again is safe.

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

func (m *Model) onFailedKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	var ou *gitlab.OutcomeUnknownError
	switch {
	case key.Matches(k, m.keys.Revoke) && errors.As(m.failure, &ou) && ou.Orphan != nil && !m.revoked:
		return m, m.revokeCmd(m.req, ou.Orphan.ID)
	case key.Matches(k, m.keys.Again) && m.canRetryCreate():
		// The user asks; nothing is ever re-sent on its own (invariant 1).
		prev := ou
		if !errors.As(m.failure, &prev) {
			prev = nil
		}
		m.failure, m.notice = nil, ""
		m.cur, m.state = m.indexOf(steps.Review), stateStep
		if prev != nil {
			// The last answer was lost: look for the token once more first.
			m.state, m.busy = stateCreating, "Checking once more that no token appeared, then creating… (keys are ignored until GitLab answers)"
			return m, tea.Batch(m.spin.Tick, m.retryCmd(prev))
		}
		return m.onCreate()
	case key.Matches(k, m.keys.Personal) && isPlanError(m.failure):
		// GitLab.com Free has no project or group tokens: switch to the personal path.
		m.failure = nil
		m.cur = m.indexOf(steps.Kind)
		m.setKind(token.KindPersonal)
		if c, ok := m.steps[steps.Kind].(*steps.Choice); ok {
			c.Select(token.KindPersonal)
		}
		return m, m.enter(m.indexOf(steps.Kind) + 1)
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
	if isPlanError(m.failure) {
		return steps.Target
	}
	return ""
}

func fieldStep(f token.Field) steps.ID {
	switch f {
	case token.FieldTarget:
		return steps.Target
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

// canRetryCreate reports whether the failure is a create the user may try
// again: a request that never left (refused connection, DNS) or a rate limit
// too long to wait, which made nothing; or a lost answer after which no token
// has appeared — then the retry looks once more before it sends (RetryCreate).
// Never when a token was found, nor when GitLab named the token it made.
func (m *Model) canRetryCreate() bool {
	if m.result != nil || m.failure == nil || m.failure != m.createErr {
		return false
	}
	var ou *gitlab.OutcomeUnknownError
	if errors.As(m.failure, &ou) {
		return ou.NothingFound() && !ou.Certain
	}
	var ge *gitlab.Error
	return errors.As(m.failure, &ge) && (ge.Code == gitlab.CodeRateLimited || ge.Code == gitlab.CodeNetwork)
}
