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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.System())
	stop()
	os.Exit(code)
}
