package wizard

// The service-account kind: what the kind step knows of it before it is
// chosen, the answers that lead to one Gather, the review's list of writes,
// and the provisioning — account, memberships, token — each write sent once.

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// Lookups that belong to no step, kept with the steps' in m.inflight so
// that leaving cancels them too.
const (
	ownedFlight steps.ID = "owned-groups"
	auditFlight steps.ID = "audit"
)

// lookupTimeout bounds a lookup nobody waits on (the groups the caller owns).
const lookupTimeout = 20 * time.Second

// ownedMsg answers the read of the groups the caller owns.
type ownedMsg struct {
	n   int
	err error
}

// offerLookup says, after the pre-flight, what the kind step can know of
// service accounts: the version and an administrator at once, and the
// groups the caller owns from one search that runs while they read the
// first question.
func (m *Model) offerLookup() tea.Cmd {
	m.offer = token.AccountOffer{Version: m.pf.Version, Admin: m.pf.User.IsAdmin, Spans: m.offer.Spans, Community: m.pf.Community}
	if m.api == nil || m.offer.Admin || m.offer.Unavailable() != "" {
		return nil
	}
	api, version := m.api, m.pf.Version
	ctx, cancel := context.WithTimeout(m.ctx, lookupTimeout)
	m.inflight[ownedFlight] = flight{cancel: cancel}
	return func() tea.Msg {
		defer cancel()
		gs, err := api.SearchGroups(ctx, "", searchLimit, false)
		n := 0
		for _, g := range gs {
			if g.Role >= token.RoleOwner && token.CannotHoldAccounts(version, g.Path) == "" {
				n++
			}
		}
		return ownedMsg{n: n, err: err}
	}
}

// onOwned tells the kind step, built or not, whether the caller owns a group.
func (m *Model) onOwned(msg ownedMsg) tea.Cmd {
	delete(m.inflight, ownedFlight)
	if msg.err != nil {
		return nil // still unknown: the group step will tell
	}
	m.offer.OwnedGroups, m.offer.GroupsKnown = msg.n, true
	if k, ok := m.flow.built[steps.Kind].(*steps.Choice); ok {
		m.flow.built[steps.Kind] = steps.NewKind(m.c, m.pf.User.IsAdmin, token.Kind(k.Selected()), m.offer)
	}
	return nil
}

// accounts reads the service accounts of the group the account step names.
func (m *Model) accounts(r steps.AccountsRequestMsg) func(context.Context) tea.Msg {
	api := m.api
	if api == nil {
		return nil
	}
	return func(ctx context.Context) tea.Msg {
		as, err := api.ListServiceAccounts(ctx, r.Group)
		return steps.AccountsMsg{To: r.From, Accounts: as, Err: err}
	}
}

// onAccountGroup takes the group that owns the account, and reads it at
// once (Gather): a group that cannot have one (the caller's role, its plan,
// a subgroup before 18.11) is said now, not after the account and places.
// Another group means another account and other places: they are asked
// again, in order.
func (m *Model) onAccountGroup(before token.Request) tea.Cmd {
	if m.req.Target != before.Target {
		m.req.Account, m.req.Places, m.req.UserID = token.Account{}, nil, 0
		m.flow.resume = false
		m.forgetTarget()
	}
	m.invalidate(steps.Target, before)
	return m.startBusy("Reading your role on "+steps.ServerText(m.req.Target, 80)+"…", m.gather(m.req))
}

// gatherAccount reads, in one round, what the decision on the account
// needs: the caller's role on its group and on each place, and whether the
// account exists (Gather).
func (m *Model) gatherAccount() tea.Cmd {
	return m.startBusy("Reading your roles on "+token.PlaceList(m.req.Places)+"…", m.gather(m.req))
}

// accountUnknown is the refusal when the group's accounts could not be
// read: whether the account exists is not known, so nothing is written.
func accountUnknown(r token.Request, err error) error {
	return fmt.Errorf("could not tell whether %s already has a service account @%s, so nothing was sent: %w",
		steps.ServerText(r.Target, 80), steps.ServerText(r.Account.Username, 60), err)
}

// keepGathered keeps what Gather read of a service account, for the
// review and ProvisionServiceAccount: an account it found is reused (the
// account step's list may have failed to show it).
func (m *Model) keepGathered(g gitlab.Gathered) {
	if g.Account == nil && m.req.UserID != 0 {
		a := gitlab.ServiceAccount{ID: m.req.UserID, Username: m.req.Account.Username, Name: m.req.Account.Name, Email: m.req.Account.Email}
		g.Account = &a
	}
	if g.Account != nil {
		m.req.UserID = g.Account.ID
	}
	if before, after := m.accountRoleBound(), placeBound(g.PlaceRoles, m.req.Places, g.Preflight.User.IsAdmin); before != after {
		delete(m.flow.built, steps.Role)
	}
	m.gathered = g
}

// accountRoleBound is the most a caller may give the account: the least of
// their roles on its places (RoleNone: not known, every role is offered).
func (m *Model) accountRoleBound() token.Role {
	return placeBound(m.gathered.PlaceRoles, m.req.Places, m.pf.User.IsAdmin)
}

