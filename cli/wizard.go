package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
	"gitlab-token-wizard/wizard"
)

func runWizard(ctx context.Context, env Env, g *globalFlags) error {
	// A dumb terminal cannot draw a full screen: ask one question per line.
	if g.accessible || env.Getenv("ACCESSIBLE") != "" || env.Getenv("TERM") == "dumb" {
		return runAccessible(ctx, env, g)
	}
	if !env.IsTerminal(env.In) {
		return exitf(ExitInvalid, "the wizard needs a terminal, and stdin is not one: for scripts use `gitlab-token-wizard create --project GROUP/PROJECT` (see `create --help`)")
	}
	g.quiet = true // the wizard owns the screen: no progress lines under it
	s, err := g.connect(ctx, env, false)
	if err != nil {
		return err
	}
	defer s.stop()
	// The flags' part of the request: the wizard asks for the rest.
	o := wizard.Options{Host: s.host, AllowHTTP: g.allowHTTP, Demo: s.demo, Request: token.Request{Preset: "jira-read"},
		Clock: envClock{env.Now}, NoColor: env.Getenv("NO_COLOR") != ""}
	if s.client != nil {
		o.API = s.client
	}
	o.OpenURL = func(u string) bool { return openBrowser(env, u) }
	o.Connect = func(host string, cred token.Secret) (wizard.API, error) { return g.newClient(env, host, cred) }
	// The screen is drawn on the terminal itself, not through the scrubber:
	// the result screen shows the new token when the user reveals it.
	m, err := wizard.Run(ctx, o, env.In, scrub.Underlying(env.Err))
	out := m.Outcome()
	if m.Summary != "" {
		fmt.Fprintln(env.Err, m.Summary)
	}
	if (err != nil || ctx.Err() != nil) && out.Token != nil && !out.Kept() && !out.Revoked {
		fmt.Fprintf(env.Err, "warning: token %d was created but not copied or saved; it cannot be shown again — revoke it in GitLab.\n", out.Token.ID)
	}
	switch {
	case errors.Is(err, tea.ErrInterrupted) || ctx.Err() != nil:
		return &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted")}
	case errors.Is(err, tea.ErrProgramPanic):
		return &ExitError{Code: ExitFailure, Err: errors.New("the wizard crashed (a bug; the terminal was restored, no secret was printed): please report it with the lines above")}
	case err != nil:
		return &ExitError{Code: ExitFailure, Err: err}
	case out.Revoked:
		return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("token %d was revoked on leaving, as asked: no token was kept", out.Token.ID)}
	case out.Token == nil && out.Checked == nil && out.Guided:
		// GitLab's form was shown: a token made there exists, unchecked.
		return &ExitError{Code: ExitInterrupted, Err: errors.New("stopped on the guided path: no token was checked")}
	case out.Token == nil && out.Checked == nil:
		return &ExitError{Code: ExitInterrupted, Err: errors.New("cancelled: no token was created")}
	}
	return nil
}

// envClock is the wall clock as the environment tells it (tests fix it).
type envClock struct{ now func() time.Time }

func (c envClock) Now() time.Time { return c.now() }
func (c envClock) After(d time.Duration, msg tea.Msg) tea.Cmd {
	return steps.SystemClock().After(d, msg)
}
