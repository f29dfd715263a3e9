package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

type revokeOpts struct {
	project, group, user, output string
	account                      string
	yes                          bool
}

// newRevokeCommand revokes one token by id: the orphan a failed create left,
// or a token that leaked.
func newRevokeCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &revokeOpts{}
	cmd := &cobra.Command{
		Use:   "revoke TOKEN_ID",
		Short: "Revoke a token by id (say, the orphan a failed create left behind)",
		Long: `Revoke a project (--project), group (--group) or personal (--user) access token
by its id; ` + "`list`" + ` shows the ids. A create that failed after GitLab acted prints
the exact command.

Before anything is sent, one round of reads checks your rights (Maintainer on
a project, Owner on a group, an administrator for another user's personal
token) and reads the token, so that an unknown id points at ` + "`list`" + ` and a
token that is already revoked is said to be (exit 0, nothing sent). Then the
token is named, and on a terminal you are asked to confirm: whatever uses it
stops working at once. --yes skips the question; without a terminal to ask
on, --yes is required. Revoking the token you signed in with is said in the
question (or, with --yes, as a warning): every later command signed in with
it fails.

With -F json, stdout gets one object:
  id, kind, target, name        the token
  scopes, expires_at            its scopes, and expiry (YYYY-MM-DD or null)
  access_level, role            project and group tokens
  revoked                       true: the token is revoked now; false: it was not
                                confirmed (exit 2 without a terminal and --yes, 130 on "no")
  already_revoked               true: it was revoked before this run (nothing was sent)`,
		Example: `  gitlab-token-wizard list --project acme/web
  gitlab-token-wizard revoke --project acme/web 58
  gitlab-token-wizard revoke --user @me 12 --yes -F json`,
		Args: tokenIDArg(env, g, "revoke", "revoke"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRevoke(ctx, env, g, o, args[0])
		},
	}
	f := cmd.Flags()
	projectFlag(f, &o.project, "the project the token belongs to")
	groupFlag(f, &o.group, "the group the token belongs to")
	userFlag(f, &o.user, "USERNAME or @me: a personal token (another user's: administrators)")
	accountFlag(f, &o.account, "NAME or ID: a token of the group's service account (with --group)")
	f.BoolVarP(&o.yes, "yes", "y", false, "revoke without asking (required when stdin is not a terminal)")
	outputFlag(f, &o.output, "text", "json")
	return cmd
}

