package cli

// create --service-account, and --service-account on list, rotate and
// revoke: a token of a group's machine user, with its memberships.

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// accountFlag registers --service-account, which with --group names a
// group's service account (its username or numeric id).
func accountFlag(f *pflag.FlagSet, p *string, usage string) {
	f.StringVar(p, "service-account", "", usage)
}

// withAccount turns a group request into one for the group's service
// account, when --service-account was given.
// errAccountWithoutGroup is --service-account given without the group
// whose account it is.
var errAccountWithoutGroup = exitf(ExitInvalid, "--service-account names an account of a group: give that group with --group (nothing was sent)")

// whoseAccount is whose, then withAccount: a --service-account without
// --group is told that --group is what it needs, before anything else.
func whoseAccount(project, group, user, account string) (token.Request, error) {
	if account != "" && strings.TrimSpace(group) == "" {
		return token.Request{}, errAccountWithoutGroup
	}
	r, err := whose(project, group, user)
	if err != nil {
		return r, err
	}
	return withAccount(r, account)
}

func withAccount(r token.Request, account string) (token.Request, error) {
	if account == "" {
		return r, nil
	}
	if r.Kind != token.KindGroup {
		return r, errAccountWithoutGroup
	}
	r.Kind, r.Account = token.KindServiceAccount, token.AccountFromName(account)
	return r, nil
}

// accountHome moves a service-account request to the group that holds its
// account (gitlab.AccountGroup): --group itself, or its top-level group
// where GitLab keeps accounts there only. The memberships stay where they
// were asked (by default, --group itself); w hears of the move.
func accountHome(ctx context.Context, w io.Writer, s *session, r *token.Request) error {
	if r.Kind != token.KindServiceAccount {
		return nil
	}
	home, err := s.client.AccountGroup(ctx, r.Target)
	if err != nil {
		return apiExit(ctx, err)
	}
	if home != r.Target {
		fmt.Fprintf(w, "This GitLab keeps service accounts on top-level groups (subgroups have their own from %s): the account is %s's.\n",
			token.ServiceAccountSubgroups, safe.Text(home))
		r.Target = home
	}
	return nil
}

// resolveAccount finds the id of the request's service account: given as a
// number, or looked up by username in the group that holds it (accountHome).
func resolveAccount(ctx context.Context, s *session, r *token.Request) error {
	if r.Kind != token.KindServiceAccount {
		return nil
	}
	if err := accountHome(ctx, io.Discard, s, r); err != nil {
		return err
	}
	if r.UserID != 0 {
		return nil
	}
	if id, err := strconv.ParseInt(r.Account.Username, 10, 64); err == nil && id > 0 {
		r.UserID = id
		return nil
	}
	a, err := s.client.FindServiceAccount(ctx, r.Target, r.Account.Username)
	switch {
	case err != nil:
		return apiExit(ctx, err)
	case a == nil:
		return exitf(ExitRefused, "group %s has no service account @%s (nothing was sent): create one with `gitlab-token-wizard create --service-account %s --group %s`",
			r.Target, r.Account.Username, r.Account.Username, r.Target)
	}
	r.UserID, r.Account = a.ID, token.Account{Username: a.Username, Name: a.Name, Email: a.Email}
	return nil
}

// serviceAccountRequest fills a create request for --service-account: the
// account in --group (moved to its top-level group by accountHome where
// GitLab needs that), and where it gets access — each --member-of group
// and each --project, or else --group itself.
func (o *createOpts) serviceAccountRequest(r *token.Request) error {
	switch {
	case o.group == "":
		return fmt.Errorf("--service-account needs --group: the group that owns the account (a top-level group before GitLab 18.11)")
	case o.user != "":
		return fmt.Errorf("--service-account and --user both given: a service account is its own user; drop --user")
	}
	r.Kind, r.Target = token.KindServiceAccount, strings.Trim(strings.TrimSpace(o.group), "/")
	r.Account = token.AccountFromName(o.serviceAccount)
	if o.accountName != "" {
		r.Account.Name = o.accountName
	}
	r.Account.Email = strings.TrimSpace(o.accountEmail)
	add := func(k token.Kind, path string) {
		p := token.Place{Kind: k, Path: strings.Trim(strings.TrimSpace(path), "/")}
		if !slices.ContainsFunc(r.Places, func(q token.Place) bool { return q.Kind == k && strings.EqualFold(q.Path, p.Path) }) {
			r.Places = append(r.Places, p)
		}
	}
	for _, g := range o.memberOf {
		add(token.KindGroup, g)
	}
	for _, p := range o.projects {
		add(token.KindProject, p)
	}
	if len(r.Places) == 0 {
		r.Places = []token.Place{{Kind: token.KindGroup, Path: r.Target}}
	}
	return nil
}

