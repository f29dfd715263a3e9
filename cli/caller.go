package cli

// The checks made before anything is sent, and what happens to the sign-in
// credential afterwards.

import (
	"context"
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

// checkCaller runs the pre-flight and checkTarget, so that a refusal comes
// before anything is sent.
func checkCaller(ctx context.Context, w io.Writer, s *session, req *token.Request, now time.Time) (gitlab.Preflight, token.Limits, error) {
	pf, err := s.client.Preflight(ctx)
	if err != nil {
		return pf, token.Limits{}, apiExit(ctx, err)
	}
	if err := pf.CheckCanCreate(now); err != nil {
		return pf, token.Limits{}, &ExitError{Code: ExitRefused, Err: fmt.Errorf("%w (nothing was sent)", err)}
	}
	limits, err := checkTarget(ctx, w, s, pf, req)
	return pf, limits, err
}

// checkTarget makes the checks GitLab would make on the target: the caller's
// role on it (a role above it is refused), Maintainer for project tokens and
// Owner for group tokens, the namespace's plan on GitLab.com, and
// administrator rights for personal tokens, whose owner it resolves.
func checkTarget(ctx context.Context, w io.Writer, s *session, pf gitlab.Preflight, req *token.Request) (token.Limits, error) {
	limits := token.Limits{IsAdmin: pf.User.IsAdmin}
	if req.Kind == token.KindPersonal {
		if !pf.User.IsAdmin {
			link := gitlab.PATFormURL(s.host, pf.Version, req.Name, req.Description, req.Scopes)
			return limits, exitf(ExitRefused, "GitLab lets only administrators create personal access tokens through the API, and %s is not one (nothing was sent).\n"+
				"  Create it in GitLab's form, prefilled: %s\n  then check it with: gitlab-token-wizard check --project GROUP/PROJECT < token-file\n"+
				"  or use a project token instead: --project GROUP/PROJECT", pf.User.Username, link)
		}
		if req.PersonalUser() == token.Me {
			req.UserID = pf.User.ID
			return limits, nil
		}
		u, err := s.client.FindUser(ctx, req.PersonalUser())
		if err != nil {
			return limits, apiExit(ctx, err)
		}
		if u.Bot {
			return limits, exitf(ExitInvalid, "@%s is a bot user (behind a project or group token): choose a person or a service account (nothing was sent)", u.Username)
		}
		req.UserID = u.ID
		fmt.Fprintf(w, "Personal token for @%s (%s), user id %d.\n", u.Username, u.Name, u.ID)
		return limits, nil
	}
	target, err := s.client.GetTarget(ctx, req.Kind, req.Target)
	if err != nil {
		return limits, apiExit(ctx, err)
	}
	if limits.CallerRole, err = s.client.CallerRole(ctx, pf, req.Kind, target); err != nil {
		return limits, apiExit(ctx, err)
	}
	need := token.RoleMaintainer
	if req.Kind == token.KindGroup {
		need = token.RoleOwner
	}
	if !pf.User.IsAdmin && limits.CallerRole < need {
		if req.Kind == token.KindGroup {
			return limits, exitf(ExitRefused, "you (%s) are %s on group %s; group access tokens need Owner (nothing was sent): ask an Owner of %s, or make a project token for each project (--project)",
				pf.User.Username, roleOrNone(limits.CallerRole), target.Path, target.Path)
		}
		return limits, exitf(ExitRefused, "you (%s) are %s on %s; creating project access tokens needs Maintainer or Owner: ask a Maintainer, or use a personal token (nothing was sent)",
			pf.User.Username, roleOrNone(limits.CallerRole), target.Path)
	}
	plan, err := s.client.NamespacePlan(ctx, target.Path)
	if err != nil {
		return limits, apiExit(ctx, err)
	}
	if err := token.CheckPlan(req.Kind, plan.Name, plan.Trial); err != nil {
		return limits, exitf(ExitRefused, "no %s token for %s: %v (nothing was sent)", req.Kind, target.Path, err)
	}
	return limits, nil
}

func roleOrNone(r token.Role) string {
	if r == token.RoleNone {
		return "not a member"
	}
	return r.Title()
}
