package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// globalFlags are shared by every command.
type globalFlags struct {
	host       string
	tokenStdin bool
	demo       bool
	caFile     string
	allowHTTP  bool
	timeout    time.Duration
}

func (g *globalFlags) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&g.host, "host", "", "GitLab instance: gitlab.com or https://gitlab.example.com (env GITLAB_HOST)")
	f.BoolVar(&g.tokenStdin, "token-stdin", false, "read your credential from the first line of stdin (else GITLAB_TOKEN)")
	f.BoolVar(&g.demo, "demo", false, "run against a built-in GitLab stand-in, signed in as a maintainer")
	f.StringVar(&g.caFile, "ca-file", "", "PEM file of an extra certificate authority to trust (self-managed instances)")
	f.BoolVar(&g.allowHTTP, "allow-http", false, "allow plain http:// to a host that is not this machine")
	f.DurationVar(&g.timeout, "timeout", 30*time.Second, "time limit for each request to GitLab")
}

// session is a connected caller: the client plus how it was made.
type session struct {
	client *gitlab.Client
	host   string
	demo   bool
	stop   func()
}

// connect builds a client from flags and environment. With --demo it starts
// the stand-in on loopback and signs in as its maintainer.
func (g *globalFlags) connect(env Env, requireCred bool) (*session, error) {
	s := &session{stop: func() {}}
	var cred token.Secret
	if g.demo {
		_, ts, err := fake.Start("demo")
		if err != nil {
			return nil, err
		}
		s.stop, s.demo, s.host, cred = ts.Close, true, ts.URL, fake.MaintainerToken
	} else {
		var err error
		cred, err = credential(env, g.tokenStdin)
		if err != nil {
			return nil, err
		}
		s.host = g.host
		if s.host == "" {
			s.host = env.Getenv("GITLAB_HOST")
		}
		if s.host == "" {
			s.host = "https://gitlab.com"
		}
		if cred == "" {
			if requireCred {
				return nil, exitf(ExitInvalid, "no credential: set GITLAB_TOKEN to a personal access token with the api scope, or pipe one to --token-stdin (never pass it as a flag); try --demo to see the tool without one")
			}
			return s, nil // the wizard asks on its sign-in step, where a bad host can be fixed too
		}
	}
	c, err := g.newClient(env, s.host, cred)
	if err != nil {
		s.stop()
		return nil, exitf(ExitInvalid, "%v", err)
	}
	s.client, s.host = c, c.BaseURL()
	return s, nil
}

// newClient builds a GitLab client with the flags' transport settings.
func (g *globalFlags) newClient(env Env, host string, cred token.Secret) (*gitlab.Client, error) {
	return gitlab.New(gitlab.Options{Host: host, Token: cred, Timeout: g.timeout, CAFile: g.caFile,
		AllowHTTP: g.allowHTTP, UserAgent: "gitlab-token-wizard/" + Version, Now: env.Now})
}

// NewRootCommand builds the command tree.
func NewRootCommand(ctx context.Context, env Env) *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:   "gitlab-token-wizard",
		Short: "Create GitLab access tokens the right way: checked, shown once, verified",
		Long: `gitlab-token-wizard walks you through creating a GitLab access token for an
integration such as Jira: the right kind, least privilege, a sane expiry. It checks
every choice before anything is sent, shows the token once, and proves it works.

Run it with no arguments for the interactive wizard, or use "create" in scripts.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetIn(env.In)
	root.SetOut(env.Err)
	root.SetErr(env.Err)
	g.register(root)
	root.RunE = func(cmd *cobra.Command, args []string) error { return runWizard(ctx, env, g) }
	root.AddCommand(newCreateCommand(ctx, env, g))
	return root
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, env Env) int {
	return Execute(ctx, env, nil)
}

// Execute runs the command line with args (nil: the process's) and returns the exit code.
func Execute(ctx context.Context, env Env, args []string) int {
	root := NewRootCommand(ctx, env)
	if args != nil {
		root.SetArgs(args)
	}
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		fmt.Fprintln(env.Err, "error:", safeLines(ee.Err.Error()))
		return ee.Code
	}
	if interrupted(ctx, err) {
		fmt.Fprintln(env.Err, "interrupted")
		return ExitInterrupted
	}
	fmt.Fprintln(env.Err, "error:", safeLines(err.Error()))
	// Flag and argument errors from cobra are invalid input.
	return ExitInvalid
}

// safeLines sanitizes each line of a message, keeping the line breaks.
func safeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = safe.Text(l)
	}
	return strings.Join(lines, "\n")
}
