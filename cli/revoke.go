package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/token"
)

type revokeOpts struct {
	project, group, user string
}

// newRevokeCommand revokes one token by id: the orphan a failed create left,
// or a token that leaked.
func newRevokeCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &revokeOpts{}
	cmd := &cobra.Command{
		Use:   "revoke TOKEN_ID",
		Short: "Revoke a token by id (say, the orphan a failed create left behind)",
		Long: `Revoke a project (--project), group (--group) or personal (--user) access token
by its id. A create that failed after GitLab acted prints the exact command.`,
		Example: `  gitlab-token-wizard revoke --project acme/web 58
  gitlab-token-wizard revoke --user @me 12`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRevoke(ctx, env, g, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.project, "project", "R", "", "the project the token belongs to")
	f.StringVarP(&o.group, "group", "g", "", "the group the token belongs to")
	f.StringVarP(&o.user, "user", "U", "", "USERNAME or @me: a personal token (others' need an administrator)")
	return cmd
}

func runRevoke(ctx context.Context, env Env, g *globalFlags, o *revokeOpts, idText string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
	if err != nil || id <= 0 {
		return exitf(ExitInvalid, "%q is not a token id: give the number GitLab shows (nothing was sent)", idText)
	}
	r, err := whose(o.project, o.group, o.user)
	if err != nil {
		return err
	}
	s, err := g.connect(ctx, env, true)
	if err != nil {
		return err
	}
	defer s.stop()
	if err := s.client.RevokeToken(ctx, r, id); err != nil {
		return apiExit(ctx, err)
	}
	fmt.Fprintf(env.Err, "Revoked %s access token %d%s.\n", r.Kind, id, revokeWhere(r))
	return nil
}

func revokeWhere(r token.Request) string {
	if r.Kind == token.KindPersonal {
		return ""
	}
	return " on " + r.Target
}

// revokeCommand is the command line that revokes token id of r, for messages.
func revokeCommand(host string, r token.Request, id int64) string {
	return r.TokenCommandLine(host, "revoke", id)
}
