package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
	"gitlab-token-wizard/wizard"
)

// notDrawn is the refusal when stderr, where the wizard draws its screens
// or asks its questions (--accessible), is not a terminal: they would go to
// a file while the answers were still taken, and a token could be created
// that nobody saw asked for. One rule for both modes.
const notDrawn = "the wizard asks its questions on stderr, and stderr is not a terminal (redirected with 2>?): nobody would see them, so nothing is asked or created. " +
	"Run it without redirecting stderr, or for scripts use `gitlab-token-wizard create --project GROUP/PROJECT` (see `create --help`)"

// Bounds on what is done after an abnormal end: waiting for the answer of a
// create in flight (its orphan check included), and revoking a token nobody saw.
const (
	awaitCreate = 20 * time.Second
	revokeWait  = 10 * time.Second
)

func runWizard(ctx context.Context, env Env, g *globalFlags) error {
	// Nothing is asked where nobody sees the question: not the screens, not
	// the accessible prompts (piped answers to unseen prompts made a token).
	if !env.IsTerminal(env.Err) {
		tellTerminal("gitlab-token-wizard: " + notDrawn + "\n")
		return exitf(ExitInvalid, "%s", notDrawn)
	}
	// A dumb terminal cannot draw a full screen: ask one question per line.
	// Its answers may come from a pipe (a screen reader's helper, a script
	// that watches the prompts): the prompts are still seen on stderr.
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
		Clock: envClock{env.Now}, NoColor: env.Getenv("NO_COLOR") != "", Limited: limitedColours(env)}
	if s.client != nil {
		o.API = s.client
	}
	o.OpenURL = func(u string) bool { return openBrowser(env, u) }
	o.Connect = func(host string, cred token.Secret) (wizard.API, error) {
		return g.newClient(env, host, cred, typedCredential)
	}
	// The screen is drawn on the terminal itself, not through the scrubber:
	// the result screen shows the new token when the user reveals it.
	m, err := wizard.Run(ctx, o, env.In, scrub.Underlying(env.Err))
	out := m.Outcome()
	if m.Summary != "" {
		fmt.Fprintln(env.Err, m.Summary)
	}
	// Ended from outside (a signal, the terminal lost) or by a crash: the
	// user never chose what becomes of the token.
	abnormal := err != nil || ctx.Err() != nil
	if abnormal {
		out = leftBehind(ctx, env.Err, m, out)
	}
	lost := errors.Is(err, wizard.ErrTerminalLost)
	switch {
	case errors.Is(err, tea.ErrInterrupted) || ctx.Err() != nil || lost:
		why := "interrupted"
		if lost {
			why = "the terminal was lost (treated as a hangup)"
		}
		return &ExitError{Code: ExitInterrupted, Err: errors.New(why)}
	case errors.Is(err, tea.ErrProgramPanic):
		return &ExitError{Code: ExitFailure, Err: errors.New("the wizard crashed (a bug; the terminal was restored, no secret was printed): please report it with the lines above")}
	case err != nil:
		return &ExitError{Code: ExitFailure, Err: err}
	case out.RevokeStopped:
		return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("stopped waiting for the revoke of token %d: whether GitLab revoked it is unknown (the commands above check and revoke it)", out.Token.ID)}
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

