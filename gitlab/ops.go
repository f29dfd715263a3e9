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
	// OAuth is true when the caller signed in with an OAuth token.
	OAuth bool
	// Lifetime is the instance's token lifetime rule, known only to
	// administrators (it is read from the instance settings).
	Lifetime token.Lifetime
	// Community is true when /version says the instance runs GitLab's
	// Community Edition ("enterprise": false), which has no service accounts
	// before they came to Free (token.ServiceAccountFreeSince).
	Community bool
}

// versionInfo is GET /version: client-go's Version leaves "enterprise" out.
type versionInfo struct {
	Version    string `json:"version"`
	Enterprise *bool  `json:"enterprise"`
}

// readVersion is the one reader of GET /version: it sanitizes the version
// and remembers it for the rest of the run (knownVersion).
func (c *Client) readVersion(ctx context.Context) (versionInfo, *gl.Response, error) {
	var v versionInfo
	resp, err := c.getJSON(ctx, "version", nil, &v)
	if err != nil {
		return versionInfo{}, resp, err
	}
	v.Version = safe.Line(v.Version, 64)
	if v.Version != "" {
		c.version.Store(v.Version)
	}
	return v, resp, nil
}

// ShortLivedDays is the remaining lifetime at or below which a sign-in token
// looks made just for this run.
const ShortLivedDays = 7

// ShortLived reports whether the caller's credential is a personal token that
// expires within ShortLivedDays: one made just to run the wizard, worth
// revoking after.
func (p Preflight) ShortLived(now time.Time) bool {
	return !p.OAuth && !p.Self.ExpiresAt.IsZero() && token.DaysUntil(p.Self.ExpiresAt, now) <= ShortLivedDays
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

// Preflight fetches the version, the current user, the credential's own
// description and the instance's lifetime rule concurrently, so the four
// cost one round trip. Only administrators may read the rule; for anyone
// else that request is refused and the rule stays unknown.
func (c *Client) Preflight(ctx context.Context) (Preflight, error) {
	var (
		p                Preflight
		wg               sync.WaitGroup
		errV, errU, errS error
		ver              versionInfo
		user             *gl.User
		lifetime         token.Lifetime
	)
	wg.Add(4)
	go func() { defer wg.Done(); lifetime = c.instanceLifetime(ctx) }()
	go func() { defer wg.Done(); ver, _, errV = c.readVersion(ctx) }()
	go func() { defer wg.Done(); user, _, errU = c.gl.Users.CurrentUser(gl.WithContext(ctx)) }()
	go func() {
		defer wg.Done()
		if c.opts.OAuth {
			// An OAuth token is not a personal access token: /oauth/token/info describes it.
			p.Self, errS = c.oauthInfo(ctx)
			p.Self.Name = "OAuth sign-in"
			return
		}
		var self *gl.PersonalAccessToken
		if self, _, errS = c.gl.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(ctx)); errS == nil && self != nil {
			p.Self = fromPAT(self, 0)
		}
	}()
	wg.Wait()
	if errS == nil && p.Self.ID == 0 && !c.opts.OAuth {
		errS = errNullAnswer
	}
	if errU == nil && user == nil {
		errU = errNullAnswer
	}
	// The credential's own record explains most failures best (expired, revoked), so check it first.
	if errS != nil {
		return Preflight{}, c.classify(errS, "check your credential")
	}
	p.OAuth, p.Lifetime = c.opts.OAuth, lifetime
	if errU != nil {
		return p, c.classify(errU, "read your user")
	}
	p.User = fromUser(user)
	if errV == nil {
		p.Version, p.Community = ver.Version, ver.Enterprise != nil && !*ver.Enterprise
	}
	c.credentialOK.Store(true)
	return p, nil
}

// CheckCanCreate explains why the signed-in credential cannot create tokens
// (token.Facts.CredentialProblem, the rule create and the wizard share), or
// returns nil.
func (p Preflight) CheckCanCreate(now time.Time) error {
	err := p.facts().CredentialProblem(now, "creating")
	var rf *token.Refusal
	if !errors.As(err, &rf) {
		return err
	}
	code := map[token.Reason]Code{token.ReasonScope: CodeInsufficientScope, token.ReasonExpired: CodeExpired}[rf.Reason]
	if code == "" {
		code = CodeNoPermission
	}
	return &Error{Code: code, Explanation: rf.Message, Field: rf.Field, cause: rf}
}

// SearchProjects lists projects where the caller has at least role min whose
// name or path matches query, searched by GitLab (never a full listing).
// min RoleNone lists every project the caller can see (for administrators,
// who may manage any).
func (c *Client) SearchProjects(ctx context.Context, query string, limit int, min token.Role) ([]Project, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	opt := &gl.ListProjectsOptions{
		ListOptions: gl.ListOptions{PerPage: int64(limit)},
		OrderBy:     gl.Ptr("last_activity_at"),
		Simple:      gl.Ptr(false),
	}
	if min != token.RoleNone {
		opt.Membership, opt.MinAccessLevel = gl.Ptr(true), gl.Ptr(gl.AccessLevelValue(min))
	}
	if q := strings.TrimSpace(query); q != "" {
		opt.Search = gl.Ptr(q)
		opt.SearchNamespaces = gl.Ptr(true) // "widgets" finds widgets/shop: the group's path counts too
	}
	ps, _, err := c.gl.Projects.ListProjects(opt, gl.WithContext(ctx))
	if err != nil {
		return nil, c.classify(err, "search projects")
	}
	out := make([]Project, 0, len(ps))
	for _, p := range nonNil(ps) {
		pr := fromProject(p)
		// A list's permissions leave out roles held through a parent group
		// or a group share (entities/project_with_access.rb preloads only
		// the project's own group), but min_access_level has already
		// promised at least min: never show a project as out of reach
		// because of what the list left out.
		if min != token.RoleNone && pr.Role < min {
			pr.Role, pr.RoleAtLeast = min, true
		}
		out = append(out, pr)
	}
	return out, nil
}

// GetProject looks a project up by full path or numeric id.
func (c *Client) GetProject(ctx context.Context, target string) (Project, error) {
	p, _, err := c.gl.Projects.GetProject(projectID(target), nil, gl.WithContext(ctx))
	switch {
	case err == nil && p == nil:
		err = errNullAnswer
	case err == nil && p.ID == 0 && p.PathWithNamespace == "":
		err = errEmptyAnswer
	}
	if err != nil {
		return Project{}, c.classify(err, fmt.Sprintf("find project %s", safe.Line(target, 100)))
	}
	return fromProject(p), nil
}

// ambiguous reports whether GitLab may have acted on a request that failed.
// Statuses below 500 are definite refusals; errors before the request left
// (DNS, refused connection, TLS) are definite too.
func ambiguous(err error) bool {
	// A redirect is not followed, but the write reached whoever answered
	// with it (a proxy that forwards, then sends a login page): GitLab
	// itself never redirects the API, so what happened is not known.
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return true
	}
	if errors.Is(err, gl.ErrNotFound) {
		return false
	}
	// Only a 4xx is GitLab refusing the request. A 5xx, and any status
	// GitLab's API never sends for a write (1xx, a 3xx without Location,
	// an odd 2xx client-go does not take), may come from something that
	// passed the write on.
	var er *gl.ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode >= 500 || er.StatusCode < 400
	}
	return !notSent(err)
}

func scopeStrings(ss []token.Scope) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
