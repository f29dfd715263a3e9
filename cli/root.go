package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
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
	oauthID    string
	debug      string
	accessible bool
	gitlabCom  bool
	// debugLog is the open --debug file, shared by every client of the run.
	debugLog io.Writer
	// quiet keeps clients from printing progress on stderr (the wizard owns the screen).
	quiet bool
	// demoTokens seeds --demo's stand-in with tokens to look after: list,
	// rotate, revoke, check and audit set it. The wizard and create leave the
	// stand-in as its seed is, so that a new token's id stays the one the
	// end-to-end tests know.
	demoTokens bool
}

func (g *globalFlags) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&g.host, "host", "", "GitLab instance: gitlab.com or https://gitlab.example.com (env GITLAB_HOST)")
	f.BoolVar(&g.tokenStdin, "token-stdin", false, "read your credential from the first line of stdin (else GITLAB_TOKEN)")
	f.BoolVar(&g.demo, "demo", false, "run against a built-in GitLab stand-in, signed in as alice (Maintainer of acme/web, Owner of widgets), with tokens to list, rotate, revoke, check and audit (on acme/web, or the group acme for audit, when no target is given)")
	f.StringVar(&g.caFile, "ca-file", "", "PEM file of an extra certificate authority to trust (self-managed instances)")
	f.BoolVar(&g.allowHTTP, "allow-http", false, "allow plain http:// to a host that is not this machine")
	f.DurationVar(&g.timeout, "timeout", 30*time.Second, "time limit for each request to GitLab")
	f.BoolVar(&g.accessible, "accessible", false, "ask one question per line instead of drawing the screen (screen readers, simple terminals; env ACCESSIBLE)")
	f.StringVar(&g.debug, "debug", "", "write a log of every request and response, secrets removed, to this new file (mode 0600)")
	f.BoolVar(&g.gitlabCom, "gitlab-com", false, "treat the instance as GitLab.com, where a namespace's plan decides whether project and group tokens exist (automatic for gitlab.com; use it behind a proxy with another name)")
	f.StringVar(&g.oauthID, "oauth-client-id", "", "sign in in the browser with OAuth (device flow) using this application id (env GITLAB_OAUTH_CLIENT_ID)")
}

// session is a connected caller: the client plus how it was made.
type session struct {
	client *gitlab.Client
	host   string
	demo   bool
	oauth  bool
	// source says where the credential came from, as a phrase that names
	// what to fix ("the token in GITLAB_TOKEN"): a refused sign-in names it.
	source string
	stop   func()
}

// cmdHost is what this tool's own commands say of the instance: --demo on
// a demo run (the stand-in's address changes every run), else its address.
// curl and links take the address itself.
func (s *session) cmdHost() string {
	if s.demo {
		return token.DemoHost
	}
	return s.host
}

// The demo's targets when a --demo run names none: the project alice
// maintains, whose tokens show every kind of trouble, and the group above
// it, for an audit's walk.
const (
	demoProject = "acme/web"
	demoGroup   = "acme"
)

// demoTarget fills the target of a --demo run that names none (project,
// group and user all empty) with the demo's project, and says so: the demo
// is for trying a command without knowing its stand-in yet.
func (g *globalFlags) demoTarget(env Env, project, group, user *string) {
	if !g.demo || *project != "" || *group != "" || *user != "" {
		return
	}
	*project = demoProject
	fmt.Fprintf(env.Err, "DEMO: no --project, --group or --user given: using --project %s.\n", demoProject)
}

// sayDemo tells, on a demo run, who is signed in and what can be tried.
func (s *session) sayDemo(w io.Writer) {
	if s.demo {
		fmt.Fprintln(w, "DEMO: the built-in GitLab stand-in, signed in as alice (Maintainer of acme/web, Owner of widgets); nothing real changes.")
	}
}

