package gitlab

import (
	"context"
	"errors"
	"fmt"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// GetToken reads token id of r's kind and target (never its value).
func (c *Client) GetToken(ctx context.Context, r token.Request, id int64) (TokenInfo, error) {
	if r.Kind == token.KindPersonal {
		return c.GetPersonalToken(ctx, id)
	}
	if r.Kind == token.KindServiceAccount {
		// No endpoint reads one service-account token: its list (17.11+) does.
		ts, err := c.List(ctx, r, ListQuery{All: true})
		if err != nil {
			return TokenInfo{}, err
		}
		for _, t := range ts {
			if t.ID == id {
				return t, nil
			}
		}
		return TokenInfo{}, &Error{Code: CodeNotFound, Status: 404, Explanation: fmt.Sprintf("the service account has no token %d", id),
			Next: "list its tokens to find the id", Field: token.FieldTarget}
	}
	var (
		t   *gl.PersonalAccessToken
		lvl gl.AccessLevelValue
		err error
	)
	switch r.Kind {
	case token.KindGroup:
		var g *gl.GroupAccessToken
		if g, _, err = c.gl.GroupAccessTokens.GetGroupAccessToken(projectID(r.Target), id, gl.WithContext(ctx)); g != nil {
			t, lvl = &g.PersonalAccessToken, g.AccessLevel
		}
	case token.KindProject:
		var p *gl.ProjectAccessToken
		if p, _, err = c.gl.ProjectAccessTokens.GetProjectAccessToken(projectID(r.Target), id, gl.WithContext(ctx)); p != nil {
			t, lvl = &p.PersonalAccessToken, p.AccessLevel
		}
	default:
		return TokenInfo{}, &Error{Code: CodeInvalid, Explanation: fmt.Sprintf("there are no %q tokens to read", r.Kind)}
	}
	if err == nil && t == nil {
		err = errNullAnswer
	}
	if err != nil {
		return TokenInfo{}, c.classify(err, fmt.Sprintf("read token %d", id))
	}
	return fromPAT(t, lvl), nil
}

// RotateKnown rotates token old, once read: sent once and never retried,
// like a create. After an ambiguous failure it reads the old token back over
// the orphan window: still active means nothing happened so far; revoked
// means the rotation happened and the new token (named in the
// *OutcomeUnknownError, Rotated set) has a value nobody saw — rotating that
// new token once gives a fresh value.
func (c *Client) RotateKnown(ctx context.Context, r token.Request, old TokenInfo, expires time.Time) (*NewToken, error) {
	id := old.ID
	var err error
	start := c.now()
	exp := gl.ISOTime(expires)
	opts := []gl.RequestOptionFunc{gl.WithContext(ctx), gl.WithRequestRetry(noRetry)}
	var (
		t   *gl.PersonalAccessToken
		lvl gl.AccessLevelValue
	)
	switch r.Kind {
	case token.KindPersonal:
		// POST /personal_access_tokens/:id/rotate: the token's user, or an
		// administrator for anyone's.
		t, _, err = c.gl.PersonalAccessTokens.RotatePersonalAccessTokenByID(id, &gl.RotatePersonalAccessTokenOptions{ExpiresAt: &exp}, opts...)
	case token.KindServiceAccount:
		t, _, err = c.gl.Groups.RotateServiceAccountPersonalAccessToken(projectID(r.Target), r.UserID, id,
			&gl.RotateServiceAccountPersonalAccessTokenOptions{ExpiresAt: &exp}, opts...)
	case token.KindGroup:
		var g *gl.GroupAccessToken
		if g, _, err = c.gl.GroupAccessTokens.RotateGroupAccessToken(projectID(r.Target), id, &gl.RotateGroupAccessTokenOptions{ExpiresAt: &exp}, opts...); g != nil {
			t, lvl = &g.PersonalAccessToken, g.AccessLevel
		}
	default:
		var p *gl.ProjectAccessToken
		if p, _, err = c.gl.ProjectAccessTokens.RotateProjectAccessToken(projectID(r.Target), id, &gl.RotateProjectAccessTokenOptions{ExpiresAt: &exp}, opts...); p != nil {
			t, lvl = &p.PersonalAccessToken, p.AccessLevel
		}
	}
	if err == nil && t == nil {
		err = errNullAnswer
	}
	if err == nil {
		nt := &NewToken{TokenInfo: fromPAT(t, lvl), Value: token.Secret(t.Token)}
		c.opts.Scrub.Add(t.Token)
		perr := nt.Value.Plausible()
		if perr == nil {
			// A usable value is delivered, the old one being revoked: its
			// own record names it when the answer did not (best effort).
			if nt.ID == 0 {
				c.fillID(ctx, nt)
			}
			return nt, nil
		}
		out := &OutcomeUnknownError{Cause: &Error{Code: CodeServer, Explanation: "GitLab rotated the token but " + perr.Error()},
			Rotated: true, Checked: true, Certain: true}
		if nt.ID == 0 {
			// Neither the value nor the id: the replacement is found by name.
			out.Checked, out.Certain = false, false
			return nil, c.rotateCheck(ctx, r, old, start, out)
		}
		info := nt.TokenInfo
		out.Orphan = &info
		return nil, out
	}
	if !ambiguous(err) {
		return nil, rotateRefusal(c.classify(err, fmt.Sprintf("rotate token %d", id)), r)
	}
	out := &OutcomeUnknownError{Cause: c.classify(err, fmt.Sprintf("rotate token %d", id)), Rotated: true}
	return nil, c.rotateCheck(ctx, r, old, start, out)
}

// rotateCheck finds out whether an ambiguous rotation happened: it reads the
// old token back over the orphan window until it is revoked (then the
// replacement is looked for by name) or the window has passed.
func (c *Client) rotateCheck(ctx context.Context, r token.Request, old TokenInfo, start time.Time, out *OutcomeUnknownError) error {
	if r.Kind == token.KindServiceAccount && token.VersionBefore(c.knownVersion(), token.ServiceAccountTokensSince) {
		out.CheckErr = fmt.Errorf("GitLab %s cannot read a service account's tokens (17.11 and later can), so whether token %d was rotated cannot be checked here: look in the Admin area", c.knownVersion(), old.ID)
		return out
	}
	cctx, cancel := c.checkContext(ctx)
	defer cancel()
	rotated := false
	waited, err := c.lookAgain(cctx, "rotated the token", func(ctx context.Context) (bool, error) {
		now, err := c.GetToken(ctx, r, old.ID)
		if err != nil {
			return false, err
		}
		if now.Active && !now.Revoked {
			return false, nil
		}
		rotated = true
		ts, err := c.ListTokens(ctx, r, old.Name)
		if err != nil {
			return false, err
		}
		out.Candidates = out.Candidates[:0]
		for _, t := range ts {
			if t.ID != old.ID && t.Name == old.Name && !t.Revoked && !t.CreatedAt.Before(start.Add(-2*time.Minute)) {
				out.Candidates = append(out.Candidates, t)
			}
		}
		return len(out.Candidates) > 0, nil
	})
	out.Waited, out.CheckErr, out.Checked = waited, err, err == nil
	if len(out.Candidates) == 1 {
		out.Orphan = &out.Candidates[0]
	}
	if err == nil && rotated && len(out.Candidates) == 0 {
		out.Checked = false
		out.CheckErr = fmt.Errorf("token %d is revoked but its replacement was not found", old.ID)
	}
	return out
}

// rotateRefusal words GitLab's refusal to rotate a project or group token
// from someone whose credential works. GitLab gives the right to rotate
// (manage_resource_access_tokens) only where creating tokens is allowed, so
// besides the caller's role, the top-level group's "Users can create project
// access tokens and group access tokens in this group" setting, or personal
// access tokens disabled on the instance, stop a rotation with the same 401.
func rotateRefusal(err error, r token.Request) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeNoPermission || !r.Kind.HasTokenRole() {
		return err
	}
	e.Next = fmt.Sprintf("rotating %s access tokens needs %s on %s, and GitLab also refuses it when the top-level group's setting "+
		"\"Users can create project access tokens and group access tokens in this group\" is off (Settings > General > Permissions), "+
		"or when the instance disables personal access tokens: if you hold that role, ask an Owner of the top-level group to turn the setting on",
		r.Kind, r.Kind.CallerNeeds().Title(), safe.Line(r.Target, 100))
	return e
}
