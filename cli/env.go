// Package cli holds gitlab-token-wizard's commands: the root command (the
// interactive wizard) and create (the same engine from flags). It turns flags
// and environment into a token.Request, runs it, and maps outcomes to the
// documented exit codes. Streams, environment and clock are injected so the
// commands are testable.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/token"
)

// Exit codes, documented in the README.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitInvalid = 2
	ExitRefused = 3
	ExitUnknown = 4
	// ExitUnverified: the token was created and delivered, but using it
	// failed a verification check (the FAIL lines say which).
	ExitUnverified = 5
	// ExitAttention: audit found a token that needs attention (expiring, or
	// a finding at or above --fail-on).
	ExitAttention   = 6
	ExitInterrupted = 130
	// ExitBrokenPipe: stdout's reader went away; 128 + SIGPIPE, as a run
	// killed by it would end.
	ExitBrokenPipe = 141
)

// Version is set at build time with -ldflags "-X gitlab-token-wizard/cli.Version=...".
var Version = "dev"

// Env is what a command may touch of the outside world.
type Env struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// IsTerminal reports whether a stream is a terminal.
	IsTerminal func(any) bool
	// Width reports a terminal's width in columns; 0 (or a nil Width) when
	// it is not known.
	Width func(any) int
	// OrphanWindow is how long the check after a lost create or rotate keeps
	// looking for the token (zero: the client's default of a few seconds).
	OrphanWindow time.Duration

	// scrub removes the credential, new tokens and URL user info from Out and
	// Err; rawOut is stdout itself, for the one write that must carry a new
	// token (its delivery).
	scrub  *scrub.Scrubber
	rawOut io.Writer
}

// scrubbed returns env with Out and Err passing through one scrubber, set up
// once per run: every message, error and log line goes through it.
func (env Env) scrubbed() Env {
	if env.scrub != nil {
		return env
	}
	env.scrub, env.rawOut = scrub.New(), env.Out
	env.Out, env.Err = env.scrub.Writer(env.Out), env.scrub.Writer(env.Err)
	isTerm, width := env.IsTerminal, env.Width
	underlying := func(f any) any {
		if w, ok := f.(io.Writer); ok {
			return scrub.Underlying(w)
		}
		return f
	}
	env.IsTerminal = func(f any) bool { return isTerm(underlying(f)) }
	if width != nil {
		env.Width = func(f any) int { return width(underlying(f)) }
	}
	return env
}

// columns is the width of stream f when it is a terminal: its own when
// known, else 80. It is 0 when f is not a terminal.
func (env Env) columns(f any) int {
	if !env.IsTerminal(f) {
		return 0
	}
	if env.Width != nil {
		if w := env.Width(f); w > 0 {
			return w
		}
	}
	return 80
}

// System returns the process's real environment.
func System() Env {
	return Env{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv, Now: time.Now,
		IsTerminal: func(f any) bool {
			fd, ok := f.(interface{ Fd() uintptr })
			return ok && term.IsTerminal(int(fd.Fd()))
		},
		Width: func(f any) int {
			fd, ok := f.(interface{ Fd() uintptr })
			if !ok {
				return 0
			}
			w, _, err := term.GetSize(int(fd.Fd()))
			if err != nil {
				return 0
			}
			return w
		}}
}

// ExitError carries an exit code with the message shown for it.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

func exitf(code int, format string, a ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, a...)}
}

// credentialVars are read in this order, as glab reads them.
var credentialVars = []string{"GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", "OAUTH_TOKEN"}

// credential finds the caller's credential: --token-stdin, else the
// environment, with a phrase naming where it came from. It is never a flag
// value (argv is visible to every user of the machine).
func credential(env Env, fromStdin bool) (token.Secret, string, error) {
	if fromStdin {
		line, err := readLine(env.In)
		if err != nil && !errors.Is(err, io.EOF) {
			return "", "", fmt.Errorf("read the credential from stdin: %w", err)
		}
		v := strings.TrimSpace(line)
		if v == "" {
			return "", "", exitf(ExitInvalid, "--token-stdin: stdin was empty; pipe the token in, e.g. `pass gitlab | gitlab-token-wizard create --token-stdin ...`")
		}
		return token.Secret(v), "the token piped to --token-stdin", nil
	}
	for _, name := range credentialVars {
		if v := strings.TrimSpace(env.Getenv(name)); v != "" {
			return token.Secret(v), "the token in " + name, nil
		}
	}
	return "", "", nil
}

// maxLine bounds a line read from stdin (a token, an answer): no token is
// longer than token.MaxTokenLen, and `check < /dev/zero` must not fill memory.
const maxLine = 4 * token.MaxTokenLen

// readLine reads one line of at most maxLine bytes; a longer one is refused.
func readLine(in io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(in, maxLine+1)).ReadString('\n')
	if len(strings.TrimSuffix(line, "\n")) > maxLine {
		return "", fmt.Errorf("the line on stdin is longer than %d bytes, more than any token: give the token alone", maxLine)
	}
	return line, err
}

func interrupted(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) || ctx.Err() != nil
}
