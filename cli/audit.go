package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

type auditOpts struct {
	project, group, within, failOn, output string
	instance, progress, includeExpired     bool
	concurrency                            int
}

// auditFormats are the outputs of audit: a table for people, the rest for
// scripts, spreadsheets and Prometheus.
var auditFormats = []string{"text", "json", "csv", "openmetrics"}

// newAuditCommand finds every token of a project, a group (recursively) or
// the instance, judges each, and exits 6 when something needs attention.
func newAuditCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &auditOpts{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Find every token under a group (or a project, or the instance) and what needs doing about each",
		Long: `Audit the active access tokens of a project (--project), of a group with all
its subgroups and projects (--group), or, for administrators, of the whole
instance (--instance: every user's personal tokens too).

Each token is judged: expired, expiring within --within (default 30 days),
never used or unused for 90 days, broad (api or write scopes, Owner role),
without expiry. Each finding comes with the command that acts on it.

Exit codes, for cron and CI: 0 nothing needs attention; 6 a token expires
within the window or has a finding at or above --fail-on (expiry, unused,
no-expiry, broad; default expiry); 3 you may read no token at all; 1 the audit
failed or is incomplete; 130 interrupted (what was found so far is printed).

At most --concurrency requests are in flight; GitLab's rate limit is
honoured (a 429 pauses the audit for at most a minute at a time, said on the
progress line). Projects and groups whose tokens you may not read (that needs
Maintainer on a project, Owner on a group) are counted and named at the end.`,
		Example: `  gitlab-token-wizard audit --group acme
  gitlab-token-wizard audit --group acme -F json --within 14d
  gitlab-token-wizard audit --group acme -F openmetrics > /var/lib/node_exporter/gitlab_tokens.prom`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runAudit(ctx, env, g, o) },
	}
	f := cmd.Flags()
	projectFlag(f, &o.project, "audit one project")
	groupFlag(f, &o.group, "audit a group, its subgroups and all their projects")
	f.BoolVar(&o.instance, "instance", false, "audit the whole instance (administrators)")
	f.StringVar(&o.within, "within", "30d", "expiry window: days (30 or 30d), weeks (4w) or a date (YYYY-MM-DD)")
	f.StringVar(&o.failOn, "fail-on", "expiry", "exit 6 for findings at or above: expiry, unused, no-expiry, broad (or a finding's name: expired, never-used, …)")
	outputFlag(f, &o.output, auditFormats...)
	f.IntVar(&o.concurrency, "concurrency", gitlab.DefaultAuditConcurrency, "most requests in flight at once (1-64)")
	f.BoolVar(&o.progress, "progress", false, "show progress on stderr even when it is not a terminal")
	f.BoolVar(&o.includeExpired, "include-expired", false, "also list expired tokens (never revoked ones)")
	return cmd
}

// auditScope checks that exactly one of --project, --group, --instance was given.
func (o *auditOpts) scope() (string, error) {
	var given []string
	for _, c := range []struct {
		on   bool
		text string
	}{{o.project != "", "project " + o.project}, {o.group != "", "group " + o.group}, {o.instance, "the instance"}} {
		if c.on {
			given = append(given, c.text)
		}
	}
	if len(given) != 1 {
		return "", exitf(ExitInvalid, "say what to audit with exactly one of --project, --group or --instance (nothing was sent)")
	}
	return given[0], nil
}

// policy reads the thresholds from the flags.
func (o *auditOpts) policy(now time.Time) (token.AuditPolicy, error) {
	p := token.AuditPolicy{Now: now}
	var err error
	if p.FailOn, err = token.ParseLevel(o.failOn); err != nil {
		return p, exitf(ExitInvalid, "%v", err)
	}
	if p.WithinDays, err = parseWithin(o.within, now); err != nil {
		return p, exitf(ExitInvalid, "--within %q: %v", o.within, err)
	}
	return p, nil
}

// maxWithinDays bounds the window: far past any token's lifetime.
const maxWithinDays = 100000

