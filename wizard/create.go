package wizard

// Creating the token, what the screens ask of the root, and the account of
// the run printed after exit.

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

func (m *Model) onCreate() tea.Cmd {
	// Only the review, in the step state, may start a create; a second Enter finds stateCreating.
	if m.state != stateStep || m.flow.order[m.flow.cur] != steps.Review || m.out.Token != nil {
		return nil
	}
	if _, err := m.decide(); err != nil {
		return m.failAt(err, accountFix(m.req, m.facts, m.c.Clock.Now()))
	}
	if m.req.Kind == token.KindServiceAccount {
		// Several writes; the token's own orphan check reads its list then.
		m.state, m.busy.text = stateCreating, "Sending the first write… (keys are ignored until GitLab answers)"
		return tea.Batch(m.busy.spin.Tick, m.provisionCmd(m.req, m.gathered))
	}
	if !m.knows(m.req) {
		// The list is read when the review appears; the create waits for it
		// rather than read it between the Enter and the POST.
		m.notice = notice{levelInfo, "Still reading the tokens already named " + steps.ServerText(m.req.Name, 60) + "; press enter again in a moment."}
		return nil
	}
	m.state, m.busy.text = stateCreating, "Creating the token… (keys are ignored until GitLab answers)"
	return tea.Batch(m.busy.spin.Tick, m.createCmd(m.req, m.known))
}

// decide judges the finished request with the rule create shares
// (token.Decide): the caller's rights, every field, and the warnings.
func (m *Model) decide() (token.Decision, error) {
	f := m.facts
	if !m.knows(m.req) {
		f.SameName = 0 // counted for another name: the review's read will tell
	}
	return token.Decide(m.req, f, m.c.Clock.Now(), 0)
}

// knows reports whether the tokens already named like r were read: for the
// same kind, target, owner and name.
func (m *Model) knows(r token.Request) bool {
	k := m.knownFor
	return m.known.IDs != nil && k.Kind == r.Kind && k.Target == r.Target && k.UserID == r.UserID && k.Name == r.Name
}

// prefetch reads the tokens already named like the request when the review
// appears, unless they were read with the target.
func (m *Model) prefetch() tea.Cmd {
	if m.api == nil || m.knows(m.req) || m.req.Kind == token.KindServiceAccount {
		return nil // a service account's token list is read when its token is created
	}
	return m.namedCmd(m.req)
}

// onNamed keeps the list read for the review, if it is still the request's,
// and says on the review whether the name is taken.
func (m *Model) onNamed(msg namedMsg) tea.Cmd {
	if msg.req.Kind != m.req.Kind || msg.req.Target != m.req.Target || msg.req.UserID != m.req.UserID || msg.req.Name != m.req.Name {
		return nil // the answer to a name since changed
	}
	m.known, m.knownFor, m.facts.SameName = msg.ex, msg.req, msg.ex.Active
	if rv, ok := m.flow.built[steps.Review].(*steps.ReviewStep); ok {
		rv.SetContent(m.reviewContent())
	}
	return nil
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	if m.state != stateCreating {
		return nil
	}
	m.pending = nil // answered: nothing to wait for after exit
	m.tookProvisioned(msg.provisioned)
	if msg.err != nil {
		m.recordOrphan(msg.err)
		// The tokens named like this one are read again before the next
		// create: the failed one may have made one (the review's warning
		// counts it), and the next create checks against it.
		m.known, m.knownFor = gitlab.Existing{}, token.Request{}
		return m.failCreate(msg.err)
	}
	nt := msg.nt
	m.out.Token = nt
	m.Summary = fmt.Sprintf("Created %s %d %s %s (%s, expires %s); the value was shown once and is not in this scrollback.",
		kindLabel(m.req.Kind), nt.ID, token.Quote(nt.Name), m.targetPhrase(), m.grantPhrase(), m.req.ExpiresAt.Format(token.DateLayout))
	info := resultInfo{handOff: m.handOff(), next: m.req.JiraSteps(m.api.BaseURL(), m.commandBase(), nt.ID), account: m.provisionedLines()}
	info.base = m.commandBase()
	info.auditLabel, info.audit, info.auditCommand = auditOf(m.req, info.base)
	if p := m.provisioned; p != nil && p.Created {
		info.createdAccount, info.createdIn = "@"+steps.ServerText(p.Account.Username, 60), steps.ServerText(m.req.Target, 80)
	}
	if m.pf.ShortLived(m.c.Clock.Now()) {
		info.selfNote = fmt.Sprintf("The token you signed in with (%s) expires in %d days. Made just for this? Press %s to revoke it now.",
			steps.ServerText(m.pf.Self.Name, 60), token.DaysUntil(m.pf.Self.ExpiresAt, m.c.Clock.Now()), DefaultResultKeyMap().RevokeSelf.Help().Key)
	}
	r := newResult(m.c, nt, info, &m.out)
	m.show(r)
	return tea.Batch(r.spin.Tick, m.verifyCmd(nt.Value, m.req), m.suggestCmd(nt.ID))
}

