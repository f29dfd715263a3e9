package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/secretfile"
	"gitlab-token-wizard/token"
)

type createOpts struct {
	project     string
	group       string
	user        string
	revokeCred  bool
	name        string
	description string
	accessLevel string
	scopes      []string
	duration    string
	expiresAt   string
	output      string
	preset      string
	dryRun      bool
	noVerify    bool
	save        string
	showToken   bool
	maxLifetime int
	// A service account's token: the account, its name and email, and the
	// groups and projects it gets access to (--member-of, and --project,
	// repeatable then).
	serviceAccount, accountName, accountEmail string
	projects, memberOf                        []string
}

func newCreateCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &createOpts{}
	cmd := &cobra.Command{
		Use:   "create [NAME]",
		Short: "Create a project, group or personal access token from flags (for scripts)",
		Long: `Create an access token without questions: a project token (--project), a group
token (--group, needs Owner) or, for administrators, a personal token for a user
(--user USERNAME or --user @me; --project then names a project to verify it on).

Every choice of the wizard has a flag; what you leave out comes from --preset
(default jira-read: read_api, Reporter) and the expiry defaults to 30 days.
Everything is checked before anything is sent.

The token alone goes to stdout and everything else to stderr, so
T=$(gitlab-token-wizard create ...) works. When stdout is a terminal, say where
the token goes: --save FILE (mode 0600) or --show-token.

With -F json, stdout gets one object: id, kind, host, target, project or
group, name, description, scopes, access_level and role (project and group
tokens), expires_at, created_at, user_id, active, token (the value; token_file
instead with --save), verified and verification ([{check, ok, checked,
detail}]; checked is false for a check the network or GitLab kept from
being made).
With --dry-run -F json, the request that would be sent: dry_run (true),
method, url, headers (the credential as $GITLAB_TOKEN), body (GitLab's
fields), curl (the same request as a curl command), command (this create as
one line) and warnings. A service account's adds writes: every request in
the order it is sent, each {what, method, url, body, curl} (the account when
new, each membership, the token, which the top-level fields describe).

The credential comes from GITLAB_TOKEN (or GITLAB_ACCESS_TOKEN, OAUTH_TOKEN),
--token-stdin, glab's login, or --oauth-client-id; never from a flag.`,
		Example: `  GITLAB_TOKEN=... gitlab-token-wizard create --project acme/web "Jira integration"
  gitlab-token-wizard create --group acme --preset jira-read
  gitlab-token-wizard create --user jira-bot --project acme/web --duration 90d
  gitlab-token-wizard create -R acme/web --preset jira-write -D 90d -F json
  gitlab-token-wizard create --demo --project acme/web --dry-run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if o.name != "" && o.name != args[0] {
					return exitf(ExitInvalid, "the name was given twice (%q and --name %q): keep one", args[0], o.name)
				}
				o.name = args[0]
			}
			return runCreate(ctx, env, g, o)
		},
	}
	f := cmd.Flags()
	projectsFlag(f, &o.projects, "a project access token on this project (a personal token's project to verify on; with --service-account, repeatable: where the account gets access)")
	accountFlag(f, &o.serviceAccount, "NAME: a token of the group's service account NAME (created when the group has none by that name), with access to --group, or to each --member-of and --project")
	f.StringArrayVar(&o.memberOf, "member-of", nil, "with --service-account, repeatable: a group where the account gets access (every project in it); with --project too, each place given, and --group only when named here")
	f.StringVar(&o.accountName, "account-name", "", "display name of a new service account (default: NAME)")
	f.StringVar(&o.accountEmail, "account-email", "", "email of a new service account: a team address, which receives GitLab's expiry mail")
	groupFlag(f, &o.group, "group: full path or numeric id (a group access token; you need Owner)")
	userFlag(f, &o.user, "USERNAME or @me: a personal access token (administrators only, self-managed)")
	f.BoolVar(&o.revokeCred, "revoke-credential", false, "after success, revoke the personal token you signed in with (one made just for this)")
	f.StringVar(&o.name, "name", "", "token name (default from the preset: \"Jira integration\")")
	f.StringVar(&o.description, "description", "", "token description (at most 255 characters)")
	f.StringVarP(&o.accessLevel, "access-level", "A", "", "role: guest, planner, reporter, developer, maintainer, owner (or 10..50)")
	f.StringSliceVarP(&o.scopes, "scope", "S", nil, "scope, repeatable or comma-separated (read_api, api, read_repository, ...)")
	f.StringVarP(&o.duration, "duration", "D", "", "lifetime: 30d, 4w, 1y or 720h (default 30d)")
	f.StringVarP(&o.expiresAt, "expires-at", "E", "", "expiry date, YYYY-MM-DD (tokens expire at 00:00 UTC)")
	outputFlag(f, &o.output, "text", "json")
	f.StringVar(&o.preset, "preset", "jira-read", "purpose preset: jira-read, jira-write or custom")
	f.BoolVar(&o.dryRun, "dry-run", false, "check everything, send nothing that changes state, print the request as curl")
	f.BoolVar(&o.noVerify, "no-verify", false, "skip using the new token to prove it works")
	f.StringVar(&o.save, "save", "", "write the token to this new file (mode 0600) instead of stdout")
	f.BoolVar(&o.showToken, "show-token", false, "print the token even when stdout is a terminal (it then stays in the scrollback)")
	o.registerMaxLifetime(f)
	return cmd
}

// registerMaxLifetime adds --max-lifetime: what the instance allows, when
// the tool cannot read it (only administrators may) and it is not GitLab's
// default of 365 days.
func (o *createOpts) registerMaxLifetime(f *pflag.FlagSet) {
	f.IntVar(&o.maxLifetime, "max-lifetime", 0, "the instance's maximum token lifetime in days, when not GitLab's default of 365 (e.g. 400 with buffered expiry); administrators' instances report it themselves")
}

// request builds the token.Request from flags; explicit flags win over the preset.
func (o *createOpts) request(now time.Time) (token.Request, bool, error) {
	if len(o.projects) > 0 {
		o.project = o.projects[0]
	}
	r := token.Request{Kind: token.KindProject, Target: strings.TrimSpace(o.project), Name: o.name, Description: o.description}
	switch {
	case len(o.projects) > 1 && o.serviceAccount == "":
		return r, false, fmt.Errorf("--project given %d times: a project token is for one project (several only with --service-account)", len(o.projects))
	case len(o.memberOf) > 0 && o.serviceAccount == "":
		return r, false, fmt.Errorf("--member-of gives a service account access to a group: use it with --service-account (a group token is --group alone)")
	case o.serviceAccount != "":
		if err := o.serviceAccountRequest(&r); err != nil {
			return r, false, err
		}
	case o.group != "" && o.user != "":
		return r, false, fmt.Errorf("--group and --user both given: a token is for a group or for a user, pick one")
	case o.group != "" && o.project != "":
		return r, false, fmt.Errorf("--group and --project both given: a group token reaches every project of the group; drop --project")
	case o.group != "":
		r.Kind, r.Target = token.KindGroup, strings.TrimSpace(o.group)
	case o.user != "":
		r.Kind, r.Target, r.Repo = token.KindPersonal, strings.TrimSpace(o.user), strings.TrimSpace(o.project)
	}
	if o.accessLevel != "" && !r.Kind.HasRole() {
		return r, false, fmt.Errorf("--access-level: personal tokens have no role of their own (they act as their user): drop it")
	}
	if o.accessLevel != "" {
		role, err := token.ParseRole(o.accessLevel)
		if err != nil {
			return r, false, fmt.Errorf("--access-level: %w", err)
		}
		r.Role = role
	}
	r.Scopes = token.ParseScopes(o.scopes...)
	p, err := token.FindPreset(o.preset)
	if err != nil {
		return r, false, fmt.Errorf("--preset: %w", err)
	}
	p.Apply(&r)
	var defaulted bool
	r.ExpiresAt, defaulted, err = o.expiry(now)
	return r, defaulted, err
}

// expiry reads --duration or --expires-at; neither means the default of 30
// days (defaulted, so that it can be said aloud).
func (o *createOpts) expiry(now time.Time) (d time.Time, defaulted bool, err error) {
	switch {
	case o.duration != "" && o.expiresAt != "":
		return d, false, fmt.Errorf("--duration and --expires-at both given: keep one")
	case o.expiresAt != "":
		if d, err = token.ParseExpiry(o.expiresAt, now); err != nil {
			return d, false, fmt.Errorf("--expires-at: %w", err)
		}
	case o.duration != "":
		if d, err = token.ParseExpiry(o.duration, now); err != nil {
			return d, false, fmt.Errorf("--duration: %w", err)
		}
	default:
		return token.DefaultExpiry(now), true, nil
	}
	return d, false, nil
}

func invalid(err error) error { return invalidAs(err, flagFor) }

// invalidAs is invalid with the flag of each field named by names: the
// flag the user gave, so that a --duration too long is not blamed on
// --expires-at.
func invalidAs(err error, names func(token.Field) string) error {
	var ve *token.ValidationError
	if errors.As(err, &ve) {
		lines := []string{"nothing was sent, because:"}
		for _, p := range ve.Problems {
			lines = append(lines, fmt.Sprintf("  --%s: %s", names(p.Field), p.Message))
		}
		return &ExitError{Code: ExitInvalid, Err: errors.New(strings.Join(lines, "\n"))}
	}
	return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("%w (nothing was sent)", err)}
}

// flagFor names a request field's flag (without its dashes); the expiry's
// is --expires-at unless the caller knows the user gave --duration
// (createOpts.flagFor).
func flagFor(f token.Field) string {
	switch f {
	case token.FieldTarget:
		return "project, --group or --user"
	case token.FieldExpiry:
		return "expires-at"
	case token.FieldRole:
		return "access-level"
	case token.FieldScopes:
		return "scope"
	}
	return string(f)
}

// flagFor is flagFor for these flags: the expiry is blamed on the flag
// it came from, --duration or --expires-at (both, when the default was
// used).
func (o *createOpts) flagFor(f token.Field) string {
	if f == token.FieldExpiry {
		return o.expiryFlag()
	}
	return flagFor(f)
}

// expiryFlag is the flag the expiry came from, without its dashes.
func (o *createOpts) expiryFlag() string {
	switch {
	case o.duration != "":
		return "duration"
	case o.expiresAt != "":
		return "expires-at"
	}
	return "duration or --expires-at"
}

// apiExit maps an adapter error to an exit error.
func apiExit(ctx context.Context, err error) error {
	var ou *gitlab.OutcomeUnknownError
	var wu *gitlab.WriteUnknownError
	if errors.As(err, &ou) || errors.As(err, &wu) {
		// Never "nothing was created": only finding the write settles a lost answer.
		return &ExitError{Code: ExitUnknown, Err: err}
	}
	var partial *gitlab.PartialError
	if errors.As(err, &partial) && len(partial.Done) > 0 {
		// Something was written before the failure: not "nothing was changed".
		return &ExitError{Code: ExitFailure, Err: err}
	}
	var ge *gitlab.Error
	if errors.As(err, &ge) {
		switch ge.Code {
		case gitlab.CodeCanceled:
			return &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted")}
		case gitlab.CodeNetwork, gitlab.CodeTLS, gitlab.CodeServer, gitlab.CodeTooLarge, gitlab.CodeRedirect:
			// Not GitLab refusing: the way to it, or an answer that is not its.
			return &ExitError{Code: ExitFailure, Err: err}
		}
		msg := err.Error()
		if ge.ServerMessage != "" && !strings.Contains(msg, ge.ServerMessage) {
			msg += fmt.Sprintf(" (GitLab said: %s)", ge.ServerMessage)
		}
		return &ExitError{Code: ExitRefused, Err: errors.New(msg)}
	}
	if interrupted(ctx, err) {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted")}
	}
	return &ExitError{Code: ExitFailure, Err: err}
}

func runCreate(ctx context.Context, env Env, g *globalFlags, o *createOpts) error {
	now := env.Now()
	req, defaulted, err := o.request(now)
	if err != nil {
		return invalidAs(err, o.flagFor)
	}
	if err := req.Validate(token.Limits{MaxLifetimeDays: o.maxLifetime}, now); err != nil {
		return invalidAs(err, o.flagFor)
	}
	if err := o.checkDestination(env); err != nil {
		return err
	}
	s, err := g.connect(ctx, env, true)
	if err != nil {
		return err
	}
	defer s.stop()
	w := env.Err
	s.sayDemo(w)
	if err := accountHome(ctx, w, s, &req); err != nil {
		return err
	}
	facts, d, err := decide(ctx, w, s, &req, now, o.maxLifetime, o.flagFor)
	if err != nil {
		return err
	}
	pf := facts.Preflight
	if req.Kind == token.KindServiceAccount {
		if facts.AccountErr != nil {
			// Whether the account exists is not known: nothing is written.
			return apiExit(ctx, facts.AccountErr)
		}
		printServiceAccountPlan(w, req, facts, s.host, now, defaulted)
		if o.dryRun {
			if facts.Account != nil {
				req.UserID = facts.Account.ID // the token's url and curl name the account found, as its writes do
			}
			return o.printDryRun(env, req, s, d.Warnings, serviceAccountWrites(req, facts)...)
		}
		err := o.createServiceAccountToken(ctx, env, s, req, facts)
		o.afterCreate(ctx, w, s, pf, now, err)
		return err
	}
	printPlan(w, req, s.host, now, defaulted)
	if o.dryRun {
		return o.printDryRun(env, req, s, d.Warnings)
	}
	fmt.Fprintln(w, "Creating the token… (sent once; never retried on its own)")
	nt, err := s.client.CreateKnowing(ctx, req, facts.Existing)
	if err != nil {
		printOrphans(w, s.cmdHost(), req, err)
		return apiExit(ctx, err)
	}
	fmt.Fprintf(w, "Created %s access token %d %q (%s).\n", req.Kind, nt.ID, nt.Name, nt.Value.Masked())
	err = o.verifyAndDeliver(ctx, env, s, req, nt)
	o.afterCreate(ctx, w, s, pf, now, err)
	return err
}

// afterCreate deals with the sign-in credential once the token is out: it
// is revoked when asked only after the token was created and delivered
// (verified or not); after any other outcome it is kept, since the commands
// printed to clean up need it.
func (o *createOpts) afterCreate(ctx context.Context, w io.Writer, s *session, pf gitlab.Preflight, now time.Time, err error) {
	var ee *ExitError
	if err == nil || errors.As(err, &ee) && ee.Code == ExitUnverified {
		afterCreate(ctx, w, s, pf, o.revokeCred, now)
		return
	}
	if o.revokeCred {
		fmt.Fprintln(w, "note: the token you signed in with was kept (--revoke-credential), so that the commands above still work.")
	}
}

// printOrphans prints the exact command for each token a lost create or
// rotation may have left: one revoke (or rotate) line per candidate, and
// which one is ours only when that is known.
func printOrphans(w io.Writer, host string, req token.Request, err error) {
	var ou *gitlab.OutcomeUnknownError
	if !errors.As(err, &ou) {
		return
	}
	switch {
	case ou.Rotated && ou.Orphan != nil:
		fmt.Fprintf(w, "To get a value for the replacement: %s\n", rotateCommand(host, req, ou.Orphan.ID))
	case ou.Orphan != nil:
		fmt.Fprintf(w, "To revoke the orphaned token: %s\n", revokeOrphanCommand(host, req, ou.Orphan.ID))
	case len(ou.Candidates) > 1:
		fmt.Fprintln(w, "Tokens that appeared meanwhile (one may be this run's; check which one is in use before revoking):")
		for _, t := range ou.Candidates {
			fmt.Fprintf(w, "  %d, created %s: %s\n", t.ID, t.CreatedAt.UTC().Format(time.RFC3339), revokeCommand(host, req, t.ID))
		}
	}
}

// verifyAndDeliver proves the new token works (unless --no-verify), then
// delivers it. The token is delivered whatever happens in between: a crash
// while verifying still ends with the token in its place (invariant 3).
// Verification that fails gives ExitUnverified after delivery.
func (o *createOpts) verifyAndDeliver(ctx context.Context, env Env, s *session, req token.Request, nt *gitlab.NewToken) (err error) {
	delivered := false
	defer func() {
		if r := recover(); r != nil {
			if !delivered {
				delivered = true
				err = o.deliver(env, req, s, nt, nil)
			}
			panic(r)
		}
	}()
	var v *gitlab.Verification
	if !o.noVerify {
		vv := s.client.VerifyToken(context.WithoutCancel(ctx), nt.Value, req)
		v = &vv
		printVerification(env.Err, vv)
	}
	delivered = true
	if err := o.deliver(env, req, s, nt, v); err != nil {
		return err
	}
	if v != nil && !v.OK() {
		if problems := v.Problems(); len(problems) > 0 {
			return &ExitError{Code: ExitUnverified, Err: fmt.Errorf("token %d was created and delivered, but the new token failed verification: %s",
				nt.ID, strings.Join(problems, "; "))}
		}
		return &ExitError{Code: ExitUnverified, Err: fmt.Errorf("token %d was created and delivered, but it could not be verified (the network or GitLab failed; this says nothing about the token): %s",
			nt.ID, strings.Join(v.Unchecked(), "; "))}
	}
	return nil
}

// deliver puts the new token where the user asked: a new 0600 file
// (--save), else stdout, as text or in the JSON object. When the file
// cannot be written after the token was made, it goes to a new file beside
// it (or in a private temporary folder), never to a terminal; only when no
// file can be written at all does a pipe get it, and failing that the user
// is told to revoke it.
func (o *createOpts) deliver(env Env, req token.Request, s *session, nt *gitlab.NewToken, v *gitlab.Verification) error {
	// The revoke command says --demo on a demo run; the JSON's host is the address.
	revoke := revokeOrphanCommand(s.cmdHost(), req, nt.ID)
	saved := ""
	if o.save != "" {
		path, err := secretfile.WriteSomewhere(o.save, nt.Value)
		switch {
		case err != nil:
			fmt.Fprintf(env.Err, "warning: could not save the token to %s or to any new file (%v).\n", o.save, err)
		case path != o.save:
			fmt.Fprintf(env.Err, "warning: %s could not be written; the token is in %s instead (mode 0600).\n", o.save, path)
			saved = path
		default:
			fmt.Fprintf(env.Err, "Saved the token to %s (mode 0600).\n", path)
			saved = path
		}
		if saved == "" && env.IsTerminal(env.Out) {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("token %d was created but could not be saved, and stdout is a terminal where it would stay in the scrollback: revoke it with %s and try again",
				nt.ID, revoke)}
		}
	}
	switch {
	case o.output == "json":
		return writeJSON(env, req, s.host, nt, v, saved, revoke)
	case saved == "":
		return emitToken(env, nt.Value.Reveal(), nt, revoke)
	}
	return nil
}

// checkDestination makes sure, before anything is sent, that the new token
// has a place to go that is not a terminal's scrollback: a pipe, a new file
// (--save), or a terminal the user chose (--show-token).
func (o *createOpts) checkDestination(env Env) error {
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	if o.save != "" {
		if err := secretfile.Free(o.save); err != nil {
			return exitf(ExitInvalid, "--save %v (nothing was sent)", err)
		}
		return nil
	}
	if !o.dryRun && !o.showToken && env.IsTerminal(env.Out) {
		return exitf(ExitInvalid, "stdout is a terminal, so the token would stay in its scrollback (nothing was sent): "+
			"capture it (T=$(gitlab-token-wizard create ...)), write it to a file with --save FILE, pass --show-token to print it anyway, "+
			"or run the wizard (no arguments), which shows it masked")
	}
	return nil
}
