package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// newRotateCommand renews a project or group token before it expires: GitLab
// revokes the old one and returns a new value, with the same name, role and
// scopes.
func newRotateCommand(ctx context.Context, env Env, g *globalFlags) *cobra.Command {
	o := &createOpts{}
	var group string
	cmd := &cobra.Command{
		Use:   "rotate TOKEN_ID",
		Short: "Renew a project or group token: a new value and expiry, the old one revoked",
		Long: `Rotate a project (--project) or group (--group) access token: GitLab revokes it
and returns a replacement with the same name, role and scopes and the expiry you
choose (default 30 days). Update the Jira app with the new value right away.

The request is sent once and never retried: rotating a token that was already
rotated makes GitLab revoke its whole family. If the answer is lost, the old
token is read back to tell what happened. The new value goes to stdout, to
--save FILE (0600), or to a terminal only with --show-token.`,
		Example: `  gitlab-token-wizard list --project acme/web
  T=$(gitlab-token-wizard rotate --project acme/web 58 --duration 90d)`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRotate(ctx, env, g, o, group, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.project, "project", "R", "", "the project the token belongs to")
	f.StringVarP(&group, "group", "g", "", "the group the token belongs to")
	f.StringVarP(&o.duration, "duration", "D", "", "new lifetime: 30d, 4w, 1y (default 30d)")
	f.StringVarP(&o.expiresAt, "expires-at", "E", "", "new expiry date, YYYY-MM-DD")
	f.StringVarP(&o.output, "output", "F", "text", "output: text or json")
	f.StringVar(&o.save, "save", "", "write the new token to this new file (mode 0600) instead of stdout")
	f.BoolVar(&o.showToken, "show-token", false, "print the new token even when stdout is a terminal")
	f.BoolVar(&o.noVerify, "no-verify", false, "skip using the new token to prove it works")
	return cmd
}

func runRotate(ctx context.Context, env Env, g *globalFlags, o *createOpts, group, idText string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
	if err != nil || id <= 0 {
		return exitf(ExitInvalid, "%q is not a token id: give the number `list` shows (nothing was sent)", idText)
	}
	r, err := whose(o.project, group, "")
	if err != nil {
		return err
	}
	now := env.Now()
	if r.ExpiresAt, _, err = o.expiry(now); err != nil {
		return invalid(err)
	}
	if err := token.ValidateExpiry(r.ExpiresAt, now, 0); err != nil {
		return invalid(fmt.Errorf("--expires-at: %w", err))
	}
	if err := o.checkDestination(env); err != nil {
		return err
	}
	s, err := g.connect(ctx, env, true)
	if err != nil {
		return err
	}
	defer s.stop()
	fmt.Fprintf(env.Err, "Rotating %s access token %d%s; new expiry %s… (sent once; never retried on its own)\n",
		r.Kind, id, revokeWhere(r), token.DescribeExpiry(r.ExpiresAt, now))
	nt, err := s.client.RotateToken(ctx, r, id, r.ExpiresAt)
	if err != nil {
		var ou *gitlab.OutcomeUnknownError
		if errors.As(err, &ou) && ou.Orphan != nil {
			fmt.Fprintf(env.Err, "To get a value for the replacement: %s\n", rotateCommand(s.host, r, ou.Orphan.ID))
		}
		return apiExit(ctx, err)
	}
	fmt.Fprintf(env.Err, "Rotated: token %d is revoked; its replacement is %d %q (%s). Put the new value into the Jira app now.\n",
		id, nt.ID, nt.Name, nt.Value.Masked())
	r.Name, r.Scopes, r.Role = nt.Name, token.ParseScopes(nt.Scopes...), nt.AccessLevel
	return o.verifyAndDeliver(ctx, env, s, r, nt)
}

// rotateCommand is the command line that rotates token id of r, for messages.
func rotateCommand(host string, r token.Request, id int64) string {
	return r.TokenCommandLine(host, "rotate", id)
}
