package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

type checkOpts struct {
	project, group string
	scopes         []string
	preset, output string
}

// newCheckCommand checks a token made elsewhere (GitLab's web form) the way
// the wizard checks a pasted one.
func newCheckCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &checkOpts{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a token made in GitLab's web form: active, scopes, expiry, can read the project",
		Long: `Check an access token that you (or a customer) created in GitLab's web form.
The token is read from the first line of stdin (on a terminal, a hidden
prompt), never from a flag, and it is the only credential used: GITLAB_TOKEN
and your sign-in play no part, and every problem found is the checked token's.

It reads its own record and what Jira will read: the project (--project), or
the group's projects (--group, for a group token), and its role there (for a
project or group token, its bot user's membership; GitLab lets read_api read
it). Each problem is named with its fix ("missing read_api", "expires in 3
days"), a token that can do more than the purpose needs gets the same
least-privilege warning create gives (an api token, or a Maintainer project
token, checked for jira-read), and one whose role is below what a purpose
that writes needs fails (a Reporter token checked for jira-write, which needs
Developer to create branches).

Without --project or --group the token's reach is not checked: the verdict
says so, and with -F json "not_checked" lists it. The checks and the verdict
go to stdout (to stderr with -F json). Exit 0 when every check made passes,
3 when the token fails one, 1 when a check could not be made because the
network or GitLab failed (a timeout, a 5xx): that says nothing about the
token, and its line is marked "----", not FAIL.

With -F json, stdout gets one object:
  ok             every check was made and passed (exit 0)
  ready          ok, and nothing was left unchecked
  preset         the purpose checked for (jira-read, jira-write, custom)
  host           the instance
  project, group what the token's reach was checked on, when given
  token          the token as GitLab reports it to its holder: id, name, scopes,
                 expires_at, active, revoked, user_id, last_used_at (RFC 3339,
                 or null when never used), and role and access_level where its
                 reach was checked (null elsewhere); null when GitLab refused it
  checks         [{check, ok, checked, detail}], one per check; checked is
                 false when the check could not be made (network, GitLab)
  warnings       least-privilege warnings, as create gives them
  not_checked    what was not checked, and the flag that checks it`,
		Example: `  gitlab-token-wizard check --host gitlab.example.com --project acme/web < token.txt
  pass jira/gitlab | gitlab-token-wizard check -R acme/web -F json
  gitlab-token-wizard check --demo -R acme/web`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(ctx, env, g, o)
		},
	}
	f := cmd.Flags()
	projectFlag(f, &o.project, "project the token must be able to read")
	groupFlag(f, &o.group, "group whose projects a group token must be able to list")
	f.StringSliceVarP(&o.scopes, "scope", "S", nil, "scopes the token must carry (default from --preset)")
	f.StringVar(&o.preset, "preset", "jira-read", "purpose preset: jira-read (read_api), jira-write (api) or custom (with --scope)")
	outputFlag(f, &o.output, "text", "json")
	return cmd
}

func runCheck(ctx context.Context, env Env, g *globalFlags, o *checkOpts) error {
	g.demoTokens = true // --demo: tokens to look after
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	// check signs in with nothing but the token under check, which it reads
	// from stdin itself: a sign-in flag would make it check the wrong token.
	if g.tokenStdin || g.oauthID != "" {
		flag := "--token-stdin"
		if g.oauthID != "" {
			flag = "--oauth-client-id"
		}
		return exitf(ExitInvalid, "check takes no sign-in (%s): it reads the token to check from stdin and uses only that token; pipe that token alone (nothing was sent)", flag)
	}
	p, err := token.FindPreset(o.preset)
	if err != nil {
		return invalid(fmt.Errorf("--preset: %w", err))
	}
	var noUser string
	g.demoTarget(env, &o.project, &o.group, &noUser)
	want := token.Request{Kind: token.KindPersonal, Scopes: token.ParseScopes(o.scopes...), Repo: strings.TrimSpace(o.project)}
	if o.group != "" {
		if o.project != "" {
			return invalid(errors.New("--project and --group both given: check a group token with --group, any other with --project"))
		}
		want = token.Request{Kind: token.KindGroup, Target: strings.TrimSpace(o.group), Scopes: want.Scopes}
	}
	p.Apply(&want)
	want.ExpiresAt = token.DefaultExpiry(env.Now())
	host := firstNonEmpty(g.host, env.Getenv("GITLAB_HOST"), "https://gitlab.com")
	if g.demo {
		url, stop, err := g.startDemo()
		if err != nil {
			return err
		}
		defer stop()
		host = url
	}
	value, err := readChecked(ctx, env, g.demo)
	if err != nil {
		return err
	}
	// The checked token is this client's only credential: nothing here
	// can blame the caller's own sign-in.
	c, err := g.newClient(env, host, value, "the checked token")
	if err != nil {
		return exitf(ExitInvalid, "%v", err)
	}
	v := c.CheckToken(ctx, value, want)
	res := judgeChecked(p, want, &v)
	// The verdict is the result: on stdout, unless JSON holds that.
	out := env.Out
	if o.output == "json" {
		out = env.Err
		if err := checkJSON(env.Out, c.BaseURL(), p, o, v, res); err != nil {
			return err
		}
	}
	printChecks(out, "Checks of the token:", v)
	for _, w := range res.warnings {
		fmt.Fprintf(out, "warning: %s\n", w)
	}
	return checkVerdict(out, p, v, res)
}

