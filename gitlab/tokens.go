package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/token"
)

// The calls below serve every token kind: project and group access tokens,
// and personal access tokens that an administrator creates for a user
// (r.Target is then the username, or token.Me).

// label names what a request creates, for messages: "project token".
func label(k token.Kind) string { return string(k) + " token" }

// ListTokens lists the active tokens of r's kind on r's target whose name
// contains search.
func (c *Client) ListTokens(ctx context.Context, r token.Request, search string) ([]TokenInfo, error) {
	return c.List(ctx, r, ListQuery{Search: search})
}

// ListQuery chooses the tokens List returns.
type ListQuery struct {
	// Search keeps tokens whose name contains it.
	Search string
	// All includes revoked and expired tokens; otherwise GitLab is asked for
	// active ones only (state=active), and a GitLab older than 17.2, which
	// ignores that, is filtered here.
	All bool
	// OnPage, when set, hears how many tokens were read so far and of how
	// many (total -1 when GitLab did not count them).
	OnPage func(read int, total int64)
}

// ListPages is how many pages List fetches at once after the first.
const ListPages = 4

// List lists the tokens of r's kind on r's target, every page: the first,
// then the rest ListPages at a time. Nothing is silently left out: a page
// that fails ends the list with a *PartialListError holding what was read.
func (c *Client) List(ctx context.Context, r token.Request, q ListQuery) ([]TokenInfo, error) {
	var uid int64
	if r.Kind == token.KindPersonal {
		u, err := c.personalOwner(ctx, r)
		if err != nil {
			return nil, err
		}
		uid = u.ID
	}
	return c.listTokensOf(ctx, r, q, uid)
}

// PartialListError is a list cut short: Read tokens were read of Total
// (-1 when GitLab did not count them) before Err.
type PartialListError struct {
	Read  int
	Total int64
	Err   error
}

func (e *PartialListError) Error() string {
	of := ""
	if e.Total >= 0 {
		of = fmt.Sprintf(" of %d", e.Total)
	}
	return fmt.Sprintf("only %d tokens%s were read: %v", e.Read, of, e.Err)
}

func (e *PartialListError) Unwrap() error { return e.Err }

// sayPause tells the user about a pause the limiter makes (a rate limit).
func (c *Client) sayPause(d time.Duration, why string) {
	if c.opts.Notify != nil && d >= time.Second {
		c.opts.Notify(fmt.Sprintf("pausing %s: %s", d.Round(time.Second), why))
	}
}

// listTokensOf is List once a personal token's owner is known (uid; 0
// lists every user's tokens an administrator may see, one's own otherwise).
func (c *Client) listTokensOf(ctx context.Context, r token.Request, query ListQuery, uid int64) ([]TokenInfo, error) {
	what := "list the " + string(r.Kind) + " access tokens"
	path := "personal_access_tokens"
	switch r.Kind {
	case token.KindProject, token.KindGroup:
		path = string(r.Kind) + "s/" + url.PathEscape(strings.Trim(strings.TrimSpace(r.Target), "/")) + "/access_tokens"
	case token.KindServiceAccount:
		// GET …/service_accounts/:user_id/personal_access_tokens: GitLab 17.11+.
		path = fmt.Sprintf("%s/service_accounts/%d/personal_access_tokens", groupPath(r.Target), r.UserID)
		uid = 0
	}
	// Decoded leniently (rawToken): one odd value costs a field, not the
	// list; and GitLab's last_used_ips, which client-go lacks, come along.
	now := c.now()
	fetch := func(ctx context.Context, page int64) ([]TokenInfo, *gl.Response, error) {
		q := listQuery{Page: page, PerPage: 100, Search: query.Search}
		if !query.All {
			q.State = "active"
		}
		if uid != 0 && r.Kind == token.KindPersonal {
			q.UserID = uid
		}
		var ts []*rawToken
		resp, err := c.getJSON(ctx, path, q, &ts)
		out := make([]TokenInfo, 0, len(ts))
		for _, t := range nonNil(ts) {
			out = append(out, t.info(now))
		}
		return out, resp, err
	}
	var out []TokenInfo
	total := int64(-1)
	err := eachPage(ctx, c.newLimiter(ListPages, c.sayPause), ListPages, fetch, func(ts []TokenInfo, info pageInfo) error {
		total = info.Total
		for _, t := range ts {
			if query.All || t.Active && !t.Revoked {
				out = append(out, t)
			}
		}
		if query.OnPage != nil {
			query.OnPage(len(out), total)
		}
		return nil
	})
	if err != nil {
		err = c.listRefusal(ctx, r, c.classify(err, what))
		if len(out) > 0 {
			return out, &PartialListError{Read: len(out), Total: total, Err: err}
		}
		return nil, err
	}
	return out, nil
}