func runRevoke(ctx context.Context, env Env, g *globalFlags, o *revokeOpts, idText string) error {
	g.demoTokens = true // --demo: tokens to look after
	id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
	if err != nil || id <= 0 {
		return exitf(ExitInvalid, "%q is not a token id: give the number `list` shows (nothing was sent)", idText)
	}
	g.demoTarget(env, &o.project, &o.group, &o.user)
	r, err := whoseAccount(o.project, o.group, o.user, o.account)
	if err != nil {
		return err
	}
	if err := checkOutput(o.output, "text", "json"); err != nil {
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
	t, own, err := checkRevoke(ctx, s, r, id)
	if err != nil {
		return err
	}
	what := describeToken(r, t, env.Now())
	if t.Revoked {
		fmt.Fprintf(env.Err, "%s was already revoked: nothing to do (nothing was sent).\n", upperFirst(what))
		return revokeOutput(env, o, r, t, true)
	}
	// The credential of this very run: after it, every command signed in
	// with it fails, this one's own verification included.
	ownWarning := ""
	if own {
		ownWarning = fmt.Sprintf(" It is the token you signed in with (%s): once it is revoked, every command signed in with it fails; sign in with another token then.", s.source)
		if o.yes {
			fmt.Fprintf(env.Err, "warning:%s\n", ownWarning)
		}
	}
	if !o.yes {
		// A script that asked for JSON still gets the token it named, marked
		// not revoked; the exit code says why.
		if !env.IsTerminal(env.In) {
			_ = revokeOutput(env, o, r, t, false)
			return exitf(ExitInvalid, "stdin is not a terminal, so revoke cannot ask before revoking %s: add --yes to confirm (nothing was revoked)", what)
		}
		ok, err := confirm(ctx, env, fmt.Sprintf("Revoke %s? Whatever uses it stops working at once.%s", what, ownWarning))
		if err != nil || !ok {
			_ = revokeOutput(env, o, r, t, false)
		}
		if err != nil {
			return &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted: nothing was revoked")}
		}
		if !ok {
			return &ExitError{Code: ExitInterrupted, Err: errors.New("not confirmed: nothing was revoked")}
		}
	}
	if err := s.client.RevokeToken(ctx, r, id); err != nil {
		return apiExit(ctx, err)
	}
	fmt.Fprintf(env.Err, "Revoked %s.\n", what)
	t.Revoked, t.Active = true, false
	return revokeOutput(env, o, r, t, false)
}

// checkRevoke reads, in one round, the caller's rights and the token, and
// refuses what GitLab would refuse, rights first: a caller below the role
// the kind needs is told the rule (GitLab's 401 or "cannot delete" reads
// like a bad credential or a bad path), then an unknown id points at list.
func checkRevoke(ctx context.Context, s *session, r token.Request, id int64) (t gitlab.TokenInfo, own bool, err error) {
	g, t, terr, err := s.client.GatherToken(ctx, r, id)
	if err != nil {
		return t, false, apiExit(ctx, err)
	}
	pf := g.Preflight
	if !pf.OAuth && !pf.HasScope("api") {
		return t, false, exitf(ExitRefused, "your credential has the scopes %s, but revoking a token needs api: sign in with a personal access token that has the api scope (nothing was sent)",
			orNone(pf.Self.Scopes))
	}
	if r.Kind == token.KindPersonal {
		return t, signedInWith(g, r, id), checkPersonal(ctx, s, r, g, t, terr, id, "revoke")
	}
	if lacksRights(g, r) {
		return t, false, rightsRefusal(g, r, "revoke")
	}
	if terr != nil {
		return t, false, unknownToken(ctx, s, r, id, terr)
	}
	return t, false, nil
}

// checkPersonal judges a personal token before verb ("revoke", "rotate")
// is sent: another user's needs an administrator (token.PersonalRights),
// and the token must be the named user's. GitLab answers a
// non-administrator's read of an unknown id, or of someone else's token,
// with 401: after a working sign-in that means "not one of yours".
func checkPersonal(ctx context.Context, s *session, r token.Request, g gitlab.Gathered, t gitlab.TokenInfo, terr error, id int64, verb string) error {
	if err := g.Facts().PersonalRights(verb); err != nil {
		return refused(s, g, r, err)
	}
	owner := g.Owner
	var ge *gitlab.Error
	if terr != nil && errors.As(terr, &ge) && (ge.Code == gitlab.CodeNotFound || ge.Code == gitlab.CodeNoPermission || ge.Code == gitlab.CodeUnauthorized) {
		return exitf(ExitRefused, "@%s has no personal access token %d (nothing was sent): %s shows the ids", owner.Username, id, listCommand(s.cmdHost(), r))
	}
	if terr != nil {
		return apiExit(ctx, terr)
	}
	if t.UserID != owner.ID {
		return exitf(ExitRefused, "personal access token %d belongs to user id %d, not to @%s (nothing was sent): check the id with %s",
			id, t.UserID, owner.Username, listCommand(s.cmdHost(), r))
	}
	return nil
}

// describeToken names a token for a question or a message: kind, id, name,
// where, role, scopes and expiry.
func describeToken(r token.Request, t gitlab.TokenInfo, now time.Time) string {
	var facts []string
	if t.AccessLevel != token.RoleNone {
		facts = append(facts, t.AccessLevel.Title())
	}
	if len(t.Scopes) > 0 {
		facts = append(facts, strings.Join(t.Scopes, ","))
	}
	switch {
	case t.ExpiresAt.IsZero():
		facts = append(facts, "no expiry")
	case token.DaysUntil(t.ExpiresAt, now) < 0:
		facts = append(facts, "expired "+t.ExpiresAt.Format(token.DateLayout))
	default:
		facts = append(facts, "expires "+t.ExpiresAt.Format(token.DateLayout))
	}
	if !t.LastUsedAt.IsZero() {
		facts = append(facts, "last used "+t.LastUsedAt.Format(token.DateLayout))
	}
	where := revokeWhere(r)
	if r.Kind == token.KindPersonal && r.PersonalUser() != token.Me {
		where = " of @" + r.PersonalUser()
	}
	return fmt.Sprintf("%s access token %d %q%s (%s)", r.Kind, t.ID, safe.Line(t.Name, 80), where, strings.Join(facts, "; "))
}

// confirm asks question on stderr and reads the answer from stdin: only y
// or yes is yes. ctrl+c (the context) ends the wait at once.
func confirm(ctx context.Context, env Env, question string) (bool, error) {
	fmt.Fprintf(env.Err, "%s [y/N] ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := readLine(env.In)
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(env.Err)
		return false, ctx.Err()
	case line := <-answer:
		a := strings.ToLower(strings.TrimSpace(line))
		return a == "y" || a == "yes", nil
	}
}

// revokeOutput writes the JSON object -F json asks for; text goes to stderr only.
func revokeOutput(env Env, o *revokeOpts, r token.Request, t gitlab.TokenInfo, already bool) error {
	if o.output != "json" {
		return nil
	}
	obj := map[string]any{"id": t.ID, "kind": r.Kind, "target": r.Target, "name": t.Name, "scopes": nonNilStrings(t.Scopes),
		"expires_at": nil, "revoked": t.Revoked, "already_revoked": already}
	if r.Kind == token.KindPersonal {
		obj["target"] = r.PersonalUser()
	}
	if !t.ExpiresAt.IsZero() {
		obj["expires_at"] = t.ExpiresAt.Format(token.DateLayout)
	}
	if r.Kind.HasRole() {
		obj["access_level"], obj["role"] = int(t.AccessLevel), t.AccessLevel.String()
	}
	enc := json.NewEncoder(env.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(obj)
}

func nonNilStrings(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

func revokeWhere(r token.Request) string {
	if r.Kind == token.KindPersonal {
		return ""
	}
	return " on " + r.Target
}

// revokeCommand is the command line that revokes token id of r, for
// messages; the person reading it is asked to confirm when they run it.
func revokeCommand(host string, r token.Request, id int64) string {
	return r.TokenCommandLine(host, "revoke", id)
}

// revokeOrphanCommand is the command line that revokes a token this run
// made and nobody received: the run already named it, so it confirms with
// --yes (and works from a script). --yes goes last, so that the line starts
// as every other revoke command does.
func revokeOrphanCommand(host string, r token.Request, id int64) string {
	return revokeCommand(host, r, id) + " --yes"
}
