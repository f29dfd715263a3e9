package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// soonDays is how close an expiry must be to be called out: an integration
// token that lapses unnoticed is the failure this tool exists to prevent.
const soonDays = 14

type listOpts struct {
	project, group, user, output string
	account                      string
	all                          bool
}

func newListCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &listOpts{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List a project's, group's or user's tokens, with those about to expire called out",
		Long: fmt.Sprintf(`List the access tokens of a project (--project), a group (--group) or a user
(--user, your own or, for administrators, anyone's): id, name, role, scopes,
expiry and last use. Tokens that expire within %d days are called out, so an
integration does not stop working unnoticed. Values are never shown: GitLab
does not keep them.

With -F json, stdout gets a list with one object per token: id, name, scopes,
active, revoked, created_at, expires_at (YYYY-MM-DD or null), days_left,
last_used_at (or null), and access_level and role for project and group tokens.`, soonDays),
		Example: `  gitlab-token-wizard list --project acme/web
  gitlab-token-wizard list -R acme/web --all
  gitlab-token-wizard list --group acme -F json
  gitlab-token-wizard list --demo -R acme/web`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runList(ctx, env, g, o) },
	}
	f := cmd.Flags()
	projectFlag(f, &o.project, "the project's tokens")
	groupFlag(f, &o.group, "the group's tokens")
	userFlag(f, &o.user, "USERNAME or @me: a user's personal tokens (another user's: administrators)")
	accountFlag(f, &o.account, "NAME or ID: the tokens of the group's service account (with --group)")
	f.BoolVar(&o.all, "all", false, "include revoked and expired tokens")
	outputFlag(f, &o.output, "text", "json")
	return cmd
}

// whose turns exactly one of --project, --group, --user into a request.
func whose(project, group, user string) (token.Request, error) {
	r, n := token.Request{}, 0
	for _, c := range []struct {
		v string
		k token.Kind
	}{{project, token.KindProject}, {group, token.KindGroup}, {user, token.KindPersonal}} {
		if c.v != "" {
			r.Kind, r.Target = c.k, strings.TrimSpace(c.v)
			n++
		}
	}
	if n != 1 {
		return r, exitf(ExitInvalid, "say whose tokens with exactly one of --project, --group or --user (nothing was sent)")
	}
	return r, nil
}

func runList(ctx context.Context, env Env, g *globalFlags, o *listOpts) error {
	g.demoTokens = true // --demo: tokens to look after
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	g.demoTarget(env, &o.project, &o.group, &o.user)
	r, err := whoseAccount(o.project, o.group, o.user, o.account)
	if err != nil {
		return err
	}
	s, err := g.connect(ctx, env, true)
	if err != nil {
		return err
	}
	defer s.stop()
	if err := resolveAccount(ctx, s, &r); err != nil {
		return err
	}
	s.sayDemo(env.Err)
	if err := mayListUser(ctx, s, r); err != nil {
		return err
	}
	shown, err := s.client.List(ctx, r, gitlab.ListQuery{All: o.all})
	var partial *gitlab.PartialListError
	switch {
	case errors.As(err, &partial):
		// What was read is shown; the exit says the list is not whole.
		err = &ExitError{Code: ExitFailure, Err: fmt.Errorf("the list is incomplete: %v", partial)}
	case err != nil:
		return explainRights(ctx, s, r, "list", err)
	}
	now := env.Now()
	if o.output == "json" {
		if jerr := listJSON(env.Out, shown, now); jerr != nil {
			return jerr
		}
		return err
	}
	if werr := listTable(env, s, r, shown, now, o.all); werr != nil {
		return werr
	}
	return err
}