// onScreenRequest carries out what a screen asks: requests to GitLab, a
// save, a change of flow. ok is false for any other message.
func (m *Model) onScreenRequest(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case steps.CopyMsg:
		m.notice = notice{levelDone, steps.Copied(msg.What)}
		return tea.SetClipboard(msg.Text), true
	case saveRequest:
		return saveTo(msg, m.out.Token.Value), true
	case revokeTokenMsg:
		if m.stopRevoke != nil {
			m.stopRevoke() // a revoke that failed before, whose context is done with
		}
		ctx, cancel := context.WithCancel(m.ctx)
		m.stopRevoke = cancel
		return m.revokeCmd(ctx, m.req, m.out.Token.ID), true
	case stopRevokeMsg:
		m.out.RevokeStopped = true
		return m.quit(m.exitSummary()), true
	case revokeSelfMsg:
		m.selfRevoke = selfRevokeSent
		return m.revokeSelfCmd(), true
	case revokeOrphanMsg, retryMsg, personalMsg, fixMsg:
		return m.onFailure(msg), true
	case auditRequestMsg:
		return m.auditCmd(msg), true
	case auditCancelMsg:
		m.onAuditCancel(msg)
		return nil, true
	}
	return nil, false
}

// finishGuided records the outcome of the guided path and ends the run.
func (m *Model) finishGuided(v gitlab.Verification) tea.Cmd {
	if v.Self == nil {
		return m.quit(guidedStopped)
	}
	t := *v.Self
	m.out.Checked = &t
	return m.quit(fmt.Sprintf("Checked personal access token %d %s (%s, expires %s): ready for Jira; it reads %s.",
		t.ID, token.Quote(t.Name), strings.Join(t.Scopes, ","), t.ExpiresAt.Format(token.DateLayout), m.req.Repo))
}

// guidedStopped is said when the run ends on the guided path before a
// pasted token passed: the user may have made one in GitLab's form already.
const guidedStopped = "Stopped on the guided path: no token was checked. A token you made in GitLab's form still exists: use it, or revoke it on your access tokens page."

// cancelSummary says what leaving now leaves behind, from the record of
// this run's writes.
func (m *Model) cancelSummary() string {
	atReview := m.state == stateStep && m.flow.order[m.flow.cur] == steps.Review
	switch {
	case m.out.Guided:
		return guidedStopped
	case m.made.any() && atReview:
		return "Cancelled at the review. This run made, and left in GitLab:\n" + strings.Join(m.madeLines(), "\n")
	case m.made.any():
		return "Cancelled. This run made, and left in GitLab:\n" + strings.Join(m.madeLines(), "\n")
	case atReview:
		return "Cancelled at the review: nothing was created."
	}
	return "Cancelled before the review: nothing was sent to GitLab."
}

// onQuit ends the run as a screen asks; leaving the result, the summary
// says what became of the token.
func (m *Model) onQuit(msg quitMsg) tea.Cmd {
	if msg.summary == "" && m.out.Token != nil {
		msg.summary = m.exitSummary()
	}
	if msg.afterError {
		// The failure screen named the account's writes; the record adds
		// the tokens whose value was lost, here or on an earlier try.
		if lines := m.orphanLines(); len(lines) > 0 {
			msg.summary += "\n" + strings.Join(lines, "\n")
		}
	}
	return m.quit(msg.summary)
}

