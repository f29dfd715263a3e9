package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// DefaultAuditConcurrency is how many requests an audit keeps in flight
// unless told otherwise: enough to hide latency, few enough not to hurt GitLab.
const DefaultAuditConcurrency = 8

// AuditOptions say what an audit covers and how hard it may press GitLab.
type AuditOptions struct {
	// Exactly one of: a project; a group with its subgroups and all their
	// projects; or, for administrators, the whole instance.
	Project, Group string
	Instance       bool
	// Concurrency is the most requests in flight at once (default 8).
	Concurrency int
	// IncludeExpired also lists expired (never revoked) tokens; by default
	// GitLab is asked for active tokens only (state=active).
	IncludeExpired bool
	// Progress hears how far the audit got after every change. It is called
	// from many goroutines and must be quick.
	Progress func(AuditProgress)
	// OnWait hears of each rate-limit pause before it starts.
	OnWait func(d time.Duration, why string)
}

// AuditProgress is how far an audit got.
type AuditProgress struct {
	Projects, Groups int
	// ProjectsTotal is the number of projects to walk, or -1 while unknown
	// (GitLab does not count lists above 10 000 records).
	ProjectsTotal int
	Tokens        int
	Requests      int
}

// AuditReport is what an audit found.
type AuditReport struct {
	// Tokens are the tokens found, active ones only unless IncludeExpired.
	Tokens []token.Found
	// Inventory is true when GitLab's group credentials inventory listed the
	// group's tokens in one list instead of a walk of every project.
	Inventory bool
	// Projects and Groups count the projects and groups walked.
	Projects, Groups int
	// Readable counts the projects' and groups' token lists read.
	// Unreadable and Failed count the lists refused to the caller (who needs
	// Maintainer on a project, Owner on a group and its service accounts)
	// and failed by GitLab: those of projects and groups, and of groups'
	// service accounts (token.AccountsOf) and of each account.
	Readable, Unreadable, Failed int
	// UnreadableExamples names the first few places the caller may not read.
	UnreadableExamples []token.Place
	// FailedExample is the first failure behind Failed.
	FailedExample error
	// Requests counts the requests sent, RateLimited the 429s among them,
	// Paused the time spent waiting for GitLab's rate limit.
	Requests, RateLimited int
	Paused                time.Duration
	// Interrupted is true when the audit was stopped before the end.
	Interrupted bool
	// ServiceAccounts counts the groups' service accounts listed, whose
	// tokens were read (or counted above when they could not be).
	ServiceAccounts int
	// ServiceAccountsUnlisted says why no service account's tokens were
	// read, when the instance's GitLab cannot list them (before 17.11).
	ServiceAccountsUnlisted string
}

// maxExamples bounds the places kept to name in the report: the count is
// what matters, and memory must not grow with unreadable projects.
const maxExamples = 5

// maxFailuresInARow stops an audit against a GitLab that fails every
// request, instead of spending retries on each of ten thousand projects.
const maxFailuresInARow = 10

// audit is one run: its limiter, what it found, and how far it got.
type audit struct {
	c    *Client
	o    AuditOptions
	l    *limiter
	stop context.CancelCauseFunc

	mu        sync.Mutex
	rep       AuditReport
	seen      map[int64]bool
	personal  []token.Found
	total     int
	failsInAR int

	// version is the instance's GitLab version ("" unknown), which says
	// which groups can hold service accounts (holdsAccounts).
	version string
}

// Audit lists the tokens of a project, of a group and everything under it,
// or of the whole instance, with every request through one limiter: at most
// Concurrency in flight, paced by GitLab's rate-limit headers, a 429 waited
// out. Places the caller may not read are counted, not failures. When ctx
// is cancelled the report holds what was found so far, marked Interrupted.
func (c *Client) Audit(ctx context.Context, o AuditOptions) (*AuditReport, error) {
	if o.Concurrency < 1 {
		o.Concurrency = DefaultAuditConcurrency
	}
	a := &audit{c: c, o: o, l: c.newLimiter(o.Concurrency, o.OnWait), seen: map[int64]bool{}, total: -1}
	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	a.stop = stop
	me, err := a.currentUser(wctx)
	if err == nil && o.Project == "" {
		a.readVersion(wctx)
	}
	if err == nil {
		switch {
		case o.Project != "":
			err = a.auditProject(wctx)
		case o.Group != "":
			err = a.auditGroup(wctx)
		case !me.IsAdmin:
			err = &Error{Code: CodeNoPermission, Explanation: "an audit of the instance needs an administrator",
				Next: "sign in as an administrator (with Admin Mode on, a token with the admin_mode scope), or audit a --group you own"}
		default:
			err = a.auditInstance(wctx)
		}
	}
	if cause := context.Cause(wctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause // a fatal error a worker raised
	}
	if ctx.Err() != nil {
		rep := a.report()
		rep.Interrupted = true
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	return a.report(), nil
}

// fail stops the audit with err; the first error wins.
func (a *audit) fail(err error) { a.stop(err) }

func (a *audit) report() *AuditReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	rep := a.rep
	rep.Tokens = append(rep.Tokens, a.personal...)
	st := a.l.snapshot()
	rep.Requests, rep.RateLimited, rep.Paused = st.Requests, st.RateLimited, st.Paused
	return &rep
}

