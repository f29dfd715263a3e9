package cli

// Shell completion of flag values: the fixed ones (presets, roles, scopes
// for the kind, outputs) from the catalogue in package token, and, where a
// credential is at hand without asking for one, projects, groups, users and
// token ids from GitLab — a few, quickly, or nothing.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

const (
	// completionLimit bounds what one completion asks GitLab for: a shell
	// shows a screenful, and a search narrows it.
	completionLimit = 20
	// completionTimeout bounds the wait: a shell that hangs on Tab is worse
	// than one that completes nothing.
	completionTimeout = 2 * time.Second
)

// registerCompletions gives every flag of cmd that takes a known kind of
// value its completion, and rotate's and revoke's argument the token ids.
func registerCompletions(ctx context.Context, env Env, g *globalFlags, cmd *cobra.Command) {
	fixed := map[string][]string{
		"preset":       presetValues(),
		"access-level": roleValues(),
		"fail-on":      {"expiry\texpired or expiring within --within", "unused\talso tokens unused for 90 days", "no-expiry\talso tokens without expiry", "broad\tany finding"},
		"duration":     {"30d", "90d", "180d", "1y"},
		"within":       {"7d", "14d", "30d", "60d"},
		"output":       {"text", "json"},
	}
	if cmd.Name() == "audit" {
		fixed["output"] = auditFormats
	}
	// The role a caller needs for the command's projects and groups.
	min := token.RoleMaintainer
	if cmd.Name() == "check" {
		min = token.RoleReporter
	}
	live := map[string]cobra.CompletionFunc{
		"project": g.completeProjects(ctx, env, min),
		"repo":    g.completeProjects(ctx, env, min),
		"group":   g.completeGroups(ctx, env),
		"user":    g.completeUsers(ctx, env),
		"scope":   completeScopes,
	}
	f := cmd.Flags()
	for name, values := range fixed {
		if f.Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	for name, fn := range live {
		if f.Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, fn)
		}
	}
	for _, name := range []string{"name", "description", "expires-at", "max-lifetime", "concurrency"} {
		if f.Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
		}
	}
	switch cmd.Name() {
	case "rotate", "revoke":
		cmd.ValidArgsFunction = g.completeTokenIDs(ctx, env)
	case "create":
		cmd.ValidArgsFunction = cobra.NoFileCompletions
	}
}

func presetValues() []string {
	var out []string
	for _, p := range token.Presets {
		out = append(out, p.ID+"\t"+p.Summary)
	}
	return out
}

func roleValues() []string {
	var out []string
	for _, r := range token.Roles {
		out = append(out, r.String()+"\t"+r.Meaning())
	}
	return out
}