// checkVerdict says what the checks add up to, and exits accordingly: 3
// when the token failed a check, 1 when checks could not be made because
// the network or GitLab failed (which says nothing about the token), 0
// otherwise — with what was not checked said aloud.
func checkVerdict(out io.Writer, p token.Preset, v gitlab.Verification, res checkResult) error {
	problems, unchecked := v.Problems(), v.Unchecked()
	switch {
	case len(problems) > 0:
		more := ""
		if len(unchecked) > 0 {
			more = fmt.Sprintf(" (and %d check(s) could not be made: the network or GitLab failed)", len(unchecked))
		}
		return exitf(ExitRefused, "the checked token is not ready for %s: %s%s", p.ID, strings.Join(problems, "; "), more)
	case len(unchecked) > 0:
		return exitf(ExitFailure, "the token could not be checked (the network or GitLab failed; this says nothing about the token): %s", strings.Join(unchecked, "; "))
	case len(res.notChecked) > 0:
		fmt.Fprintf(out, "The token passed every check made, but not everything was checked: %s.\n", strings.Join(res.notChecked, "; "))
	case len(res.warnings) > 0:
		fmt.Fprintln(out, "The token works, with the warnings above: consider a narrower one; otherwise paste it into the Jira app and press Test connection.")
	default:
		fmt.Fprintln(out, "The token is ready: paste it into the Jira app and press Test connection.")
	}
	return nil
}

// readChecked reads the token to check: a hidden prompt on a terminal, else
// the first line of stdin. On the demo, with nothing given, it is the
// stand-in's own Jira token.
func readChecked(ctx context.Context, env Env, demo bool) (token.Secret, error) {
	var value token.Secret
	switch {
	case demo && env.IsTerminal(env.In):
	case env.IsTerminal(env.In):
		v, err := newPrompter(ctx, env).secret("Paste the token to check (it is not shown):")
		if err != nil {
			return "", &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted: no token was checked")}
		}
		value = v
	default:
		line, err := readLine(env.In)
		if err != nil && !errors.Is(err, io.EOF) {
			return "", exitf(ExitFailure, "read the token from stdin: %v", err)
		}
		value = token.Secret(strings.TrimSpace(line))
	}
	if value == "" && demo {
		fmt.Fprintln(env.Err, `DEMO: checking alice's "Jira (personal)" token on the built-in GitLab stand-in (pipe another token in to check that one).`)
		value = fake.DemoJiraToken
	}
	if value == "" {
		return "", exitf(ExitInvalid, "no token on stdin: paste it into a file and run `gitlab-token-wizard check --project GROUP/PROJECT < file`")
	}
	return value, nil
}

// checkResult is what check concludes beyond the verification's lines.
type checkResult struct {
	// warnings are create's least-privilege warnings, for the scopes the
	// token really has.
	warnings []string
	// notChecked says what was not checked and which flag checks it.
	notChecked []string
}

// judgeChecked holds the token GitLab described to the purpose, as create
// holds a request: a token that can do more than the purpose needs — a
// scope, or a project or group token's role — gets the same warning, and a
// role below what a purpose that writes needs fails a check ("role on P").
// A bot user is behind a project or group token, whose role is its own; a
// person's personal token acts with the person's role, which create does
// not judge either.
func judgeChecked(p token.Preset, want token.Request, v *gitlab.Verification) checkResult {
	var res checkResult
	if want.VerifyRepo() == "" && want.Kind != token.KindGroup {
		res.notChecked = append(res.notChecked,
			"whether it can read the project Jira will read, and its role there (give --project GROUP/PROJECT, or --group GROUP for a group token)")
	}
	if v.Self == nil {
		return res
	}
	got := token.Request{Kind: token.KindPersonal, Scopes: token.ParseScopes(v.Self.Scopes...)}
	if v.RoleOn != "" {
		got.Role = v.Role
		whose := "its user's role"
		if v.User != nil && v.User.Bot {
			got.Kind, whose = token.KindProject, "the token's role (its bot user's)"
			if want.Kind == token.KindGroup {
				got.Kind = token.KindGroup
			}
		}
		check := gitlab.Check{Name: "role on " + v.RoleOn, OK: true, Detail: token.RoleOrNone(v.Role) + ", " + whose}
		if why := p.Shortfall(v.Role); why != "" && (v.User == nil || !v.User.IsAdmin) {
			check.OK, check.Detail, check.Problem = false, why, token.ProblemUnfit
		}
		v.Checks = append(v.Checks, check)
	}
	res.warnings = p.Advice(got)
	return res
}

// checkJSON writes check's one object; the token's value is never in it.
func checkJSON(w io.Writer, host string, p token.Preset, o *checkOpts, v gitlab.Verification, res checkResult) error {
	obj := map[string]any{"ok": v.OK(), "ready": v.OK() && len(res.notChecked) == 0, "preset": p.ID, "host": host,
		"token": nil, "checks": jsonChecks(v), "warnings": nonNilStrings(res.warnings), "not_checked": nonNilStrings(res.notChecked)}
	if o.project != "" {
		obj["project"] = strings.TrimSpace(o.project)
	}
	if o.group != "" {
		obj["group"] = strings.TrimSpace(o.group)
	}
	if t := v.Self; t != nil {
		tok := map[string]any{"id": t.ID, "name": t.Name, "scopes": nonNilStrings(t.Scopes), "expires_at": nil,
			"active": t.Active, "revoked": t.Revoked, "user_id": t.UserID, "last_used_at": nil, "role": nil, "access_level": nil}
		if v.RoleOn != "" {
			tok["role"], tok["access_level"] = v.Role.String(), int(v.Role)
		}
		if !t.ExpiresAt.IsZero() {
			tok["expires_at"] = t.ExpiresAt.Format(token.DateLayout)
		}
		if !t.LastUsedAt.IsZero() {
			tok["last_used_at"] = t.LastUsedAt.Format(time.RFC3339)
		}
		obj["token"] = tok
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(obj)
}