// leftBehind deals with the token of a run that ended before the user said
// what becomes of it. A token nobody can have kept — never revealed,
// copied or saved, or still in flight when the run ended — is revoked
// (bounded), and stderr says so; one the user may have kept (revealed:
// people select it with the mouse; copied) is left alone, and stderr names
// it with the command that revokes it.
func leftBehind(ctx context.Context, w io.Writer, m *wizard.Model, out wizard.Outcome) wizard.Outcome {
	if out.Token == nil {
		nt, err := m.AwaitCreate(awaitCreate)
		switch {
		case errors.Is(err, wizard.ErrNoCreateInFlight):
			return out
		case errors.Is(err, wizard.ErrStillInFlight):
			// Not a failure: GitLab may still make the token, after this
			// process has gone. Say how to find it and get rid of it.
			fmt.Fprintf(w, "warning: the run ended while the create was in flight, and %v: a token named %q may still appear. Look for it with\n  %s\nand revoke it if nobody has its value (its id is in the list):\n  %s\n",
				err, m.TokenName(), m.ListCommand(), strings.TrimSuffix(m.RevokeCommand(0), " 0")+" TOKEN_ID")
			return out
		case err != nil:
			var ou *gitlab.OutcomeUnknownError
			if errors.As(err, &ou) {
				fmt.Fprintf(w, "warning: the run ended while the create was in flight. %v\n", err)
				// Named, never revoked unseen: only the orphan check's word says it is ours.
				if ou.Orphan != nil {
					fmt.Fprintf(w, "To revoke token %d:\n  %s\n", ou.Orphan.ID, m.RevokeCommand(ou.Orphan.ID))
				}
				for _, c := range ou.Candidates {
					if ou.Orphan == nil {
						fmt.Fprintf(w, "  %s\n", m.RevokeCommand(c.ID))
					}
				}
			} else {
				fmt.Fprintf(w, "note: the run ended while the create was in flight, and it failed: %v\n", err)
			}
			return out
		}
		fmt.Fprintf(w, "The run ended while the create was in flight; GitLab then created token %d, which nobody has seen.\n", nt.ID)
		revokeUnseen(ctx, w, m, nt)
		return out
	}
	t := out.Token
	switch {
	case out.Revoked:
	case out.SavedPath != "":
		fmt.Fprintf(w, "Token %d is saved in %s (mode 0600).\n", t.ID, out.SavedPath)
	case out.Copied:
		fmt.Fprintf(w, "warning: token %d was copied but not saved; it is left in GitLab in case you kept it. If the copy did not reach your clipboard, revoke it:\n  %s\n",
			t.ID, m.RevokeCommand(t.ID))
	case out.Revealed:
		fmt.Fprintf(w, "warning: token %d was created but not copied or saved; it cannot be shown again. It was shown on the screen, so it is left in GitLab in case you kept it; if not, revoke it:\n  %s\n",
			t.ID, m.RevokeCommand(t.ID))
	default:
		revokeUnseen(ctx, w, m, t)
		out.Revoked = true
	}
	return out
}

// revokeUnseen revokes a token whose value nobody saw, within revokeWait.
func revokeUnseen(ctx context.Context, w io.Writer, m *wizard.Model, t *gitlab.NewToken) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revokeWait)
	defer cancel()
	if err := m.Revoke(rctx, t); err != nil {
		fmt.Fprintf(w, "warning: token %d was created but not copied or saved, and could not be revoked (%v); it cannot be shown again — revoke it:\n  %s\n",
			t.ID, err, m.RevokeCommand(t.ID))
		return
	}
	fmt.Fprintf(w, "Revoked token %d: the run ended before it was revealed, copied or saved, so nobody can have it.\n", t.ID)
}

// tellTerminal writes msg on the controlling terminal, when there is one:
// with stderr redirected, it is where the person who typed the command looks.
func tellTerminal(msg string) {
	f, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = io.WriteString(f, msg)
}

// limitedColours reports whether the terminal has only the 8 or 16 ANSI
// colours (the Linux console): there the palette's greys become black,
// unreadable on a black background, so the wizard draws subtle text plain.
func limitedColours(env Env) bool {
	return env.Getenv("TERM") == "linux"
}

// envClock is the wall clock as the environment tells it (tests fix it).
type envClock struct{ now func() time.Time }

func (c envClock) Now() time.Time { return c.now() }
func (c envClock) After(d time.Duration, msg tea.Msg) tea.Cmd {
	return steps.SystemClock().After(d, msg)
}