// progress tells the caller how far the audit got; a.mu is held.
func (a *audit) progressLocked() {
	if a.o.Progress != nil {
		a.o.Progress(AuditProgress{Projects: a.rep.Projects, Groups: a.rep.Groups, ProjectsTotal: a.total,
			Tokens: len(a.rep.Tokens) + len(a.personal), Requests: a.l.snapshot().Requests})
	}
}

func (a *audit) currentUser(ctx context.Context) (User, error) {
	var u *gl.User
	_, err := a.l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
		var (
			r   *gl.Response
			err error
		)
		u, r, err = a.c.gl.Users.CurrentUser(gl.WithContext(ctx), gl.WithRequestRetry(a.c.readRetry))
		return r, err
	})
	if err == nil && u == nil {
		err = errNullAnswer
	}
	if err != nil {
		return User{}, a.c.classify(err, "read your user")
	}
	return fromUser(u), nil
}

// readVersion reads the instance's version, which decides whether and
// where service accounts are listed; unread, every group is asked.
func (a *audit) readVersion(ctx context.Context) {
	// A pre-flight (the wizard's) has read it already: not asked twice.
	if a.version = a.c.knownVersion(); a.version == "" {
		if _, err := a.l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
			_, resp, err := a.c.readVersion(ctx)
			return resp, err
		}); err != nil {
			return
		}
		a.version = a.c.knownVersion()
	}
	a.rep.ServiceAccountsUnlisted = accountsUnlisted(a.version)
}

// accountsUnlisted says why GitLab version v lists no service account's
// tokens: a group's accounts are listed from 17.1, an account's tokens
// from 17.11. It is "" when they are listed, or v is unknown.
func accountsUnlisted(v string) string {
	switch {
	case v == "":
		return ""
	case token.VersionBefore(v, token.ServiceAccountListSince):
		return fmt.Sprintf("GitLab %s does not list a group's service accounts (17.1 and later do): their tokens are not in this audit", v)
	case token.VersionBefore(v, token.ServiceAccountTokensSince):
		return fmt.Sprintf("GitLab %s does not list a service account's tokens (17.11 and later do): they are not in this audit", v)
	}
	return ""
}

// holdsAccounts reports whether group p may have service accounts whose
// tokens the audit reads: where GitLab lists them, top-level groups, and
// subgroups from 18.11 (or when the version is unknown).
func (a *audit) holdsAccounts(p token.Place) bool {
	return a.rep.ServiceAccountsUnlisted == "" && token.CannotHoldAccounts(a.version, p.Path) == ""
}

// readRetry is the retry policy of the paced reads (audit, list): the
// client's own (a read that failed in transit or with a 5xx is sent again),
// but never after a 429 — the limiter waits those out for every request at
// once, and says so.
func (c *Client) readRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		return false, nil
	}
	return c.checkRetry(ctx, resp, err)
}

// getJSON sends GET path (under /api/v4, escaped) with the query q and
// decodes the answer into out; the one HTTP client bounds its size.
func (c *Client) getJSON(ctx context.Context, path string, q any, out any, extra ...gl.RequestOptionFunc) (*gl.Response, error) {
	return c.send(ctx, http.MethodGet, path, q, out, append([]gl.RequestOptionFunc{gl.WithRequestRetry(c.readRetry)}, extra...)...)
}

// send is every request the typed client-go calls do not cover: path
// under /api/v4, query or body, and the answer decoded into out.
func (c *Client) send(ctx context.Context, method, path string, in, out any, opts ...gl.RequestOptionFunc) (*gl.Response, error) {
	req, err := c.gl.NewRequest(method, path, in, append([]gl.RequestOptionFunc{gl.WithContext(ctx)}, opts...))
	if err != nil {
		return nil, err
	}
	return c.gl.Do(req, out)
}

// listQuery holds the query parameters of the lists an audit reads.
type listQuery struct {
	Page             int64  `url:"page,omitempty"`
	PerPage          int64  `url:"per_page,omitempty"`
	State            string `url:"state,omitempty"`
	IncludeSubgroups bool   `url:"include_subgroups,omitempty"`
	WithShared       *bool  `url:"with_shared,omitempty"`
	WithProjects     *bool  `url:"with_projects,omitempty"`
	Simple           bool   `url:"simple,omitempty"`
	AllAvailable     bool   `url:"all_available,omitempty"`
	Pagination       string `url:"pagination,omitempty"`
	OrderBy          string `url:"order_by,omitempty"`
	Sort             string `url:"sort,omitempty"`
	// Token lists: the name searched for, and a personal token's owner.
	Search string `url:"search,omitempty"`
	UserID int64  `url:"user_id,omitempty"`
}