// listTable writes the tokens as a table, with those expiring soon called
// out and the exact command that renews each.
func listTable(env Env, s *session, r token.Request, shown []gitlab.TokenInfo, now time.Time, all bool) error {
	if len(shown) == 0 {
		fmt.Fprintf(env.Err, "No %s tokens%s.\n", map[bool]string{true: "", false: "active"}[all], revokeWhere(r))
		return nil
	}
	w := tabwriter.NewWriter(env.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tROLE\tSCOPES\tEXPIRES\tLAST USED\tSTATE")
	var soon []gitlab.TokenInfo
	for _, t := range shown {
		role := "-"
		if t.AccessLevel != token.RoleNone {
			role = t.AccessLevel.Title()
		}
		exp, state := "never", "active"
		if !t.ExpiresAt.IsZero() {
			days := token.DaysUntil(t.ExpiresAt, now)
			exp = fmt.Sprintf("%s (%s)", t.ExpiresAt.Format(token.DateLayout), token.InDays(days))
			if t.Active && days <= soonDays {
				soon = append(soon, t)
				state = "expires soon"
			}
		}
		switch {
		case t.Revoked:
			state = "revoked"
		case !t.Active:
			state = "expired"
		}
		used := "never"
		if !t.LastUsedAt.IsZero() {
			used = t.LastUsedAt.Format(token.DateLayout)
			if len(t.LastUsedIPs) > 0 {
				used += " from " + strings.Join(t.LastUsedIPs, ",")
			}
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, safe.Line(t.Name, 40), role, strings.Join(t.Scopes, ","), exp, used, state)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(soon) == 0 {
		return nil
	}
	names := make([]string, len(soon))
	for i, t := range soon {
		names[i] = fmt.Sprintf("%d %q", t.ID, safe.Line(t.Name, 60))
	}
	verb, them := "expire", "them"
	if len(soon) == 1 {
		verb, them = "expires", "it"
	}
	fmt.Fprintf(env.Err, "warning: %s %s within %d days; the integrations using %s stop then.\n", strings.Join(names, ", "), verb, soonDays, them)
	same := "the same name, role and scopes"
	if !r.Kind.HasRole() {
		same = "the same name and scopes"
	}
	fmt.Fprintf(env.Err, "Renew each now (a new value, %s; then update Jira):\n", same)
	for _, t := range soon {
		fmt.Fprintf(env.Err, "  %s --duration 90d\n", rotateCommand(s.cmdHost(), r, t.ID))
	}
	return nil
}

// mayListUser refuses, before sending, to list another user's personal
// tokens for a caller who is not an administrator: GitLab would answer 401,
// which reads like a bad credential.
func mayListUser(ctx context.Context, s *session, r token.Request) error {
	if r.Kind != token.KindPersonal || r.PersonalUser() == token.Me {
		return nil
	}
	pf, err := s.client.Preflight(ctx)
	if err != nil {
		return apiExit(ctx, err)
	}
	if !pf.User.IsAdmin && !strings.EqualFold(pf.User.Username, r.PersonalUser()) {
		return exitf(ExitRefused, "only administrators may see another user's tokens, and you (%s) are not one (nothing was sent): "+
			"ask %s or an administrator, or list your own with --user @me", pf.User.Username, r.PersonalUser())
	}
	return nil
}

// explainRights turns a refusal of a read (list, and the reads of rotate and
// revoke) into the rule the caller is below, with their role: GitLab's 401
// there means "no rights here" when the credential itself works.
func explainRights(ctx context.Context, s *session, r token.Request, verb string, err error) error {
	var ge *gitlab.Error
	if !errors.As(err, &ge) || ge.Code != gitlab.CodeNoPermission && ge.Code != gitlab.CodeUnauthorized || !r.Kind.HasRole() {
		return apiExit(ctx, err)
	}
	g, gerr := s.client.Gather(ctx, token.Request{Kind: r.Kind, Target: r.Target})
	if gerr != nil {
		return apiExit(ctx, gerr) // the credential, or the target, is the problem
	}
	if !lacksRights(g, r) {
		return apiExit(ctx, err)
	}
	return rightsRefusal(g, r, verb)
}

// lacksRights reports whether the caller is below the role GitLab requires
// to manage r's tokens (Maintainer on a project, Owner on a group); an
// administrator, or a custom role, is left to GitLab.
func lacksRights(g gitlab.Gathered, r token.Request) bool {
	return r.Kind.HasRole() && g.Role < r.Kind.CallerNeeds() && !g.Preflight.User.IsAdmin && !g.CustomRole
}

// rightsRefusal names the rule the caller is below, and their role.
func rightsRefusal(g gitlab.Gathered, r token.Request, verb string) error {
	what := map[token.Kind]string{token.KindProject: "Maintainer or Owner", token.KindGroup: "Owner", token.KindServiceAccount: "Owner"}[r.Kind]
	kind, whose := string(r.Kind), "its access tokens"
	if r.Kind == token.KindServiceAccount {
		kind, whose = "group", "its service accounts' tokens"
	}
	return exitf(ExitRefused, "you (%s) are %s on %s %s; to %s %s GitLab requires %s: ask someone with that role (nothing was changed)",
		g.Preflight.User.Username, token.RoleOrNone(g.Role), kind, g.Target.Path, verb, whose, what)
}

func listJSON(out io.Writer, ts []gitlab.TokenInfo, now time.Time) error {
	// In batches of whole tokens: the array as one value kept every
	// object, its encoding and the scrubbed copy of it in memory at once
	// (75 MB for 12 000 tokens). Each write ends at a token's end, so the
	// scrubber on stdout never sees a value cut in two. The output is byte
	// for byte the same.
	var b bytes.Buffer
	b.WriteString("[")
	for i, t := range ts {
		m := map[string]any{"id": t.ID, "name": t.Name, "scopes": t.Scopes, "active": t.Active, "revoked": t.Revoked,
			"created_at": t.CreatedAt.Format(time.RFC3339), "expires_at": nil, "last_used_at": nil}
		if t.AccessLevel != token.RoleNone {
			m["access_level"], m["role"] = int(t.AccessLevel), t.AccessLevel.String()
		}
		if !t.ExpiresAt.IsZero() {
			m["expires_at"] = t.ExpiresAt.Format(token.DateLayout)
			m["days_left"] = token.DaysUntil(t.ExpiresAt, now)
		}
		if !t.LastUsedAt.IsZero() {
			m["last_used_at"] = t.LastUsedAt.Format(time.RFC3339)
		}
		item, err := json.MarshalIndent(m, "  ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		b.Write(item)
		if b.Len() >= 32<<10 {
			if _, err := out.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	if len(ts) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := out.Write(b.Bytes())
	return err
}
