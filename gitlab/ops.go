package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// Preflight is what we learn about the instance and the caller before asking anything.
type Preflight struct {
	Version string
	User    User
	// Self is the caller's own credential as GitLab reports it.
	Self TokenInfo
}

// HasScope reports whether the caller's credential carries scope s.
func (p Preflight) HasScope(s string) bool {
	for _, x := range p.Self.Scopes {
		if x == s {
			return true
		}
	}
	return false
}

// Preflight fetches the version, the current user and the credential's own
// description concurrently, so the three cost one round trip.
func (c *Client) Preflight(ctx context.Context) (Preflight, error) {
	var (
		p                Preflight
		wg               sync.WaitGroup
		errV, errU, errS error
		ver              *gl.Version
		user             *gl.User
		self             *gl.PersonalAccessToken
	)
	wg.Add(3)
	go func() { defer wg.Done(); ver, _, errV = c.gl.Version.GetVersion(gl.WithContext(ctx)) }()
	go func() { defer wg.Done(); user, _, errU = c.gl.Users.CurrentUser(gl.WithContext(ctx)) }()
	go func() {
		defer wg.Done()
		self, _, errS = c.gl.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(ctx))
	}()
	wg.Wait()
	// The credential's own record explains most failures best (expired, revoked), so check it first.
	if errS != nil {
		return p, c.classify(errS, "check your credential")
	}
	p.Self = fromPAT(self, 0)
	if errU != nil {
		return p, c.classify(errU, "read your user")
	}
	p.User = User{ID: user.ID, Username: safe.Line(user.Username, 255), Name: safe.Line(user.Name, 255), IsAdmin: user.IsAdmin, Bot: user.Bot}
	if errV == nil && ver != nil {
		p.Version = safe.Line(ver.Version, 64)
	}
	return p, nil
}

// CheckCanCreate explains why the signed-in credential cannot create tokens, or returns nil.
func (p Preflight) CheckCanCreate(now time.Time) error {
	switch {
	case p.User.Bot:
		return &Error{Code: CodeNoPermission, Explanation: "you signed in with a project or group access token, which cannot create tokens",
			Next: "sign in with a personal access token (or OAuth) of a user who is Maintainer or Owner", Field: token.FieldTarget}
	case !p.HasScope("api"):
		return &Error{Code: CodeInsufficientScope, Explanation: fmt.Sprintf("your credential has the scopes %s but creating tokens needs api", strings.Join(p.Self.Scopes, ", ")),
			Next: "create a personal access token with the api scope (it can be short-lived) and sign in with it"}
	case !p.Self.ExpiresAt.IsZero() && !p.Self.ExpiresAt.After(token.Today(now)):
		return &Error{Code: CodeExpired, Explanation: "your credential has expired", Next: "create a new personal access token with the api scope"}
	}
	return nil
}

// SearchProjects lists projects where the caller is Maintainer or Owner whose
// name or path matches query, searched by GitLab (never a full listing).
func (c *Client) SearchProjects(ctx context.Context, query string, limit int) ([]Project, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	opt := &gl.ListProjectsOptions{
		ListOptions:    gl.ListOptions{PerPage: int64(limit)},
		Membership:     gl.Ptr(true),
		MinAccessLevel: gl.Ptr(gl.MaintainerPermissions),
		OrderBy:        gl.Ptr("last_activity_at"),
		Simple:         gl.Ptr(false),
	}
	if q := strings.TrimSpace(query); q != "" {
		opt.Search = gl.Ptr(q)
		opt.SearchNamespaces = gl.Ptr(strings.Contains(q, "/"))
	}
	ps, _, err := c.gl.Projects.ListProjects(opt, gl.WithContext(ctx))
	if err != nil {
		return nil, c.classify(err, "search projects")
	}
	out := make([]Project, 0, len(ps))
	for _, p := range ps {
		out = append(out, fromProject(p))
	}
	return out, nil
}

// GetProject looks a project up by full path or numeric id.
func (c *Client) GetProject(ctx context.Context, target string) (Project, error) {
	p, _, err := c.gl.Projects.GetProject(projectID(target), nil, gl.WithContext(ctx))
	if err != nil {
		return Project{}, c.classify(err, fmt.Sprintf("find project %s", safe.Line(target, 100)))
	}
	return fromProject(p), nil
}

// ProjectRole returns the user's role on the project, inherited roles included.
func (c *Client) ProjectRole(ctx context.Context, target string, userID int64) (token.Role, error) {
	m, _, err := c.gl.ProjectMembers.GetInheritedProjectMember(projectID(target), userID, gl.WithContext(ctx))
	if errors.Is(err, gl.ErrNotFound) {
		return token.RoleNone, nil
	}
	if err != nil {
		return token.RoleNone, c.classify(err, "read your role on the project")
	}
	return token.Role(m.AccessLevel), nil
}

// CallerRole is the caller's role on project p, which decides the roles they may
// grant: Owner for an administrator, the role the project listing reported, or
// else one look-up of the caller's (inherited) membership.
func (c *Client) CallerRole(ctx context.Context, pf Preflight, p Project) (token.Role, error) {
	switch {
	case pf.User.IsAdmin:
		return token.RoleOwner, nil
	case p.Role != token.RoleNone:
		return p.Role, nil
	}
	return c.ProjectRole(ctx, p.Path, pf.User.ID)
}