// completeScopes offers the scopes the command's token kind may carry
// (--group: a group token's; --user: a personal token's, administrators'
// scopes included), after the ones already typed in a comma-separated list.
func completeScopes(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	kind, admin := token.KindProject, false
	switch {
	case flagSet(cmd, "group"):
		kind = token.KindGroup
	case flagSet(cmd, "user"):
		kind, admin = token.KindPersonal, true
	case cmd.Name() == "check":
		kind = token.KindPersonal
	}
	done, prefix := "", toComplete
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		done, prefix = toComplete[:i+1], toComplete[i+1:]
	}
	typed := map[string]bool{}
	for _, s := range strings.Split(done, ",") {
		typed[strings.TrimSpace(s)] = true
	}
	var out []string
	for _, s := range token.ScopesFor(kind, admin) {
		if name := string(s.Scope); !typed[name] && strings.HasPrefix(name, prefix) {
			out = append(out, done+name+"\t"+s.Meaning)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func flagSet(cmd *cobra.Command, name string) bool {
	f := cmd.Flags().Lookup(name)
	return f != nil && f.Changed
}

// completionClient is a client for completion, when a credential is at
// hand without asking: --demo's stand-in, GITLAB_TOKEN (or its
// alternatives), or glab's login. Never stdin (it is the shell's), never a
// prompt or a browser, never a word on stderr. It returns nil without one.
func (g *globalFlags) completionClient(env Env) (*gitlab.Client, func()) {
	stop := func() {}
	host := firstNonEmpty(g.host, env.Getenv("GITLAB_HOST"))
	cred, _, _ := credential(env, false)
	oauth := false
	switch {
	case g.demo:
		g.demoTokens = true
		url, s, err := g.startDemo()
		if err != nil {
			return nil, stop
		}
		host, cred, stop = url, fake.MaintainerToken, s
	case cred == "":
		login, _ := glabCredential(env, host)
		if login == nil {
			return nil, stop
		}
		host, cred, oauth = login.host, login.cred, login.oauth
	}
	env.scrub.Add(cred.Reveal())
	c, err := gitlab.New(gitlab.Options{Host: firstNonEmpty(host, "https://gitlab.com"), Token: cred, OAuth: oauth, Timeout: completionTimeout,
		CAFile: g.caFile, AllowHTTP: g.allowHTTP, UserAgent: "gitlab-token-wizard/" + Version, Now: env.Now,
		Proxy: gitlab.ProxyFromEnv(env.Getenv), Scrub: env.scrub, GitLabCom: g.gitlabCom})
	if err != nil {
		stop()
		return nil, func() {}
	}
	return c, stop
}

// completeLive runs one bounded look-up for a completion; any failure
// completes nothing (a shell has nowhere to show an error).
func (g *globalFlags) completeLive(ctx context.Context, env Env, find func(context.Context, *gitlab.Client, *cobra.Command, string) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, stop := g.completionClient(env)
		defer stop()
		if c == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cctx, cancel := context.WithTimeout(ctx, completionTimeout)
		defer cancel()
		return find(cctx, c, cmd, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func (g *globalFlags) completeProjects(ctx context.Context, env Env, min token.Role) cobra.CompletionFunc {
	return g.completeLive(ctx, env, func(ctx context.Context, c *gitlab.Client, _ *cobra.Command, q string) []string {
		ps, err := c.SearchProjects(ctx, q, completionLimit, min)
		if err != nil {
			return nil
		}
		out := make([]string, 0, len(ps))
		for _, p := range ps {
			out = append(out, p.Path+"\t"+p.Name)
		}
		return out
	})
}

func (g *globalFlags) completeGroups(ctx context.Context, env Env) cobra.CompletionFunc {
	return g.completeLive(ctx, env, func(ctx context.Context, c *gitlab.Client, _ *cobra.Command, q string) []string {
		gs, err := c.SearchGroups(ctx, q, completionLimit, false)
		if err != nil {
			return nil
		}
		out := make([]string, 0, len(gs))
		for _, p := range gs {
			out = append(out, fmt.Sprintf("%s\t%s (you: %s)", p.Path, p.Name, p.Role.Title()))
		}
		return out
	})
}

func (g *globalFlags) completeUsers(ctx context.Context, env Env) cobra.CompletionFunc {
	return g.completeLive(ctx, env, func(ctx context.Context, c *gitlab.Client, _ *cobra.Command, q string) []string {
		out := []string{"@me\tyourself"}
		us, err := c.SearchUsers(ctx, strings.TrimPrefix(q, "@"), completionLimit)
		if err != nil {
			return out
		}
		for _, u := range us {
			out = append(out, u.Username+"\t"+u.Name)
		}
		return out
	})
}

// completeTokenIDs offers the active tokens of the project, group or user
// already named on the command line, newest first, with name and expiry.
func (g *globalFlags) completeTokenIDs(ctx context.Context, env Env) cobra.CompletionFunc {
	find := g.completeLive(ctx, env, func(ctx context.Context, c *gitlab.Client, cmd *cobra.Command, _ string) []string {
		get := func(name string) string {
			if f := cmd.Flags().Lookup(name); f != nil {
				return f.Value.String()
			}
			return ""
		}
		r, err := whose(get("project"), get("group"), get("user"))
		if err != nil {
			return nil
		}
		ts, err := c.List(ctx, r, gitlab.ListQuery{})
		if err != nil {
			return nil
		}
		var out []string
		for i := len(ts) - 1; i >= 0 && len(out) < completionLimit; i-- {
			t := ts[i]
			exp := "no expiry"
			if !t.ExpiresAt.IsZero() {
				exp = "expires " + t.ExpiresAt.Format(token.DateLayout)
			}
			out = append(out, fmt.Sprintf("%d\t%s (%s)", t.ID, t.Name, exp))
		}
		return out
	})
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return find(cmd, args, toComplete)
	}
}
