package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// newRotateCommand renews a project or group token before it expires: GitLab
// revokes the old one and returns a new value, with the same name, role and
// scopes.
func newRotateCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &createOpts{}
	var group, user string
	cmd := &cobra.Command{
		Use:   "rotate TOKEN_ID",
		Short: "Renew a project, group or personal token: a new value and expiry, the old one revoked",
		Long: `Rotate a project (--project), group (--group) or personal (--user) access token:
GitLab revokes it and returns a replacement with the same name, role and scopes
and the expiry you choose (default 30 days). Update the Jira app with the new
value right away. Your own personal tokens are yours to rotate (--user @me);
another user's, an administrator's.

Everything GitLab would refuse is checked first: your role (Maintainer for a
project, Owner for a group; for a personal token, being its user or an
administrator), a token that is already revoked, a token whose role you could
not grant, the new expiry. The request is sent once and never retried; if the
answer is lost, the old token is read back to tell what happened. The new
value goes to stdout, to --save FILE (0600), or to a terminal only with
--show-token. Rotating the token you signed in with is said aloud: it stops
working at once, and the new value is the one to sign in with.

With -F json, stdout gets one object with the replacement, as create writes
it: id, kind, host, target, project or group, name, scopes, access_level,
role, expires_at, created_at, user_id, active, token (or token_file with
--save), verified and verification.`,
		Example: `  gitlab-token-wizard list --project acme/web
  T=$(gitlab-token-wizard rotate --project acme/web 58 --duration 90d)
  gitlab-token-wizard rotate --user @me 15 --save jira-token.txt
  gitlab-token-wizard rotate --demo -R acme/web 7 -F json`,
		Args: tokenIDArg(env, g, "rotate", "renew"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRotate(ctx, env, g, o, group, user, args[0])
		},
	}
	f := cmd.Flags()
	projectFlag(f, &o.project, "the project the token belongs to")
	groupFlag(f, &group, "the group the token belongs to")
	userFlag(f, &user, "USERNAME or @me: a personal token (your own; another user's: administrators)")
	accountFlag(f, &o.serviceAccount, "NAME or ID: a token of the group's service account (with --group)")
	f.StringVarP(&o.duration, "duration", "D", "", "new lifetime: 30d, 4w, 1y (default 30d)")
	f.StringVarP(&o.expiresAt, "expires-at", "E", "", "new expiry date, YYYY-MM-DD")
	outputFlag(f, &o.output, "text", "json")
	f.StringVar(&o.save, "save", "", "write the new token to this new file (mode 0600) instead of stdout")
	f.BoolVar(&o.showToken, "show-token", false, "print the new token even when stdout is a terminal")
	f.BoolVar(&o.noVerify, "no-verify", false, "skip using the new token to prove it works")
	o.registerMaxLifetime(f)
	return cmd
}

// tokenIDArg requires exactly one argument, the token's id, and says what
// it is and where to find it instead of cobra's bare count.
func tokenIDArg(env Env, g *globalFlags, verb, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return exitf(ExitInvalid, "%s needs the id of the token to %s: %s shows the ids", verb, what, listHint(env, g, cmd))
		case len(args) > 1:
			return exitf(ExitInvalid, "%s takes one token id, got %d: %s", verb, len(args), strings.Join(args, " "))
		}
		return nil
	}
}

// listHint is the list command that shows the ids of the tokens a rotate
// or revoke command line names: its target, --demo or --host as given; a
// placeholder target when it names none.
func listHint(env Env, g *globalFlags, cmd *cobra.Command) string {
	get := func(name string) string { v, _ := cmd.Flags().GetString(name); return strings.TrimSpace(v) }
	project, group, user := get("project"), get("group"), get("user")
	host := firstNonEmpty(g.host, env.Getenv("GITLAB_HOST"))
	if g.demo {
		host = token.DemoHost
		if project == "" && group == "" && user == "" {
			project = demoProject
		}
	}
	r, err := whose(project, group, user)
	if err == nil {
		r, err = withAccount(r, get("service-account"))
	}
	if err != nil {
		return "`" + listCommand(host, token.Request{Kind: token.KindProject, Target: "GROUP/PROJECT"}) + "` (or --group, --user)"
	}
	return "`" + listCommand(host, r) + "`"
}

func runRotate(ctx context.Context, env Env, g *globalFlags, o *createOpts, group, user, idText string) error {
	g.demoTokens = true // --demo: tokens to look after
	id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
	if err != nil || id <= 0 {
		return exitf(ExitInvalid, "%q is not a token id: give the number `list` shows (nothing was sent)", idText)
	}
	g.demoTarget(env, &o.project, &group, &user)
	r, err := whoseAccount(o.project, group, user, o.serviceAccount)
	if err != nil {
		return err
	}
	now := env.Now()
	if r.ExpiresAt, _, err = o.expiry(now); err != nil {
		return invalid(err)
	}
	if err := token.ValidateExpiry(r.ExpiresAt, now, 0); err != nil {
		return invalid(fmt.Errorf("--%s: %w", o.expiryFlag(), err))
	}
	if err := o.checkDestination(env); err != nil {
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
	old, notes, version, err := checkRotate(ctx, s, r, id, now, o)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(env.Err, "note:", n)
	}
	asked := r.ExpiresAt
	r.ExpiresAt = token.RotatedExpiry(r.Kind, version, asked, now) // what GitLab will set, and the verification expects
	name := ""
	if old.Name != "" {
		name = fmt.Sprintf(" %q", old.Name)
	}
	fmt.Fprintf(env.Err, "Rotating %s access token %d%s%s; new expiry %s… (sent once; never retried on its own)\n",
		r.Kind, id, name, revokeWhere(r), token.DescribeExpiry(r.ExpiresAt, now))
	nt, err := s.client.RotateKnown(ctx, r, old, asked)
	if err != nil {
		printOrphans(env.Err, s.cmdHost(), r, err)
		return apiExit(ctx, err)
	}
	fmt.Fprintf(env.Err, "Rotated: token %d is revoked; its replacement is %d %q (%s). Put the new value into the Jira app now.\n",
		id, nt.ID, nt.Name, nt.Value.Masked())
	r.Name, r.Scopes, r.Role = nt.Name, token.ParseScopes(nt.Scopes...), nt.AccessLevel
	return o.verifyAndDeliver(ctx, env, s, r, nt)
}