// parseWithin reads the expiry window: a number of days (30 or 30d),
// weeks (4w) or years of 365 days (1y), 0 for "already expired" only, or
// the date up to which expiries count. It is not a token's lifetime, so
// none of token.ParseExpiry's lifetime rules (at least a day, at most a
// year) apply.
func parseWithin(s string, now time.Time) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	num, mult := t, 1
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'd':
			num = t[:n-1]
		case 'w':
			num, mult = t[:n-1], 7
		case 'y':
			num, mult = t[:n-1], 365
		}
	}
	if num != "" && len(num) <= 6 && strings.Trim(num, "0123456789") == "" {
		if n, _ := strconv.Atoi(num); n*mult <= maxWithinDays {
			return n * mult, nil
		}
		return 0, fmt.Errorf("at most %d days", maxWithinDays)
	}
	d, err := time.Parse(token.DateLayout, t)
	if err != nil {
		return 0, fmt.Errorf("use a number of days (30 or 30d; 0 for expired tokens only), weeks (4w), years (1y) or the last date to include (YYYY-MM-DD)")
	}
	if n := token.DaysUntil(d, now); n >= 0 {
		return n, nil
	}
	return 0, fmt.Errorf("the date is in the past: give the last day to include, or a number of days")
}

func runAudit(ctx context.Context, env Env, g *globalFlags, o *auditOpts) error {
	g.demoTokens = true // --demo: tokens to look after
	if g.demo && o.project == "" && o.group == "" && !o.instance {
		o.group = demoGroup
		fmt.Fprintf(env.Err, "DEMO: no --project, --group or --instance given: auditing --group %s.\n", demoGroup)
	}
	scope, err := o.scope()
	if err != nil {
		return err
	}
	if !slices.Contains(auditFormats, o.output) {
		return exitf(ExitInvalid, "--output %q: use %s", o.output, strings.Join(auditFormats, ", "))
	}
	if o.concurrency < 1 || o.concurrency > 64 {
		return exitf(ExitInvalid, "--concurrency %d: use 1 to 64 (default %d)", o.concurrency, gitlab.DefaultAuditConcurrency)
	}
	start := env.Now()
	policy, err := o.policy(start)
	if err != nil {
		return err
	}
	s, err := g.connect(ctx, env, true)
	if err != nil {
		return err
	}
	defer s.stop()
	s.sayDemo(env.Err)
	policy.Host = s.host
	if s.demo {
		policy.Host = token.DemoHost // the commands say --demo: the stand-in's address changes every run
	}
	prog := startProgress(env, o.progress || env.IsTerminal(env.Err))
	rep, err := s.client.Audit(ctx, gitlab.AuditOptions{Project: o.project, Group: o.group, Instance: o.instance,
		Concurrency: o.concurrency, IncludeExpired: o.includeExpired, Progress: prog.update, OnWait: prog.wait})
	prog.stop()
	if err != nil {
		return auditFailure(ctx, err)
	}
	judged := policy.JudgeAll(rep.Tokens)
	tally := token.Tally(judged)
	tally.Readable, tally.Unreadable, tally.Failed, tally.Interrupted = rep.Readable, rep.Unreadable, rep.Failed, rep.Interrupted
	a := auditView{scope: scope, host: s.host, policy: policy, rep: rep, judged: judged, tally: tally, took: env.Now().Sub(start), width: env.columns(env.Out)}
	if err := a.write(env.Out, o.output); err != nil {
		return err
	}
	if o.output == "csv" || o.output == "openmetrics" {
		if note := a.note(); note != "" {
			fmt.Fprintln(env.Err, note)
		}
	}
	return a.exit()
}

// exit maps the audit's outcome to its exit code; every code is in env.go.
func (a auditView) exit() error {
	t := a.tally
	switch t.Outcome() {
	case token.AuditInterrupted:
		return exitf(ExitInterrupted, "interrupted: the %d tokens above are what was found in %s before stopping", t.Tokens, a.walked())
	case token.AuditRefused:
		return exitf(ExitRefused, "you may not read the tokens of any of the %d projects and groups of %s: reading a project's tokens needs the Maintainer role, a group's the Owner role",
			t.Unreadable, a.scope)
	case token.AuditIncomplete:
		return exitf(ExitFailure, "the audit is incomplete: GitLab failed to list the tokens of %s (%v)", plural(t.Failed, "place"), a.rep.FailedExample)
	case token.AuditAttention:
		return &ExitError{Code: ExitAttention, Err: errQuiet}
	}
	return nil
}

// auditFailure maps an audit that could not run to its exit code: 3 when
// GitLab refused the caller or the credential, 1 when it failed (5xx, an
// odd answer, rate limits that never ended), as for any other failure.
func auditFailure(ctx context.Context, err error) error {
	e := apiExit(ctx, err)
	var ge *gitlab.Error
	var ee *ExitError
	if errors.As(err, &ge) && errors.As(e, &ee) && ee.Code == ExitRefused {
		switch ge.Code {
		case gitlab.CodeServer, gitlab.CodeInvalid, gitlab.CodeRateLimited:
			ee.Code = ExitFailure
		}
	}
	return e
}
