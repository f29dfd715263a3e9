package wizard

// The record of what this run's writes made in GitLab, kept whatever became
// of the run afterwards (a failure, a retry, leaving): the review, the
// failure screens and every summary on leaving say what was made from it,
// never from the step or screen the user happens to be on.

import (
	"fmt"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// selfRevoke is where the revoke of the sign-in token stands.
type selfRevoke int

const (
	selfRevokeNone selfRevoke = iota
	selfRevokeSent
	selfRevokeDone
	selfRevokeFailed
)

// made is what this run's writes made.
type made struct {
	// account is the service account this run created (nil: none, or one reused).
	account *gitlab.ServiceAccount
	group   string
	// memberships are the ones this run gave (or may have: an answer lost).
	memberships []gitlab.Membership
	// orphans are the tokens GitLab made whose value was lost.
	orphans []madeOrphan
}

// madeOrphan is a token a create made whose value nobody has.
type madeOrphan struct {
	info    gitlab.TokenInfo
	req     token.Request
	revoked bool
}

// recordProvisioned adds what a service account's writes made to the record.
func (m *Model) recordProvisioned(p *gitlab.Provisioned) {
	if p == nil {
		return
	}
	if p.Created && p.Account.ID != 0 && m.made.account == nil {
		a := p.Account
		m.made.account, m.made.group = &a, m.req.Target
	}
	for _, ms := range p.Memberships {
		if ms.How != token.Given && ms.How != token.FoundAfterLoss && ms.How != token.Unanswered {
			continue // there before this run
		}
		known := false
		for _, k := range m.made.memberships {
			known = known || k.Place == ms.Place
		}
		if !known {
			m.made.memberships = append(m.made.memberships, ms)
		}
	}
}

// recordOrphan adds the token a failed create made, if the orphan check found it.
func (m *Model) recordOrphan(err error) {
	o := orphanOf(err)
	if o == nil {
		return
	}
	for _, k := range m.made.orphans {
		if k.info.ID == o.ID {
			return
		}
	}
	m.made.orphans = append(m.made.orphans, madeOrphan{info: *o, req: m.req})
}

// orphanRevoked marks token id of the record as revoked.
func (m *Model) orphanRevoked(id int64) {
	for i := range m.made.orphans {
		if m.made.orphans[i].info.ID == id {
			m.made.orphans[i].revoked = true
		}
	}
}

// any reports whether this run made anything in GitLab (the token shown on
// the result screen aside).
func (d made) any() bool { return d.account != nil || len(d.memberships) > 0 || len(d.orphans) > 0 }

// madeLines say what this run made in GitLab, each thing once: the account
// with its id, the memberships it gave, and each token whose value was lost
// with the command that revokes it (or that it was revoked).
func (m *Model) madeLines() []string {
	var lines []string
	if a := m.made.account; a != nil {
		lines = append(lines, fmt.Sprintf("Service account @%s (id %d) in %s, created by this run; a group Owner can delete it in GitLab (the group's Settings > Service accounts).",
			steps.ServerText(a.Username, 60), a.ID, steps.ServerText(m.made.group, 80)))
	}
	for _, ms := range m.made.memberships {
		lines = append(lines, "Membership "+steps.ServerText(token.MembershipLine(ms.Place, ms.Role, ms.Role, ms.How), 0))
	}
	return append(lines, m.orphanLines()...)
}

// orphanLines are the record's tokens whose value was lost, each with the
// command that revokes it, or said revoked.
func (m *Model) orphanLines() []string {
	var lines []string
	for _, o := range m.made.orphans {
		if o.revoked {
			lines = append(lines, fmt.Sprintf("Token %d %s, whose value was lost: revoked.", o.info.ID, token.Quote(steps.ServerText(o.info.Name, 60))))
			continue
		}
		lines = append(lines, fmt.Sprintf("Token %d %s, whose value was lost: still active. Revoke it with:", o.info.ID, token.Quote(steps.ServerText(o.info.Name, 60))),
			"  "+o.req.TokenCommand(m.commandBase(), "revoke", o.info.ID).String())
	}
	return lines
}
