package gitlab

import (
	"context"
	"fmt"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/token"
)

// GetToken reads one project or group access token (never its value).
func (c *Client) GetToken(ctx context.Context, r token.Request, id int64) (TokenInfo, error) {
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
		return TokenInfo{}, &Error{Code: CodeInvalid, Explanation: "only project and group tokens can be rotated here",
			Next: "rotate a personal token in GitLab's web form, or create a new one"}
	}
	if err == nil && t == nil {
		err = errNullAnswer
	}
	if err != nil {
		return TokenInfo{}, c.classify(err, fmt.Sprintf("read token %d", id))
	}
	return fromPAT(t, lvl), nil
}

// RotateToken replaces project or group token id with a new one expiring on
// expires; GitLab revokes the old one. It is sent once and never retried:
// rotating a token that was already rotated revokes its whole family. A
// revoked or expired token is refused before anything is sent for the same
// reason. After an ambiguous failure it reads the old token back: still
// active means nothing happened; revoked means the rotation happened and the
// new token (named in the *OutcomeUnknownError, Rotated set) has a value
// nobody saw — rotating that new token once gives a fresh value safely.
func (c *Client) RotateToken(ctx context.Context, r token.Request, id int64, expires time.Time) (*NewToken, error) {
	old, err := c.GetToken(ctx, r, id)
	if err != nil {
		return nil, err
	}
	if old.Revoked || !old.Active {
		return nil, &Error{Code: CodeInvalid, Explanation: fmt.Sprintf("token %d is revoked or expired and cannot be rotated", id),
			Next: "create a new token instead: rotating it would make GitLab revoke every token rotated from it", Field: token.FieldTarget}
	}
	start := c.now()
	exp := gl.ISOTime(expires)
	opts := []gl.RequestOptionFunc{gl.WithContext(ctx), gl.WithRequestRetry(noRetry)}
	var (
		t   *gl.PersonalAccessToken
		lvl gl.AccessLevelValue
	)
	if r.Kind == token.KindGroup {
		var g *gl.GroupAccessToken
		if g, _, err = c.gl.GroupAccessTokens.RotateGroupAccessToken(projectID(r.Target), id, &gl.RotateGroupAccessTokenOptions{ExpiresAt: &exp}, opts...); g != nil {
			t, lvl = &g.PersonalAccessToken, g.AccessLevel
		}
	} else {
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
		if perr := nt.Value.Plausible(); perr != nil || nt.ID == 0 {
			why := "sent no token id"
			if perr != nil {
				why = perr.Error()
			}
			info := nt.TokenInfo
			out := &OutcomeUnknownError{Cause: &Error{Code: CodeServer, Explanation: "GitLab rotated the token but " + why},
				Rotated: true, Checked: true, Certain: true, Orphan: &info}
			if nt.ID == 0 {
				out.Orphan, out.Certain = nil, false
				return nil, c.rotateCheck(ctx, r, old, start, out)
			}
			return nil, out
		}
		return nt, nil
	}
	if !ambiguous(err) {
		return nil, c.classify(err, fmt.Sprintf("rotate token %d", id))
	}
	out := &OutcomeUnknownError{Cause: c.classify(err, fmt.Sprintf("rotate token %d", id)), Rotated: true}
	return nil, c.rotateCheck(ctx, r, old, start, out)
}

// rotateCheck finds out whether an ambiguous rotation happened: it reads the
// old token back over the orphan window until it is revoked (then the
// replacement is looked for by name) or the window has passed.
func (c *Client) rotateCheck(ctx context.Context, r token.Request, old TokenInfo, start time.Time, out *OutcomeUnknownError) error {
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