// checkRotate reads what a rotation depends on in one round and refuses,
// before anything is sent, what GitLab would refuse (token.CheckRotate): the
// caller's rights first, then an unknown id (pointing at list), a revoked
// token (naming its replacement), a role the caller could not grant, the
// expiry.
func checkRotate(ctx context.Context, s *session, r token.Request, id int64, now time.Time, o *createOpts) (gitlab.TokenInfo, []string, string, error) {
	g, old, terr, err := s.client.GatherToken(ctx, r, id)
	version := g.Facts().Version
	if err != nil {
		return old, nil, version, apiExit(ctx, err)
	}
	if err := g.Facts().CredentialProblem(now, "rotating"); err != nil {
		return old, nil, version, refused(s, g, r, err)
	}
	if r.Kind == token.KindPersonal {
		// Rights, an unknown id and someone else's token, as revoke judges them.
		if err := checkPersonal(ctx, s, r, g, old, terr, id, "rotate"); err != nil {
			return old, nil, version, err
		}
	}
	var early []string
	if terr != nil && r.Kind == token.KindServiceAccount && token.VersionBefore(version, token.ServiceAccountTokensSince) {
		// The rotate endpoint (16.1) is older than the one that reads a
		// service account's tokens (17.11): rotate unread; GitLab itself
		// refuses a revoked or unknown token.
		old, terr = gitlab.TokenInfo{ID: id, Active: true}, nil
		early = append(early, fmt.Sprintf("GitLab %s cannot read a service account's tokens (17.11 and later can): token %d is rotated without being checked first, and GitLab refuses it if it is revoked or not this account's", version, id))
	}
	if terr != nil && g.Role >= r.Kind.CallerNeeds() || terr != nil && (g.Preflight.User.IsAdmin || g.CustomRole) {
		return old, nil, version, unknownToken(ctx, s, r, id, terr)
	}
	notes, err := token.CheckRotate(r.Kind, g.Facts(), token.Existing{ID: old.ID, Name: old.Name, Revoked: old.Revoked, Active: old.Active,
		ExpiresAt: old.ExpiresAt, Role: old.AccessLevel}, r.ExpiresAt, now, o.maxLifetime)
	var rf *token.Refusal
	if errors.As(err, &rf) && rf.Reason == token.ReasonRevoked {
		return old, nil, version, exitf(ExitRefused, "%s (nothing was sent)%s", rf.Message, replacementHint(ctx, s, r, old))
	}
	if err != nil {
		return old, nil, version, refusedAs(s, g, r, err, o.flagFor)
	}
	if signedInWith(g, r, old.ID) {
		notes = append(notes, fmt.Sprintf("token %d is the one you signed in with (%s): it stops working once rotated, so sign in with its replacement from now on",
			old.ID, s.source))
	}
	return old, append(early, notes...), version, nil
}

// signedInWith reports whether token id of r is the personal token the
// caller signed in with: rotating or revoking it ends this sign-in.
func signedInWith(g gitlab.Gathered, r token.Request, id int64) bool {
	pf := g.Preflight
	return r.Kind == token.KindPersonal && !pf.OAuth && pf.Self.ID == id && id != 0
}

// replacementHint names the token that most likely replaced a rotated one:
// the newest active token with its name, made after it.
func replacementHint(ctx context.Context, s *session, r token.Request, old gitlab.TokenInfo) string {
	ts, err := s.client.ListTokens(ctx, r, old.Name)
	if err != nil {
		return ""
	}
	var best *gitlab.TokenInfo
	for i, t := range ts {
		if t.Name == old.Name && t.ID != old.ID && t.CreatedAt.After(old.CreatedAt) && (best == nil || t.ID > best.ID) {
			best = &ts[i]
		}
	}
	if best == nil {
		return ""
	}
	return fmt.Sprintf(".\n  Its replacement is probably %d %q (created %s); to renew that one: %s",
		best.ID, best.Name, best.CreatedAt.Format(token.DateLayout), rotateCommand(s.cmdHost(), r, best.ID))
}

// unknownToken explains a token that could not be read: an unknown id
// points at list.
func unknownToken(ctx context.Context, s *session, r token.Request, id int64, err error) error {
	var ge *gitlab.Error
	if errors.As(err, &ge) && ge.Code == gitlab.CodeNotFound {
		return exitf(ExitRefused, "there is no %s access token %d%s (nothing was sent): %s shows the ids",
			r.Kind, id, revokeWhere(r), listCommand(s.cmdHost(), r))
	}
	return apiExit(ctx, err)
}

// listCommand is the command line that lists r's tokens.
func listCommand(host string, r token.Request) string {
	return strings.TrimSuffix(r.TokenCommandLine(host, "list", 0), " 0")
}

// rotateCommand is the command line that rotates token id of r, for messages.
func rotateCommand(host string, r token.Request, id int64) string {
	return r.TokenCommandLine(host, "rotate", id)
}
