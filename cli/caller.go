package cli

// The checks made before anything is sent, and what happens to the sign-in
// credential afterwards.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// afterCreate deals with the credential used to sign in: revoked when asked,
// else a reminder when it is a short-lived token made just for this.
func afterCreate(ctx context.Context, w io.Writer, s *session, pf gitlab.Preflight, revoke bool, now time.Time) {
	switch {
	case revoke && pf.OAuth:
		fmt.Fprintln(w, "note: you signed in with OAuth; that token lapses by itself within two hours, nothing to revoke.")
	case revoke:
		if err := s.client.RevokeSelf(context.WithoutCancel(ctx)); err != nil {
			fmt.Fprintf(w, "warning: could not revoke the token you signed in with: %v\n", err)
		} else {
			fmt.Fprintf(w, "Revoked the token you signed in with (%s, id %d).\n", safe.Line(pf.Self.Name, 80), pf.Self.ID)
		}
	case pf.ShortLived(now) && !s.demo:
		fmt.Fprintf(w, "note: the token you signed in with (%s) expires in %d days; if you made it just for this, revoke it (--revoke-credential does so).\n",
			safe.Line(pf.Self.Name, 80), token.DaysUntil(pf.Self.ExpiresAt, now))
	}
}

// decide reads every fact the request depends on in one round of
// concurrent requests (gitlab.Gather) and judges them with token.Decide,
// the rule the wizard shares, so that a refusal comes before anything is
// sent. It resolves a personal token's owner into req.
func decide(ctx context.Context, w io.Writer, s *session, req *token.Request, now time.Time, maxLifetime int, names func(token.Field) string) (gitlab.Gathered, token.Decision, error) {
	g, err := s.client.Gather(ctx, *req)
	if err != nil {
		return g, token.Decision{}, apiExit(ctx, err)
	}
	if req.Kind == token.KindPersonal {
		req.UserID = g.Owner.ID
	}
	d, err := token.Decide(*req, g.Facts(), now, maxLifetime)
	if err != nil {
		return g, d, refusedAs(s, g, *req, err, names)
	}
	sayOwner(w, g, *req)
	for _, m := range d.Warnings {
		fmt.Fprintf(w, "warning: %s\n", m)
	}
	return g, d, nil
}

// refused turns Decide's verdict into an exit: a *token.Refusal is exit 3
// (rights, credential, instance), anything else invalid input (exit 2).
func refused(s *session, g gitlab.Gathered, req token.Request, err error) error {
	return refusedAs(s, g, req, err, flagFor)
}

// refusedAs is refused with invalid input blamed on the flags names gives.
func refusedAs(s *session, g gitlab.Gathered, req token.Request, err error, names func(token.Field) string) error {
	var rf *token.Refusal
	if !errors.As(err, &rf) {
		return invalidAs(err, names)
	}
	if rf.Reason == token.ReasonAdminOnly {
		link := gitlab.PATFormURL(s.host, g.Preflight.Version, req.Name, req.Description, req.Scopes)
		return exitf(ExitRefused, "%s (nothing was sent).\n"+
			"  Create it in GitLab's form, prefilled: %s\n  then check it with: gitlab-token-wizard check --project GROUP/PROJECT < token-file\n"+
			"  or use a project token instead: --project GROUP/PROJECT", rf.Message, link)
	}
	return exitf(ExitRefused, "%s (nothing was sent)", rf.Message)
}

// checkTarget makes the checks GitLab would make on the target of a request
// whose other fields are not chosen yet (the accessible mode asks for the
// target first): the credential, the caller's rights, the plan. It returns
// the facts the rest of the request is decided on (token.Decide).
func checkTarget(ctx context.Context, w io.Writer, s *session, req token.Request, now time.Time) (token.Facts, error) {
	g, err := s.client.Gather(ctx, req)
	if err != nil {
		return token.Facts{}, apiExit(ctx, err)
	}
	if err := token.CheckRights(req, g.Facts(), now); err != nil {
		return token.Facts{}, refused(s, g, req, err)
	}
	sayOwner(w, g, req)
	return g.Facts(), nil
}

// sayOwner names the user another user's personal token is for, as GitLab
// resolved the username: an administrator checks it is the right person.
func sayOwner(w io.Writer, g gitlab.Gathered, req token.Request) {
	if req.Kind == token.KindPersonal && req.PersonalUser() != token.Me {
		fmt.Fprintf(w, "Personal token for @%s (%s), user id %d.\n", g.Owner.Username, g.Owner.Name, g.Owner.ID)
	}
}
