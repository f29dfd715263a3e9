package cli

// The accessible wizard's service-account path: the same questions as the
// full-screen steps (the group, the account, where it gets access), from
// the same catalogue, then the plan with every write, one confirmation,
// and the writes made by gitlab.ProvisionServiceAccount, each once.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// accountOffer is what the kind question says of service accounts: the
// version and an administrator from the pre-flight, and whether the caller
// owns a group (one search; unknown when it fails).
func accountOffer(ctx context.Context, s *session, pf gitlab.Preflight) token.AccountOffer {
	o := token.AccountOffer{Version: pf.Version, Admin: pf.User.IsAdmin, Community: pf.Community}
	if o.Admin || o.Unavailable() != "" {
		return o
	}
	gs, err := s.client.SearchGroups(ctx, "", 20, false)
	if err != nil {
		return o
	}
	o.GroupsKnown = true
	for _, g := range gs {
		if g.Role >= token.RoleOwner && token.CannotHoldAccounts(pf.Version, g.Path) == "" {
			o.OwnedGroups++
		}
	}
	return o
}

// account asks for one of the group's service accounts, or a new one.
func (a *asker) account() error { return accessibleAccount(a.ctx, a.p, a.s, &a.req) }

// places asks where the account gets access, then reads in one round what
// the rest depends on (the account, the caller's roles on the places), as
// the full-screen wizard does after its places step.
func (a *asker) places() error {
	if err := accessiblePlaces(a.ctx, a.p, a.s, a.pf, &a.req); err != nil {
		return err
	}
	g, err := a.s.client.Gather(a.ctx, a.req)
	if err == nil && g.AccountErr != nil {
		// Whether the account exists is not known: nothing is written.
		err = fmt.Errorf("could not tell whether %s already has a service account @%s, so nothing was sent: %w", a.req.Target, a.req.Account.Username, g.AccountErr)
	}
	if err != nil {
		return apiExit(a.ctx, err)
	}
	if err := token.CheckRights(a.req, g.Facts(), a.now); err != nil {
		return refused(a.s, g, a.req, err)
	}
	a.g, a.facts = g, g.Facts()
	return nil
}

// reviewAccount shows every write of a service-account token, asks once,
// and makes them, each once.
func (a *asker) reviewAccount() error {
	ctx, p, s, req, g := a.ctx, a.p, a.s, a.req, a.g
	d, err := token.Decide(req, g.Facts(), a.now, 0)
	if err != nil {
		var rf *token.Refusal
		if errors.As(err, &rf) {
			return refused(s, g, req, err)
		}
		return invalid(err)
	}
	p.say("")
	printServiceAccountPlan(a.env.Err, req, g, s.host, a.now, false)
	for _, w := range d.Warnings {
		p.say("  warning: %s", w)
	}
	writes := serviceAccountWrites(req, g)
	curls := make([]string, len(writes))
	for i, w := range writes {
		curls[i] = "# " + w.Note + "\n" + w.CurlText(s.host)
	}
	p.say("Every write, in order, each sent once:\n%s\nThe same as one command:\n%s", strings.Join(curls, "\n"), req.CommandLine(s.cmdHost()))
	create := false
	if err := p.confirm(fmt.Sprintf("Send these %d writes now?", len(writes)), &create); err != nil {
		return stoppedAt(err, "nothing was created")
	}
	if !create {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("cancelled at the review: nothing was created")}
	}
	prov, err := s.client.ProvisionServiceAccount(ctx, req, g, func(m string) { p.say("%s", m) })
	if prov.Created {
		p.say("Created the service account @%s (id %d).", prov.Account.Username, prov.Account.ID)
	}
	printMemberships(p.out, req, prov.Memberships)
	req.UserID = prov.Account.ID
	if err != nil {
		printOrphans(p.out, s.cmdHost(), req, err)
		if prov.Created && prov.Token == nil {
			p.say("The account @%s was created and stays; the next run that names it reuses it.", prov.Account.Username)
		}
		return apiExit(ctx, err)
	}
	nt := prov.Token
	p.say("Created the token %d %s of @%s (%s). GitLab shows it only once.", nt.ID, token.Quote(nt.Name), prov.Account.Username, nt.Value.Masked())
	return accessibleDeliver(ctx, p, a.env, s, a.pf, req, nt, a.now)
}

