package wizard

// The parts of the state machine that depend on the token kind: which steps a
// kind takes, switching kinds, the guided personal path and the plan check.

import (
	"errors"
	"fmt"
	"strings"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// orderFor is the steps for a token kind. A personal token is made by the API
// only for an administrator; anyone else takes the guided path through
// GitLab's web form, checked against the project Jira will read.
func (m *Model) orderFor(k token.Kind) []steps.ID {
	var o []steps.ID
	if _, ok := m.steps[steps.SignIn]; ok {
		o = append(o, steps.SignIn)
	}
	o = append(o, steps.Purpose, steps.Kind)
	switch {
	case k == token.KindPersonal && !m.pf.User.IsAdmin:
		return append(o, steps.Repo, steps.Name, steps.Expiry, steps.Scopes, steps.Guide)
	case k == token.KindPersonal:
		return append(o, steps.Target, steps.Name, steps.Expiry, steps.Scopes, steps.Review)
	}
	return append(o, steps.Target, steps.Name, steps.Expiry, steps.Role, steps.Scopes, steps.Review)
}

// setKind switches the run to kind k: the steps that depend on the kind are
// rebuilt and the target is chosen again when the kind changed.
func (m *Model) setKind(k token.Kind) {
	if k != m.orderKind {
		// A new kind needs a new target: walk on through its steps, even when
		// the user came from the review.
		m.resume = false
		m.req.Target, m.req.UserID, m.caller = "", 0, token.RoleNone
		for _, id := range []steps.ID{steps.Target, steps.Role, steps.Scopes, steps.Repo, steps.Guide} {
			delete(m.steps, id)
		}
		valid := m.req.Scopes[:0:0]
		for _, sc := range m.req.Scopes {
			if i, ok := token.Lookup(sc); ok && i.Allows(k, m.pf.User.IsAdmin) {
				valid = append(valid, sc)
			}
		}
		m.req.Scopes = valid
		if len(valid) == 0 {
			m.req.Scopes = append(m.req.Scopes, m.preset.Scopes...)
		}
	}
	m.req.Kind = k
	cur := m.order[m.cur]
	m.order, m.orderKind = m.orderFor(k), k
	if i := m.indexOf(cur); i >= 0 {
		m.cur = i
	}
}

// finishGuided records the outcome of the guided path.
func (m *Model) finishGuided() {
	if !m.Checked() {
		m.Summary = "Stopped on the guided path: no token was checked."
		return
	}
	t := m.verification.Self
	m.Summary = fmt.Sprintf("Checked personal access token %d %q (%s, expires %s): ready for Jira; it reads %s.",
		t.ID, t.Name, strings.Join(t.Scopes, ","), t.ExpiresAt.Format(token.DateLayout), m.req.Repo)
}

// planError is a namespace plan without the chosen kind of token (GitLab.com Free).
type planError struct{ err error }

func (e *planError) Error() string { return e.err.Error() }
func (e *planError) Unwrap() error { return e.err }

func isPlanError(err error) bool {
	var pe *planError
	return errors.As(err, &pe)
}

// targetPhrase names what the token is for, for summaries.
func (m *Model) targetPhrase() string {
	switch m.req.Kind {
	case token.KindPersonal:
		u := m.owner
		if u.Username == "" {
			u = gitlab.User{Username: m.req.PersonalUser()}
			if u.Username == token.Me {
				u = m.pf.User
			}
		}
		if u.Name != "" {
			return fmt.Sprintf("for @%s (%s)", u.Username, u.Name)
		}
		return "for @" + u.Username
	case token.KindGroup:
		return "on group " + m.req.Target
	}
	return "on " + m.req.Target
}

// grantPhrase is the role (if the kind has one) and the scopes.
func (m *Model) grantPhrase() string {
	if m.req.Kind.HasRole() {
		return m.req.Role.Title() + ", " + token.JoinScopes(m.req.Scopes)
	}
	return token.JoinScopes(m.req.Scopes)
}