// connect builds a client from flags and environment. The credential comes
// from --token-stdin, else GITLAB_TOKEN (GITLAB_ACCESS_TOKEN, OAUTH_TOKEN),
// else an existing glab login for the host, else an OAuth device sign-in when
// a client id is set; never from a flag. With --demo it starts the stand-in on
// loopback and signs in as its maintainer.
func (g *globalFlags) connect(ctx context.Context, env Env, requireCred bool) (*session, error) {
	s := &session{stop: func() {}}
	if err := g.openDebug(); err != nil {
		return nil, err
	}
	var cred token.Secret
	if g.demo {
		url, stop, err := g.startDemo()
		if err != nil {
			return nil, err
		}
		s.stop, s.demo, s.host, cred, s.source = stop, true, url, fake.MaintainerToken, "the demo's sign-in"
	} else {
		var err error
		cred, s.source, err = credential(env, g.tokenStdin)
		if err != nil {
			return nil, err
		}
		env.scrub.Add(cred.Reveal())
		s.host = g.host
		if s.host == "" {
			s.host = env.Getenv("GITLAB_HOST")
		}
		if cred == "" {
			login, why := glabCredential(env, s.host)
			if why != "" {
				fmt.Fprintln(env.Err, "note:", why)
			}
			if login != nil {
				cred, s.oauth, s.host, s.source = login.cred, login.oauth, login.host, "the token in glab's login ("+login.path+")"
				env.scrub.Add(cred.Reveal())
				// Said aloud: the account acting may not be the one the user has in mind.
				fmt.Fprintf(env.Err, "note: signed in with glab's login for %s (%s)\n", gitlab.HostName(login.host), login.path)
			}
		}
		if s.host == "" {
			s.host = "https://gitlab.com"
		}
		if id := firstNonEmpty(g.oauthID, env.Getenv("GITLAB_OAUTH_CLIENT_ID")); cred == "" && id != "" {
			cred, err = g.deviceLogin(ctx, env, s.host, id)
			if err != nil {
				return nil, apiExit(ctx, err)
			}
			env.scrub.Add(cred.Reveal())
			s.oauth, s.source = true, "this run's OAuth sign-in"
		}
		if cred == "" {
			if requireCred {
				return nil, exitf(ExitInvalid, "no credential: set GITLAB_TOKEN to a personal access token with the api scope, pipe one to --token-stdin, log in with glab, or use --oauth-client-id (never pass a token as a flag); try --demo to see the tool without one")
			}
			return s, nil // the wizard asks on its sign-in step, where a bad host can be fixed too
		}
	}
	c, err := g.newClientAuth(env, s.host, cred, s.oauth, s.source)
	if err != nil {
		s.stop()
		return nil, exitf(ExitInvalid, "%v", err)
	}
	s.client, s.host = c, c.BaseURL()
	return s, nil
}

// startDemo serves the stand-in on loopback for --demo, seeded with the
// demo's projects and, for the commands that look after tokens, with tokens
// to list, rotate, revoke, check and audit (some expiring within days, one
// revoked). It returns its address and the function that stops it.
func (g *globalFlags) startDemo() (string, func(), error) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		return "", nil, err
	}
	srv.SeedDemoServiceAccounts()
	if g.demoTokens {
		srv.SeedDemoTokens()
	}
	srv.SetBrowserUser(2) // the form links work in a real browser, signed in as alice
	g.gitlabCom = true    // the demo's namespaces have GitLab.com plans (widgets is on Free)
	return ts.URL, ts.Close, nil
}