// RevokeToken revokes token id of r's kind on r's target.
func (c *Client) RevokeToken(ctx context.Context, r token.Request, id int64) error {
	var err error
	opts := []gl.RequestOptionFunc{gl.WithContext(ctx), gl.WithRequestRetry(noRetry)}
	switch r.Kind {
	case token.KindGroup:
		_, err = c.gl.GroupAccessTokens.RevokeGroupAccessToken(projectID(r.Target), id, opts...)
	case token.KindPersonal:
		_, err = c.gl.PersonalAccessTokens.RevokePersonalAccessTokenByID(id, opts...)
	case token.KindServiceAccount:
		_, err = c.gl.Groups.RevokeServiceAccountPersonalAccessToken(projectID(r.Target), r.UserID, id, opts...)
	default:
		_, err = c.gl.ProjectAccessTokens.RevokeProjectAccessToken(projectID(r.Target), id, opts...)
	}
	if err != nil && ambiguous(err) {
		// Sent once: a repeat after a revoke that worked would be answered
		// as a failure. Read the token back over the orphan window instead,
		// as every lost write is; an expired token is inactive, not revoked.
		cctx, cancel := c.checkContext(ctx)
		defer cancel()
		revoked := false
		_, _ = c.lookAgain(cctx, "revoked the token", func(ctx context.Context) (bool, error) {
			t, err := c.GetToken(ctx, r, id)
			revoked = err == nil && t.Revoked
			return revoked, err
		})
		if revoked {
			return nil
		}
	}
	return c.classify(err, "revoke the token")
}

// RevokeSelf revokes the credential this client signs in with, sent once.
// After a lost answer, the credential's own record tells: GitLab answers
// "revoked" once it is.
func (c *Client) RevokeSelf(ctx context.Context) error {
	_, err := c.gl.PersonalAccessTokens.RevokePersonalAccessTokenSelf(gl.WithContext(ctx), gl.WithRequestRetry(noRetry))
	if err != nil && ambiguous(err) {
		cctx, cancel := c.checkContext(ctx)
		defer cancel()
		_, _, rerr := c.gl.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(cctx))
		var ge *Error
		if errors.As(c.classify(rerr, ""), &ge) && ge.Code == CodeRevoked {
			return nil
		}
	}
	return c.classify(err, "revoke your sign-in token")
}

// CreateToken creates a token of r's kind. It is never retried automatically,
// except once after a 429 (GitLab did nothing) when the wait GitLab asks for
// is short. After an ambiguous failure (timeout, reset, 5xx) it looks for a
// token this request created and returns *OutcomeUnknownError; so it does
// when GitLab's answer is unusable (no value, or one that is not a plausible
// token), naming the token it made.
func (c *Client) CreateToken(ctx context.Context, r token.Request) (*NewToken, error) {
	if r.Kind == token.KindPersonal {
		u, err := c.personalOwner(ctx, r)
		if err != nil {
			return nil, err
		}
		r.UserID = u.ID
	}
	named, err := c.listTokensOf(ctx, r, ListQuery{Search: r.Name}, r.UserID)
	return c.CreateKnowing(ctx, r, existing(named, err, r, r.UserID))
}

// CreateKnowing is CreateToken when the tokens already named like the
// request were read beforehand (Gather reads them with everything else):
// it sends the create at once. A personal token's owner must be resolved
// (r.UserID).
func (c *Client) CreateKnowing(ctx context.Context, r token.Request, ex Existing) (*NewToken, error) {
	what := "create the " + label(r.Kind)
	if (r.Kind == token.KindPersonal || r.Kind == token.KindServiceAccount) && r.UserID == 0 {
		return nil, &Error{Code: CodeInvalid, Explanation: "the owner of the token is not resolved", Next: "this is a bug: please report it"}
	}
	before, beforeErr := ex.IDs, ex.Err
	start := c.now()
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			// Stopped before the request left: certainly nothing was made.
			return nil, c.classify(ctx.Err(), what)
		}
		nt, err := c.createOnce(ctx, r)
		if err == nil {
			c.opts.Scrub.Add(nt.Value.Reveal())
			if nt.Name == "" {
				nt.Name = r.Name // a server that leaves it out still made the token that was asked for
			}
			if perr := nt.Value.Plausible(); perr != nil {
				if nt.ID == 0 {
					err = fmt.Errorf("%w: the answer has no token id and %s", errNullAnswer, perr)
				} else {
					return nil, c.unusableValue(r, nt, perr.Error())
				}
			} else {
				// A usable value is delivered even when the answer lacks
				// the id; the token's own record gives it.
				if nt.ID == 0 {
					c.fillID(ctx, nt)
				}
				return nt, nil
			}
		}
		var er *gl.ErrorResponse
		if errors.As(err, &er) && er.StatusCode == 429 && attempt == 0 {
			if wait := retryAfter(er.Response, c.now()); wait <= c.opts.MaxRateLimitWait {
				c.notifyWait(wait)
				if serr := c.sleep(ctx, wait+250*time.Millisecond); serr != nil {
					return nil, c.classify(serr, what)
				}
				continue
			}
		}
		if !ambiguous(err) {
			e := c.classify(err, what)
			if ge, ok := e.(*Error); ok {
				c.explainCreateRefusal(ge, r)
			}
			return nil, e
		}
		out := &OutcomeUnknownError{Cause: c.classify(err, what), req: r, start: start, before: before, beforeErr: beforeErr}
		return nil, c.orphanCheck(ctx, out)
	}
}