func placeBound(roles map[string]token.Role, places []token.Place, admin bool) token.Role {
	if admin {
		return token.RoleOwner
	}
	bound := token.RoleNone
	for _, p := range places {
		r, ok := roles[p.Path]
		if !ok {
			return token.RoleNone
		}
		if bound == token.RoleNone || r < bound {
			bound = r
		}
	}
	return bound
}

// rightsNow is the request as its rights are checked when a target is
// read: a service account's role is asked after its places, so only what no
// role can fix refuses then (the role step offers no more than the places allow).
func rightsNow(r token.Request) token.Request {
	if r.Kind == token.KindServiceAccount {
		r.Role = token.RoleGuest
	}
	return r
}

// accountFix is the step that fixes a refusal of a service-account token:
// the role, when a lower one could be given everywhere; the places, when
// the group alone passes; "" when the group itself is refused (the
// refusal's own field says where). Going back to the group could not fix
// a place, and the places step is reached only through the group's read.
func accountFix(r token.Request, f token.Facts, now time.Time) steps.ID {
	if r.Kind != token.KindServiceAccount || len(r.Places) == 0 || token.CheckRights(r, f, now) == nil {
		return ""
	}
	if low := rightsNow(r); low.Role != r.Role && token.CheckRights(low, f, now) == nil {
		return steps.Role
	}
	bare := r
	bare.Places = nil
	if token.CheckRights(bare, f, now) == nil {
		return steps.Places
	}
	return ""
}

// accountID is the id of the request's account when it exists (0: new).
func (m *Model) accountID() int64 {
	if m.gathered.Account != nil {
		return m.gathered.Account.ID
	}
	return 0
}

// sayMsg is what ProvisionServiceAccount says before a write; next listens on.
type sayMsg struct {
	text string
	next tea.Cmd
}

// provisionCmd makes the writes of a service-account token, each sent
// once; what it says before each one drives the busy line. Its answer also
// goes to m.pending, as a create's does, for a run ended from outside.
func (m *Model) provisionCmd(r token.Request, g gitlab.Gathered) tea.Cmd {
	api, ctx, pending := m.api, m.ctx, m.startPending()
	return func() tea.Msg {
		// Room for every word and the answer: nothing here waits on a
		// reader that has gone (the run may end meanwhile).
		ch := make(chan tea.Msg, 8)
		listen := func() tea.Msg { return <-ch }
		go func() {
			p, err := api.ProvisionServiceAccount(ctx, r, g, func(s string) { ch <- sayMsg{text: s, next: listen} })
			msg := createdMsg{nt: p.Token, err: err, provisioned: &p}
			pending <- msg
			ch <- msg
		}()
		return listen()
	}
}

// onSay shows what is being sent now, and listens on.
func (m *Model) onSay(msg sayMsg) tea.Cmd {
	if m.state == stateCreating {
		m.busy.text = steps.ServerText(msg.text, 0) + " (keys are ignored until GitLab answers)"
	}
	return msg.next
}

// tookProvisioned keeps what the writes did, also when one failed: the
// account made is reused by a retry, and its token revoked by its id.
func (m *Model) tookProvisioned(p *gitlab.Provisioned) {
	if p == nil {
		return
	}
	m.provisioned = p
	m.recordProvisioned(p)
	if p.Account.ID != 0 {
		a := p.Account
		m.gathered.Account = &a
		m.req.UserID = a.ID
	}
}

// provisionedLines say what the writes did: the account, and each
// membership (a role already there kept, never raised).
func (m *Model) provisionedLines() []string {
	p := m.provisioned
	if p == nil || p.Account.ID == 0 {
		return nil
	}
	how := "already there: reused"
	if p.Created {
		how = "created by this run"
	}
	lines := []string{fmt.Sprintf("Service account @%s (id %d) of %s, %s.", steps.ServerText(p.Account.Username, 60), p.Account.ID, steps.ServerText(m.req.Target, 80), how)}
	for _, ms := range p.Memberships {
		if l := token.MembershipLine(ms.Place, ms.Role, m.req.Role, ms.How); l != "" {
			lines = append(lines, "  "+steps.ServerText(l, 0))
		}
	}
	return lines
}

// accountRows are the review's rows of a service-account token.
func (m *Model) accountRows() []steps.Row {
	r := m.req
	acct := "@" + steps.ServerText(r.Account.Username, 0)
	switch id := m.accountID(); {
	case id != 0:
		acct += fmt.Sprintf(" (id %d) — it exists: reused", id)
	default:
		acct += " — new: created by this run"
		if r.Account.Name != "" && r.Account.Name != r.Account.Username {
			acct += ", named " + token.Quote(r.Account.Name)
		}
	}
	email := steps.ServerText(r.Account.Email, 0)
	if email == "" {
		email = "(none)"
	}
	return []steps.Row{{Field: "group", Value: steps.ServerText(r.Target, 0)}, {Field: "account", Value: acct},
		{Field: "email", Value: email}, {Field: "access", Value: r.Role.Title() + " on " + steps.ServerText(token.PlaceList(r.Places), 0)}}
}

// accountAdvice is what the review warns of a new account.
func (m *Model) accountAdvice() []string {
	if m.accountID() == 0 && m.req.Account.Email == "" {
		return []string{token.NoEmailWarning + " (a to change it)"}
	}
	return nil
}