// openDebug creates the --debug log: a new file, mode 0600, never an existing one.
func (g *globalFlags) openDebug() error {
	if g.debug == "" || g.debugLog != nil {
		return nil
	}
	f, err := os.OpenFile(g.debug, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if os.IsExist(err) {
		return exitf(ExitInvalid, "--debug %s: the file exists; give a new file name (the log is never appended to an old one)", g.debug)
	}
	if err != nil {
		return exitf(ExitInvalid, "--debug: %v", err)
	}
	g.debugLog = &syncWriter{w: f}
	return nil
}

// syncWriter serializes writes from concurrent requests.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// deviceLogin runs the OAuth device flow: it prints the code and the address,
// opens the browser when there is one, and waits for the approval.
func (g *globalFlags) deviceLogin(ctx context.Context, env Env, host, clientID string) (token.Secret, error) {
	return gitlab.DeviceLogin(ctx, gitlab.DeviceOptions{Host: host, ClientID: clientID, Scopes: []string{"api"},
		CAFile: g.caFile, AllowHTTP: g.allowHTTP, Timeout: g.timeout, Proxy: gitlab.ProxyFromEnv(env.Getenv), Debug: g.debugLog, Scrub: env.scrub,
		Prompt: func(d gitlab.DeviceCode) {
			fmt.Fprintf(env.Err, "Sign in to %s: open %s and enter the code %s (it expires at %s).\n",
				gitlab.HostName(host), d.VerificationURI, d.UserCode, d.Expires.Local().Format("15:04"))
			u := d.VerificationURIComplete
			if u == "" {
				u = d.VerificationURI
			}
			if openBrowser(env, u) {
				fmt.Fprintln(env.Err, "Opened your browser. Waiting for you to approve…")
			} else {
				fmt.Fprintln(env.Err, "Waiting for you to approve… (ctrl+c to stop)")
			}
		}})
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// newClient builds a GitLab client with the flags' transport settings, for
// a credential from source (a phrase naming it, for a refusal that blames it).
func (g *globalFlags) newClient(env Env, host string, cred token.Secret, source string) (*gitlab.Client, error) {
	return g.newClientAuth(env, host, cred, false, source)
}

func (g *globalFlags) newClientAuth(env Env, host string, cred token.Secret, oauth bool, source string) (*gitlab.Client, error) {
	// Every client writes the --debug log, whichever command built it
	// (check builds its own, with the checked token).
	if err := g.openDebug(); err != nil {
		return nil, err
	}
	o := gitlab.Options{Host: host, Token: cred, OAuth: oauth, CredentialSource: source, Timeout: g.timeout, CAFile: g.caFile,
		AllowHTTP: g.allowHTTP, UserAgent: "gitlab-token-wizard/" + Version, Now: env.Now, Proxy: gitlab.ProxyFromEnv(env.Getenv),
		Scrub: env.scrub, OrphanWindow: env.OrphanWindow, GitLabCom: g.gitlabCom}
	if !g.quiet {
		o.Notify = func(s string) { fmt.Fprintln(env.Err, s) }
	}
	if g.debugLog != nil {
		o.Debug = g.debugLog
	}
	return gitlab.New(o)
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

Run it with no arguments for the interactive wizard, or use "create" in scripts;
"list", "rotate", "revoke", "check" and "audit" look after the tokens afterwards.
Every command runs against a built-in GitLab stand-in with --demo, no account
needed: gitlab-token-wizard list --demo -R acme/web`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.In)
	setConventions(root, env)
	g.register(root)
	root.RunE = func(cmd *cobra.Command, args []string) error { return runWizard(ctx, env, g) }
	root.AddCommand(newCreateCommand(ctx, env, g), newCheckCommand(ctx, env, g), newRevokeCommand(ctx, env, g), newListCommand(ctx, env, g), newRotateCommand(ctx, env, g),
		newAuditCommand(ctx, env, g))
	for _, c := range root.Commands() {
		if c.Runnable() {
			registerCompletions(ctx, env, g, c)
		}
	}
	return root
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, env Env) int {
	return Execute(ctx, env, nil)
}

// Execute runs the command line with args (nil: the process's) and returns the
// exit code. Everything it writes passes one scrubber; a panic (a bug) ends in
// exit 1 with a message, never in Go's exit 2, which means "invalid input".
func Execute(ctx context.Context, env Env, args []string) (code int) {
	env = env.scrubbed()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Err, "error: gitlab-token-wizard crashed (a bug: %s); no secret was printed. Please report it with the lines above.\n",
				safe.Line(fmt.Sprint(r), 200))
			code = ExitFailure
		}
	}()
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
		// An empty message: the output already said why (audit's exit 6).
		if msg := ee.Err.Error(); msg != "" {
			fmt.Fprintln(env.Err, "error:", safeLines(msg))
		}
		return ee.Code
	}
	if interrupted(ctx, err) {
		fmt.Fprintln(env.Err, "interrupted")
		return ExitInterrupted
	}
	if errors.Is(err, syscall.EPIPE) {
		// stdout's reader left (list ... | head): with SIGPIPE ignored the
		// write fails instead of ending the run, which ends now as a shell
		// expects of a pipe, quietly, 128+SIGPIPE. (A new token's value
		// never gets here: emitToken saves it to a file.)
		return ExitBrokenPipe
	}
	fmt.Fprintln(env.Err, "error:", safeLines(err.Error()))
	// Flag and argument errors from cobra are invalid input.
	return ExitInvalid
}

// safeLines sanitizes each line of a message, keeping the line breaks.
func safeLines(s string) string {
	// Tabs (cobra's suggestions are indented with one) would be dropped.
	lines := strings.Split(strings.ReplaceAll(s, "\t", "  "), "\n")
	for i, l := range lines {
		lines[i] = safe.Text(l)
	}
	return strings.Join(lines, "\n")
}

// typedCredential names the credential typed at the sign-in question.
const typedCredential = "the token you typed at the sign-in"