// ListProjectTokens lists a project's access tokens whose name contains search.
func (c *Client) ListProjectTokens(ctx context.Context, target, search string) ([]TokenInfo, error) {
	var out []TokenInfo
	opt := &gl.ListProjectAccessTokensOptions{ListOptions: gl.ListOptions{PerPage: 100, Page: 1}}
	for page := 0; page < 50; page++ {
		reqOpts := []gl.RequestOptionFunc{gl.WithContext(ctx)}
		if search != "" {
			reqOpts = append(reqOpts, withQuery("search", search))
		}
		ts, resp, err := c.gl.ProjectAccessTokens.ListProjectAccessTokens(projectID(target), opt, reqOpts...)
		if err != nil {
			return nil, c.classify(err, "list the project's access tokens")
		}
		for _, t := range ts {
			out = append(out, fromPAT(&t.PersonalAccessToken, t.AccessLevel))
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	return out, nil
}

// RevokeProjectToken revokes a project access token.
func (c *Client) RevokeProjectToken(ctx context.Context, target string, id int64) error {
	_, err := c.gl.ProjectAccessTokens.RevokeProjectAccessToken(projectID(target), id, gl.WithContext(ctx))
	return c.classify(err, "revoke the token")
}

// CreateProjectToken creates a project access token. It is never retried
// automatically, except once after a 429 (GitLab did nothing) when the wait
// GitLab asks for is short. After an ambiguous failure (timeout, reset, 5xx)
// it looks for a token this request created and returns *OutcomeUnknownError.
func (c *Client) CreateProjectToken(ctx context.Context, r token.Request) (*NewToken, error) {
	before, beforeErr := c.tokenIDsNamed(ctx, r.Target, r.Name)
	start := c.now()
	exp := gl.ISOTime(r.ExpiresAt)
	opt := &gl.CreateProjectAccessTokenOptions{
		Name:        gl.Ptr(r.Name),
		Scopes:      gl.Ptr(scopeStrings(r.Scopes)),
		AccessLevel: gl.Ptr(gl.AccessLevelValue(r.Role)),
		ExpiresAt:   &exp,
	}
	if r.Description != "" {
		opt.Description = gl.Ptr(r.Description)
	}
	for attempt := 0; ; attempt++ {
		t, _, err := c.gl.ProjectAccessTokens.CreateProjectAccessToken(projectID(r.Target), opt,
			gl.WithContext(ctx), gl.WithRequestRetry(noRetry))
		if err == nil {
			nt := &NewToken{TokenInfo: fromPAT(&t.PersonalAccessToken, t.AccessLevel), Value: token.Secret(strings.TrimSpace(t.Token))}
			if nt.Value == "" {
				return nil, &Error{Code: CodeServer, Explanation: "GitLab created the token but sent no value",
					Next: fmt.Sprintf("revoke token %d and try again", nt.ID)}
			}
			return nt, nil
		}
		var er *gl.ErrorResponse
		if errors.As(err, &er) && er.StatusCode == 429 && attempt == 0 {
			wait := retryAfter(er.Response, c.now())
			if wait <= c.opts.MaxRateLimitWait {
				if serr := c.sleep(ctx, wait+250*time.Millisecond); serr != nil {
					return nil, c.classify(serr, "create the project token")
				}
				continue
			}
		}
		if !ambiguous(err) {
			return nil, c.classify(err, "create the project token")
		}
		return nil, c.orphanCheck(ctx, r, start, before, beforeErr, err)
	}
}

// ambiguous reports whether GitLab may have acted on a request that failed.
// Statuses below 500 are definite refusals; errors before the request left
// (DNS, refused connection, TLS) are definite too.
func ambiguous(err error) bool {
	if errors.Is(err, gl.ErrNotFound) {
		return false
	}
	var er *gl.ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode >= 500 || er.StatusCode == 0
	}
	return !notSent(err)
}

func (c *Client) tokenIDsNamed(ctx context.Context, target, name string) (map[int64]bool, error) {
	ts, err := c.ListProjectTokens(ctx, target, name)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, t := range ts {
		ids[t.ID] = true
	}
	return ids, nil
}

// orphanCheck looks for the token an ambiguous create may have made: same name,
// not there before, created since just before the request. It runs even when
// ctx was cancelled, with a short deadline of its own.
func (c *Client) orphanCheck(ctx context.Context, r token.Request, start time.Time, before map[int64]bool, beforeErr, cause error) error {
	out := &OutcomeUnknownError{Cause: c.classify(cause, "create the project token")}
	var er *gl.ErrorResponse
	out.ServerAnswered = errors.As(cause, &er)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	ts, err := c.ListProjectTokens(cctx, r.Target, r.Name)
	if err != nil {
		out.CheckErr = err
		return out
	}
	out.Checked = true
	var found *TokenInfo
	for i := range ts {
		t := ts[i]
		if t.Name != r.Name || t.Revoked {
			continue
		}
		if beforeErr == nil && before[t.ID] {
			continue
		}
		// Without the "before" list, fall back to time, allowing for clock skew.
		if beforeErr != nil && t.CreatedAt.Before(start.Add(-2*time.Minute)) {
			continue
		}
		if found == nil || t.ID > found.ID {
			found = &t
		}
	}
	out.Orphan = found
	return out
}

func scopeStrings(ss []token.Scope) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
