package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/token"
)

type checkOpts struct {
	project string
	scopes  []string
	preset  string
}

// newCheckCommand checks a token made elsewhere (GitLab's web form) the way
// the wizard checks a pasted one.
func newCheckCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &checkOpts{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a token made in GitLab's web form: active, scopes, expiry, can read the project",
		Long: `Check an access token that you (or a customer) created in GitLab's web form.
The token is read from the first line of stdin, never from a flag. It is used
to read its own record and the project Jira will read; each problem is named
with its fix ("missing read_api", "expires in 3 days"). Exit 0 when every check
passes, 3 when one fails.`,
		Example: `  gitlab-token-wizard check --host gitlab.example.com --project acme/web < token.txt`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(ctx, env, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.project, "project", "R", "", "project the token must be able to read (group/project)")
	f.StringSliceVarP(&o.scopes, "scope", "S", nil, "scopes the token must carry (default from --preset)")
	f.StringVar(&o.preset, "preset", "jira-read", "purpose preset: jira-read (read_api) or jira-write (api)")
	return cmd
}

func runCheck(ctx context.Context, env Env, g *globalFlags, o *checkOpts) error {
	line, err := bufio.NewReader(env.In).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return exitf(ExitFailure, "read the token from stdin: %v", err)
	}
	value := token.Secret(strings.TrimSpace(line))
	if value == "" {
		return exitf(ExitInvalid, "no token on stdin: paste it into a file and run `gitlab-token-wizard check --project GROUP/PROJECT < file`")
	}
	p, err := token.FindPreset(o.preset)
	if err != nil {
		return invalid(fmt.Errorf("--preset: %w", err))
	}
	want := token.Request{Kind: token.KindPersonal, Scopes: token.ParseScopes(o.scopes...), Repo: strings.TrimSpace(o.project)}
	p.Apply(&want)
	want.ExpiresAt = token.DefaultExpiry(env.Now())
	host := firstNonEmpty(g.host, env.Getenv("GITLAB_HOST"), "https://gitlab.com")
	c, err := g.newClient(env, host, value)
	if err != nil {
		return exitf(ExitInvalid, "%v", err)
	}
	v := c.CheckPastedToken(ctx, value, want, 0)
	printVerification(env.Err, v)
	if !v.OK() {
		return exitf(ExitRefused, "the token is not ready for %s: %s", p.ID, strings.Join(v.Problems(), "; "))
	}
	fmt.Fprintln(env.Err, "The token is ready: paste it into the Jira app and press Test connection.")
	return nil
}