// explainCreateRefusal adds what only the request tells: which scope the
// instance does not know (a newer one, or a disabled feature's), and that
// only administrators create other users' personal tokens.
func (c *Client) explainCreateRefusal(ge *Error, r token.Request) {
	switch {
	case r.Kind == token.KindPersonal && ge.Status == 403:
		ge.Explanation = "GitLab refused to create a personal token for another user"
		ge.Next = "only administrators may; with Admin Mode on, sign in with a token that has the api and admin_mode scopes"
	case strings.Contains(strings.ToLower(ge.ServerMessage), "scopes does not have a valid value"):
		if why := token.ExplainScopeRefusal(r.Scopes, c.knownVersion()); why != "" {
			ge.Explanation = "GitLab refused the scopes: " + why
			ge.Next = "remove it, or ask an administrator to enable the feature"
		}
	}
}

// knownVersion is the instance's version once a pre-flight read it ("" before).
func (c *Client) knownVersion() string {
	v, _ := c.version.Load().(string)
	return v
}

// versionFor is the instance's version, read now if no pre-flight has:
// for explaining a failure, where one more request is cheap.
func (c *Client) versionFor(ctx context.Context) string {
	if v := c.knownVersion(); v != "" {
		return v
	}
	_, _, _ = c.readVersion(ctx)
	return c.knownVersion()
}

// createOnce sends one create request, with retries switched off.
func (c *Client) createOnce(ctx context.Context, r token.Request) (*NewToken, error) {
	exp := gl.ISOTime(r.ExpiresAt)
	scopes := scopeStrings(r.Scopes)
	var desc *string
	if r.Description != "" {
		desc = gl.Ptr(r.Description)
	}
	opts := []gl.RequestOptionFunc{gl.WithContext(ctx), gl.WithRequestRetry(noRetry)}
	var (
		pat   *gl.PersonalAccessToken
		level gl.AccessLevelValue
		err   error
	)
	switch r.Kind {
	case token.KindGroup:
		var t *gl.GroupAccessToken
		t, _, err = c.gl.GroupAccessTokens.CreateGroupAccessToken(projectID(r.Target), &gl.CreateGroupAccessTokenOptions{
			Name: gl.Ptr(r.Name), Description: desc, Scopes: &scopes, AccessLevel: gl.Ptr(gl.AccessLevelValue(r.Role)), ExpiresAt: &exp,
		}, opts...)
		if t != nil {
			pat, level = &t.PersonalAccessToken, t.AccessLevel
		}
	case token.KindPersonal:
		pat, _, err = c.gl.Users.CreatePersonalAccessToken(r.UserID, &gl.CreatePersonalAccessTokenOptions{
			Name: gl.Ptr(r.Name), Description: desc, Scopes: &scopes, ExpiresAt: &exp,
		}, opts...)
	case token.KindServiceAccount:
		pat, _, err = c.gl.Groups.CreateServiceAccountPersonalAccessToken(projectID(r.Target), r.UserID, &gl.CreateServiceAccountPersonalAccessTokenOptions{
			Name: gl.Ptr(r.Name), Description: desc, Scopes: &scopes, ExpiresAt: &exp,
		}, opts...)
	default:
		var t *gl.ProjectAccessToken
		t, _, err = c.gl.ProjectAccessTokens.CreateProjectAccessToken(projectID(r.Target), &gl.CreateProjectAccessTokenOptions{
			Name: gl.Ptr(r.Name), Description: desc, Scopes: &scopes, AccessLevel: gl.Ptr(gl.AccessLevelValue(r.Role)), ExpiresAt: &exp,
		}, opts...)
		if t != nil {
			pat, level = &t.PersonalAccessToken, t.AccessLevel
		}
	}
	if err == nil && pat == nil {
		err = errNullAnswer
	}
	if err != nil {
		return nil, err
	}
	// The raw value is kept as sent: Plausible judges it, and trimming could
	// turn a hostile value into a plausible-looking one.
	return &NewToken{TokenInfo: fromPAT(pat, level), Value: token.Secret(pat.Token)}, nil
}
