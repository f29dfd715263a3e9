package cli

import "context"

func runWizard(ctx context.Context, env Env, g *globalFlags) error {
	return exitf(ExitInvalid, "the interactive wizard is not built yet: use `gitlab-token-wizard create --help`")
}
