package wizard

// What the caller may still do with a run after it ended abnormally (a
// signal, a lost terminal, a crash): learn what became of a create that was
// in flight, and revoke a token nobody could have kept.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// startPending opens the channel the next create's answer also goes to.
func (m *Model) startPending() chan createdMsg {
	m.pending = make(chan createdMsg, 1)
	return m.pending
}

// ErrNoCreateInFlight is AwaitCreate's answer when no create was in flight.
var ErrNoCreateInFlight = errors.New("no create was in flight")

// ErrStillInFlight is AwaitCreate's answer when the create (with its check
// for a half-made token) had not ended within the wait: GitLab may still
// make the token.
var ErrStillInFlight = errors.New("GitLab had not answered the create")

// AwaitCreate waits, at most for wait, for the answer of a create that was
// in flight when the run ended: the token it made (never shown to anyone),
// or the error — for a lost answer, the orphan check's report naming what
// GitLab made. ErrNoCreateInFlight when none was sent or its answer was
// already shown.
func (m *Model) AwaitCreate(wait time.Duration) (*gitlab.NewToken, error) {
	if m.pending == nil {
		return nil, ErrNoCreateInFlight
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case msg := <-m.pending:
		m.pending = nil
		m.tookProvisioned(msg.provisioned) // a service account's id, to revoke its token by
		return msg.nt, msg.err
	case <-t.C:
		return nil, fmt.Errorf("%w after %s", ErrStillInFlight, wait)
	}
}

// Revoke revokes the token t of this run's request (the kind and target
// chosen), as the exit command does.
func (m *Model) Revoke(ctx context.Context, t *gitlab.NewToken) error {
	if m.api == nil || t == nil {
		return errors.New("nothing to revoke")
	}
	return m.api.RevokeToken(ctx, m.req, t.ID)
}

// TokenName is the name of the token this run asks for.
func (m *Model) TokenName() string { return m.req.Name }

// ListCommand is the command line that lists the tokens of this run's
// request (its kind and target).
func (m *Model) ListCommand() string {
	return strings.TrimSuffix(m.req.TokenCommand(m.commandBase(), "list", 0).String(), " 0")
}

// RevokeCommand is the exact command that revokes token id of this run.
func (m *Model) RevokeCommand(id int64) string {
	return m.req.TokenCommand(m.commandBase(), "revoke", id).String()
}

// commandBase is what this tool's own commands (rotate, revoke, list,
// audit, create) say of the instance: --demo on a demo run, whose stand-in
// has a new address every run, else the instance's address. curl and links
// take the address itself.
func (m *Model) commandBase() string {
	switch {
	case m.opts.Demo:
		return token.DemoHost
	case m.api != nil:
		return m.api.BaseURL()
	}
	return ""
}