// exitSummary is printed after the result screen: the non-secret summary,
// where the token was saved, and the exact command that renews or revokes
// it, so that nothing on the screen is lost with it.
func (m *Model) exitSummary() string {
	o, base := m.out, m.commandBase()
	lines := []string{m.Summary, "Hand-off: " + m.handOff().String()}
	// An earlier try's token whose value was lost is this run's too.
	lines = append(lines, m.orphanLines()...)
	if m.selfRevoke == selfRevokeSent {
		// Left before GitLab answered: the DELETE may or may not have been done.
		lines = append(lines, "You left before GitLab answered the revoke of the token you signed in with: whether it is revoked is unknown. Check it with (401 means revoked):",
			`  curl -sS -o /dev/null -w '%{http_code}\n' --header "PRIVATE-TOKEN: $GITLAB_TOKEN" `+m.api.BaseURL()+"/api/v4/personal_access_tokens/self")
	}
	if o.SavedPath != "" {
		lines = append(lines, "Saved to "+o.SavedPath+" (mode 0600).")
	}
	switch {
	case o.RevokeStopped:
		// The DELETE may have reached GitLab: neither "revoked" nor "still
		// works" can be said. Both commands are safe to run.
		lines = append(lines, fmt.Sprintf("You stopped waiting for GitLab to revoke token %d: it may or may not be revoked. See whether it is still active with:", o.Token.ID),
			"  "+m.ListCommand(),
			"and revoke it if it is (revoking a revoked token is harmless):",
			"  "+m.req.TokenCommand(base, "revoke", o.Token.ID).String())
	case o.Revoked:
		lines = append(lines, fmt.Sprintf("Revoked on leaving, as you asked: token %d no longer works.", o.Token.ID))
		if p := m.provisioned; p != nil && p.Created {
			// Only the token is revoked: what else this run made stays.
			lines = append(lines, fmt.Sprintf("The service account @%s (id %d) this run created stays in %s, with its memberships; a group Owner can delete it in GitLab (the group's Settings > Service accounts, or DELETE /groups/:id/service_accounts/%d).",
				steps.ServerText(p.Account.Username, 60), p.Account.ID, steps.ServerText(m.req.Target, 80), p.Account.ID))
		}
	case !o.Kept():
		lines = append(lines, fmt.Sprintf("Token %d was not copied or saved, and GitLab cannot show it again. To revoke it:", o.Token.ID),
			"  "+m.req.TokenCommand(base, "revoke", o.Token.ID).String())
	case o.SavedPath == "":
		// Copied only: if the copy went nowhere, this is how to undo it.
		next := m.req.JiraSteps(m.api.BaseURL(), base, o.Token.ID)
		lines = append(lines, next.Steps...)
		if next.Rotate != nil {
			lines = append(lines, "  "+next.Rotate.String())
		}
		lines = append(lines, fmt.Sprintf("Token %d was copied, not saved. If the copy did not reach your clipboard, revoke it:", o.Token.ID),
			"  "+m.req.TokenCommand(base, "revoke", o.Token.ID).String())
	default:
		next := m.req.JiraSteps(m.api.BaseURL(), base, o.Token.ID)
		lines = append(lines, next.Steps...)
		if next.Rotate != nil {
			lines = append(lines, "  "+next.Rotate.String())
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) handOff() token.HandOff {
	nt := m.out.Token
	return token.HandOff{Kind: m.req.Kind, ID: nt.ID, Name: nt.Name, Target: m.targetPhrase(), Grant: m.grantPhrase(),
		Expires: m.req.ExpiresAt, Masked: nt.Value.Masked()}
}

// grantPhrase is the role and scopes the token has: for a service account,
// the roles its memberships have — a role already there was kept, and may
// differ from the one asked for.
func (m *Model) grantPhrase() string {
	if m.provisioned == nil || m.req.Kind != token.KindServiceAccount {
		return m.req.GrantPhrase()
	}
	var roles []string
	same := true
	for _, ms := range m.provisioned.Memberships {
		same = same && ms.Role == m.req.Role
		roles = append(roles, ms.Role.Title()+" on "+ms.Place.String())
	}
	if same {
		return m.req.GrantPhrase()
	}
	return strings.Join(roles, ", ") + ", " + token.JoinScopes(m.req.Scopes)
}

// targetPhrase names what the token is for, for summaries.
func (m *Model) targetPhrase() string {
	u := m.owner
	if u.Username == "" && m.req.PersonalUser() == token.Me {
		u = m.pf.User
	}
	return m.req.TargetPhrase(u.Username, u.Name)
}

// reviewContent is what the review shows: every answer, and the warnings.
func (m *Model) reviewContent() steps.ReviewContent {
	r := m.req
	base := ""
	if m.api != nil {
		base = m.api.BaseURL()
	}
	rows := []steps.Row{{Field: "kind", Value: kindLabel(r.Kind)}}
	switch r.Kind {
	case token.KindServiceAccount:
		rows = append(rows, m.accountRows()...)
	case token.KindPersonal:
		rows = append(rows, steps.Row{Field: "for", Value: steps.ServerText(strings.TrimPrefix(m.targetPhrase(), "for "), 0) + " — the token acts as this user"})
	default:
		rows = append(rows, steps.Row{Field: string(r.Kind), Value: steps.ServerText(r.Target, 0)})
	}
	rows = append(rows, steps.Row{Field: "name", Value: steps.ServerText(r.Name, 0)})
	if r.Description != "" {
		rows = append(rows, steps.Row{Field: "description", Value: steps.ServerText(r.Description, 0)})
	}
	if r.Kind.HasRole() {
		rows = append(rows, steps.Row{Field: "role", Value: r.Role.Title() + " — " + r.Role.Meaning()})
	}
	rows = append(rows, steps.Row{Field: "scopes", Value: token.JoinScopes(r.Scopes)},
		steps.Row{Field: "expires", Value: token.DescribeExpiry(r.ExpiresAt, m.c.Clock.Now())})
	advice := m.preset.Advice(r)
	if d, err := m.decide(); err == nil {
		advice = append(advice, d.Warnings...)
	}
	content := steps.ReviewContent{Rows: rows, Advice: advice, Base: base, CommandBase: m.commandBase(), Req: r, Made: m.madeLines()}
	if r.Kind == token.KindServiceAccount {
		content.Advice = append(content.Advice, m.accountAdvice()...)
		content.Writes = token.ServiceAccountWrites(r, m.accountID())
	}
	return content
}

// kindLabel names a kind of token in sentences: "project access token",
// "service-account token".
func kindLabel(k token.Kind) string {
	if k == token.KindServiceAccount {
		return "service-account token"
	}
	return string(k) + " access token"
}