// leastRole is the most the caller may give the account: the least of
// their roles on its places (an administrator: any role).
func leastRole(roles map[string]token.Role, places []token.Place, admin bool, def token.Role) token.Role {
	if admin {
		return token.RoleOwner
	}
	least := def
	for _, pl := range places {
		if r, ok := roles[pl.Path]; ok && r < least {
			least = r
		}
	}
	return least
}

// accessibleAccount asks for one of the group's service accounts, or a new
// one's name, username and email.
func accessibleAccount(ctx context.Context, p prompter, s *session, req *token.Request) error {
	as, err := s.client.ListServiceAccounts(ctx, req.Target)
	if err != nil {
		p.say("Could not list the service accounts of %s (%v); you can still create one.", req.Target, err)
	}
	byName := map[string]gitlab.ServiceAccount{}
	var accounts []token.Account
	for _, a := range as {
		accounts = append(accounts, token.Account{Username: safe.Line(a.Username, 60), Name: safe.Line(a.Name, 60), Email: safe.Line(a.Email, 60)})
		byName[safe.Line(a.Username, 60)] = a
	}
	q := token.AccountQuestion(req.Target, accounts, "")
	p.say("%s", q.Intro)
	choice := q.Default
	if err := p.choose(q, &choice); err != nil {
		return err
	}
	if a, ok := byName[choice]; ok && choice != token.NewAccount {
		req.Account, req.UserID = token.Account{Username: a.Username, Name: a.Name, Email: a.Email}, a.ID
		return nil
	}
	nq := token.AccountNameQuestion("Jira integration")
	p.say("%s", nq.Intro)
	name := nq.Default
	if err := p.text(nq.Label+":", &name, nq.Validate); err != nil {
		return err
	}
	uq := token.AccountUsernameQuestion(strings.ToLower(token.AccountFromName(name).Username))
	user := uq.Default
	if err := p.text(uq.Label+":", &user, func(v string) error {
		if err := uq.Validate(v); err != nil {
			return err
		}
		if _, taken := byName[strings.TrimSpace(v)]; taken {
			return fmt.Errorf("@%s is already a service account of %s: pick it from the list instead", strings.TrimSpace(v), req.Target)
		}
		return nil
	}); err != nil {
		return err
	}
	eq := token.AccountEmailQuestion("")
	p.say("%s", eq.Intro)
	email := ""
	if err := p.text(eq.Label+" ("+eq.Placeholder+"):", &email, eq.Validate); err != nil {
		return err
	}
	if strings.TrimSpace(email) == "" {
		p.say("warning: %s.", token.NoEmailWarning)
	}
	req.Account = token.Account{Username: strings.TrimPrefix(strings.TrimSpace(user), "@"), Name: strings.TrimSpace(name), Email: strings.TrimSpace(email)}
	req.UserID = 0
	return nil
}

// accessiblePlaces asks where the account gets access: its group, or
// subgroups and projects found by a search, ticked by number.
func accessiblePlaces(ctx context.Context, p prompter, s *session, pf gitlab.Preflight, req *token.Request) error {
	q := token.PlacesQuestion(req.Target)
	p.say("%s", q.Intro)
	query := ""
	if err := p.text(q.Label+" ("+q.Placeholder+"; empty lists the first ones):", &query, nil); err != nil {
		return err
	}
	gs, err := s.client.SearchGroups(ctx, query, 20, pf.User.IsAdmin)
	if err != nil {
		return apiExit(ctx, err)
	}
	for _, g := range gs {
		if token.SubgroupPlace(req.Target, g.Path, g.Role, pf.User.IsAdmin) {
			q.Options = append(q.Options, token.GroupPlace(g.Path))
		}
	}
	ps, err := s.client.SearchProjects(ctx, query, 20, token.SearchMinRole(token.KindProject, pf.User.IsAdmin, false))
	if err != nil {
		return apiExit(ctx, err)
	}
	for _, pr := range ps {
		label := safe.Line(pr.Path, 100)
		q.Options = append(q.Options, token.Option{Value: token.PlaceValue(token.Place{Kind: token.KindProject, Path: pr.Path}), Label: label, Meaning: roleLabel(pr.Role)})
	}
	chosen, err := p.pick(q, func(v []string) error {
		if len(v) == 0 {
			return errors.New("tick at least one place: the group, a subgroup or a project")
		}
		return nil
	})
	if err != nil {
		return err
	}
	req.Places = nil
	for _, v := range chosen {
		req.Places = append(req.Places, token.PlaceOf(v))
	}
	return nil
}

func roleLabel(r token.Role) string {
	if r == token.RoleNone {
		return "any project (administrator)"
	}
	return "you: " + r.Title()
}
