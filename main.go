// Command gitlab-token-wizard creates GitLab access tokens the right way:
// checked before sending, shown once, verified after.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"gitlab-token-wizard/cli"
)

func main() {
	// Every signal that ends a run in a terminal cancels the context instead
	// of killing the process: a create in flight is then checked for (the
	// orphan check, bounded) and reported, and the terminal is restored.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	// A closed stdout (create ... | cmd-that-exits) must not kill the run
	// silently between creating a token and delivering it: with SIGPIPE
	// ignored the write fails instead, and the token goes to a file.
	signal.Ignore(syscall.SIGPIPE)
	code := cli.Main(ctx, cli.System())
	stop()
	os.Exit(code)
}