// rawToken is a token as GitLab's lists send it, decoded leniently: dates
// as text, so one odd value costs a field, not the page.
type rawToken struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Scopes       []string `json:"scopes"`
	Revoked      bool     `json:"revoked"`
	Active       *bool    `json:"active"`
	CreatedAt    string   `json:"created_at"`
	ExpiresAt    string   `json:"expires_at"`
	LastUsedAt   string   `json:"last_used_at"`
	LastUsedIPs  []string `json:"last_used_ips"`
	UserID       int64    `json:"user_id"`
	AccessLevel  int      `json:"access_level"`
	ResourceType string   `json:"resource_type"`
	ResourceID   int64    `json:"resource_id"`
}

// active is GitLab's word for the token, or, from a server that leaves it
// out, what it means: not revoked and not expired (at 00:00 UTC on expires_at).
func (t *rawToken) active(now time.Time) bool {
	if t.Active != nil {
		return *t.Active
	}
	d, err := time.Parse(token.DateLayout, strings.TrimSpace(t.ExpiresAt))
	return !t.Revoked && (err != nil || d.After(token.Today(now)))
}

// found turns a listed token into ours, every string made safe to show.
func (t *rawToken) found(p token.Place, now time.Time) token.Found {
	f := token.Found{Where: p, ID: t.ID, Name: safe.Line(t.Name, 255), Role: token.Role(t.AccessLevel),
		Active: t.active(now), Revoked: t.Revoked, CreatedAt: parseTime(t.CreatedAt), LastUsedAt: parseTime(t.LastUsedAt)}
	if d, err := time.Parse(token.DateLayout, strings.TrimSpace(t.ExpiresAt)); err == nil {
		f.ExpiresAt = d
	}
	for i, s := range t.Scopes {
		if i == 50 {
			break
		}
		f.Scopes = append(f.Scopes, safe.Line(s, 64))
	}
	for i, ip := range t.LastUsedIPs {
		if i == 10 {
			break
		}
		f.LastUsedIPs = append(f.LastUsedIPs, safe.Line(ip, 64))
	}
	return f
}

// info turns a listed token into a TokenInfo, every string made safe to show.
func (t *rawToken) info(now time.Time) TokenInfo {
	f := t.found(token.Place{}, now)
	return TokenInfo{ID: f.ID, Name: f.Name, Scopes: f.Scopes, ExpiresAt: f.ExpiresAt, CreatedAt: f.CreatedAt, LastUsedAt: f.LastUsedAt,
		LastUsedIPs: f.LastUsedIPs, Active: f.Active, Revoked: f.Revoked, UserID: t.UserID, AccessLevel: f.Role}
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// rawPlace is a project or group as GitLab's lists send it.
type rawPlace struct {
	ID                int64  `json:"id"`
	PathWithNamespace string `json:"path_with_namespace"`
	FullPath          string `json:"full_path"`
	ParentID          *int64 `json:"parent_id"`
}

func (r *rawPlace) place(k token.Kind) token.Place {
	path := r.FullPath
	if k == token.KindProject {
		path = r.PathWithNamespace
	}
	return token.Place{Kind: k, ID: r.ID, Path: safe.Line(path, 255)}
}

// listRefusal tells apart the two meanings of a 401 on a project's or
// group's token list: GitLab answers it both to a credential it does not
// accept and to a caller below Maintainer (Owner for a group), with the same
// body (resource_access_tokens.rb: unauthorized!). When the credential still
// reads the caller's own user, the refusal is about the rights on the target.
func (c *Client) listRefusal(ctx context.Context, r token.Request, err error) error {
	var ge *Error
	if r.Kind == token.KindServiceAccount && errors.As(err, &ge) && ge.Code == CodeNotFound &&
		token.VersionBefore(c.versionFor(ctx), token.ServiceAccountTokensSince) {
		// …/service_accounts/:user_id/personal_access_tokens (GET, DELETE)
		// came in 17.11; the rotate endpoint is older (16.1).
		ge.Explanation = fmt.Sprintf("GitLab %s cannot list, read or revoke a service account's tokens through the group (17.11 and later can)", c.knownVersion())
		ge.Next = "rotate by id still works; to revoke, an administrator can use the Admin area (Users, the account, Access tokens)"
		return ge
	}
	if r.Kind == token.KindPersonal || !errors.As(err, &ge) || ge.Code != CodeUnauthorized {
		return err
	}
	if _, _, uerr := c.gl.Users.CurrentUser(gl.WithContext(ctx)); uerr != nil {
		return err
	}
	need := "Maintainer or Owner role on the project"
	if r.Kind == token.KindGroup || r.Kind == token.KindServiceAccount {
		need = "Owner role on the group"
	}
	return &Error{Code: CodeNoPermission, Status: ge.Status, ServerMessage: ge.ServerMessage, Field: token.FieldTarget,
		Explanation: fmt.Sprintf("you may not read the access tokens of %s %s", r.Kind, safe.Line(r.Target, 100)),
		Next:        "that needs the " + need + "; your credential itself works", cause: ge}
}