// createServiceAccountToken makes the writes of a service-account token
// (gitlab.ProvisionServiceAccount), says each one and how each membership
// turned out, then verifies and delivers the token as create does.
func (o *createOpts) createServiceAccountToken(ctx context.Context, env Env, s *session, req token.Request, g gitlab.Gathered) error {
	w := env.Err
	p, err := s.client.ProvisionServiceAccount(ctx, req, g, func(m string) { fmt.Fprintln(w, m) })
	if p.Created {
		fmt.Fprintf(w, "Created the service account @%s (id %d).\n", p.Account.Username, p.Account.ID)
	}
	printMemberships(w, req, p.Memberships)
	req.UserID, req.Account = p.Account.ID, token.Account{Username: p.Account.Username, Name: p.Account.Name, Email: p.Account.Email}
	if err != nil {
		printOrphans(w, s.cmdHost(), req, err) // a token's lost answer: the candidates and their commands
		if p.Created && p.Token == nil {
			fmt.Fprintf(w, "The account @%s was created and stays; the next run with --service-account %s reuses it.\n", p.Account.Username, p.Account.Username)
		}
		return apiExit(ctx, err)
	}
	nt := p.Token
	fmt.Fprintf(w, "Created the token %d %q of @%s (%s).\n", nt.ID, nt.Name, p.Account.Username, nt.Value.Masked())
	return o.verifyAndDeliver(ctx, env, s, req, nt)
}

// printMemberships says where the account got access, and where it
// already had some: a role already there is kept, never raised.
func printMemberships(w io.Writer, req token.Request, ms []gitlab.Membership) {
	for _, m := range ms {
		if l := token.MembershipLine(m.Place, m.Role, req.Role, m.How); l != "" {
			fmt.Fprintf(w, "  %s\n", l)
		} else {
			fmt.Fprintf(w, "  %s: not given (see below)\n", m.Place)
		}
	}
}

// printServiceAccountPlan says every write the request will make.
func printServiceAccountPlan(w io.Writer, r token.Request, g gitlab.Gathered, host string, now time.Time, defaulted bool) {
	if g.Account != nil {
		fmt.Fprintf(w, "Service account @%s of %s (it exists: id %d) (%s)\n", g.Account.Username, safe.Text(r.Target), g.Account.ID, host)
	} else {
		fmt.Fprintf(w, "Service account @%s of %s, to be created (%s)\n", r.Account.Username, safe.Text(r.Target), host)
		if r.Account.Email == "" {
			fmt.Fprintln(w, "  warning: the account gets no email of its own, so GitLab's expiry mail reaches nobody: give a team address with --account-email")
		}
	}
	places := make([]string, len(r.Places))
	for i, p := range r.Places {
		places[i] = p.String()
	}
	fmt.Fprintf(w, "  access:  %s on %s (memberships; a role already there is kept)\n", r.Role.Title(), strings.Join(places, ", "))
	fmt.Fprintf(w, "  token:   %q\n", safe.Text(r.Name))
	printTerms(w, r, now, defaulted)
}

// serviceAccountWrites are the requests create --service-account sends, as
// curl lines: the account (when new), each membership, the token — the
// writes the wizard's review lists (token.ServiceAccountWrites).
func serviceAccountWrites(r token.Request, g gitlab.Gathered) []token.Write {
	var id int64
	if g.Account != nil {
		id = g.Account.ID
	}
	return token.ServiceAccountWrites(r, id)
}
