// Package gitlab is the adapter between gitlab-token-wizard and GitLab's REST
// API, built on client-go v2. Our own types go in and out; no client-go type
// leaks past this package. Token-creating requests are never retried
// automatically (DESIGN invariant 1), and every string from the server is
// sanitized before it leaves this package (invariant 4).
package gitlab

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
	"golang.org/x/net/http/httpproxy"
	"golang.org/x/oauth2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/token"
)

// Options configure a Client.
type Options struct {
	// Host is the instance address as the user typed it; see NormalizeHost.
	Host string
	// Token is the caller's credential. It is sent as PRIVATE-TOKEN, or as a
	// Bearer token when OAuth is set.
	Token token.Secret
	OAuth bool
	// CredentialSource says where Token came from, as a phrase that names
	// what to fix ("the token in GITLAB_TOKEN", "the token piped to
	// --token-stdin"): a refusal that blames the sign-in names it, and
	// nothing else ("" is "your credential").
	CredentialSource string
	UserAgent        string
	// Timeout bounds each HTTP request (default 30 s).
	Timeout time.Duration
	// CAFile adds a PEM bundle of trusted authorities to the system's.
	CAFile    string
	AllowHTTP bool
	// MaxRateLimitWait bounds the wait before the single retry of a
	// rate-limited create (default 60 s); longer waits are reported instead.
	MaxRateLimitWait time.Duration
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
	// Proxy chooses the proxy of each request (nil: none); see ProxyFromEnv.
	Proxy func(*http.Request) (*url.URL, error)
	// Debug, when set, receives a log of every request and response with the
	// secrets taken out (--debug).
	Debug io.Writer
	// Scrub removes the credential, new tokens and URL user info from every
	// message this client builds and from the debug log. The client registers
	// its credential and every token it receives. nil: a private one.
	Scrub *scrub.Scrubber
	// Notify, when set, is told of waits and checks a person should hear
	// about ("GitLab asks to wait 20 s"), as they start.
	Notify func(string)
	// GitLabCom makes the client treat the instance as GitLab.com, where the
	// namespace's plan decides whether project and group tokens exist (the
	// host gitlab.com is recognised without it; --demo sets it).
	GitLabCom bool
	// OrphanWindow is how long the check after an ambiguous create or rotate
	// keeps looking for the token it may have made (default 6 s).
	OrphanWindow time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Client talks to one GitLab instance as one caller.
type Client struct {
	gl      *gl.Client
	hc      *http.Client
	base    string
	opts    Options
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	newAuth func(token.Secret) (*gl.Client, error)
	// credentialOK is set once a pre-flight proved the credential works:
	// a 401 after that is GitLab's answer to a caller without rights.
	credentialOK atomic.Bool
	// version is the instance's, once a pre-flight read it.
	version atomic.Value
	// probes holds, by group path, a project of the group with a
	// repository, picked with the caller's credential while the facts were
	// gathered: the verification of a token that reaches the group reads it
	// in the same round as the group's listing (see readsAGroup).
	probes sync.Map
}

// New builds a Client. It fails on a bad host or CA file, before any request.
func New(o Options) (*Client, error) {
	base, err := NormalizeHost(o.Host, o.AllowHTTP)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxRateLimitWait <= 0 {
		o.MaxRateLimitWait = 60 * time.Second
	}
	if o.UserAgent == "" {
		o.UserAgent = "gitlab-token-wizard/dev"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OrphanWindow <= 0 {
		o.OrphanWindow = 6 * time.Second
	}
	if o.Scrub == nil {
		o.Scrub = scrub.New()
	}
	o.Scrub.Add(o.Token.Reveal())
	hc, err := newHTTPClient(httpConfig{caFile: o.CAFile, proxy: o.Proxy, transport: o.Transport, debug: o.Debug,
		scrub: o.Scrub, timeout: o.Timeout})
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, hc: hc, opts: o, now: o.Now, sleep: sleepCtx}
	c.newAuth = func(s token.Secret) (*gl.Client, error) {
		opts := []gl.ClientOptionFunc{
			gl.WithBaseURL(base + "/api/v4"),
			gl.WithHTTPClient(hc),
			gl.WithUserAgent(o.UserAgent),
			gl.WithOnlyIdempotentRetries(),
			gl.WithCustomRetry(c.checkRetry),
			gl.WithCustomBackoff(c.backoff),
			// client-go would otherwise build a limiter from the first
			// RateLimit-Limit header and wait on it silently and unbounded.
			gl.WithCustomLimiter(noLimiter{}),
			gl.WithCustomRetryMax(2),
			gl.WithURLWarningLogger(slog.New(slog.DiscardHandler)),
		}
		if o.OAuth {
			src := gl.OAuthTokenSource{TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: s.Reveal()})}
			return gl.NewAuthSourceClient(src, opts...)
		}
		return gl.NewClient(s.Reveal(), opts...)
	}
	c.gl, err = c.newAuth(o.Token)
	if err != nil {
		return nil, fmt.Errorf("set up the GitLab client: %w", err)
	}
	return c, nil
}

// BaseURL returns the normalized instance address.
func (c *Client) BaseURL() string { return c.base }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ProxyFromEnv is the proxy choice of HTTPS_PROXY, HTTP_PROXY and NO_PROXY
// (and their lower-case forms) as getenv reports them, read when called
// rather than once per process, as net/http does. Loopback hosts are never proxied.
func ProxyFromEnv(getenv func(string) string) func(*http.Request) (*url.URL, error) {
	get := func(names ...string) string {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	cfg := &httpproxy.Config{HTTPProxy: get("HTTP_PROXY", "http_proxy"), HTTPSProxy: get("HTTPS_PROXY", "https_proxy"),
		NoProxy: get("NO_PROXY", "no_proxy")}
	f := cfg.ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return f(r.URL) }
}

// noRetry is the retry policy of token-creating requests: never.
func noRetry(context.Context, *http.Response, error) (bool, error) { return false, nil }

// User is a GitLab account.
type User struct {
	ID       int64
	Username string
	Name     string
	IsAdmin  bool
	Bot      bool
}

// TokenInfo describes an access token, without its value.
type TokenInfo struct {
	ID          int64
	Name        string
	Description string
	Scopes      []string
	// ExpiresAt is zero for a token that never expires.
	ExpiresAt  time.Time
	CreatedAt  time.Time
	LastUsedAt time.Time
	// LastUsedIPs are the addresses that used it last, where GitLab says
	// (19.2+ behind a flag, 19.4+ always).
	LastUsedIPs []string
	Active      bool
	Revoked     bool
	UserID      int64
	AccessLevel token.Role
}

// NewToken is a token just created: its description and its value.
type NewToken struct {
	TokenInfo
	Value token.Secret
}

// Project is a project the caller can see.
type Project struct {
	ID     int64
	Path   string // full path, group/sub/project
	Name   string
	WebURL string
	// Role is the caller's role on it, when GitLab said.
	Role token.Role
	// RoleAtLeast marks a Role that is only a lower bound: a search's
	// min_access_level, where GitLab's list left out a role held through a
	// parent group or a share.
	RoleAtLeast bool
}

func fromPAT(t *gl.PersonalAccessToken, level gl.AccessLevelValue) TokenInfo {
	ti := TokenInfo{
		ID: t.ID, Name: safe.Line(t.Name, 255), Description: safe.Line(t.Description, 255),
		Active: t.Active, Revoked: t.Revoked, UserID: t.UserID, AccessLevel: token.Role(level),
	}
	for _, s := range t.Scopes {
		ti.Scopes = append(ti.Scopes, safe.Line(s, 64))
	}
	if t.ExpiresAt != nil {
		ti.ExpiresAt = time.Time(*t.ExpiresAt).UTC()
	}
	if t.CreatedAt != nil {
		ti.CreatedAt = t.CreatedAt.UTC()
	}
	if t.LastUsedAt != nil {
		ti.LastUsedAt = t.LastUsedAt.UTC()
	}
	return ti
}

func fromProject(p *gl.Project) Project {
	out := Project{ID: p.ID, Path: safe.Line(p.PathWithNamespace, 255), Name: safe.Line(p.Name, 255), WebURL: safe.Line(p.WebURL, 500)}
	if pm := p.Permissions; pm != nil {
		if pm.ProjectAccess != nil {
			out.Role = token.Role(pm.ProjectAccess.AccessLevel)
		}
		if pm.GroupAccess != nil && token.Role(pm.GroupAccess.AccessLevel) > out.Role {
			out.Role = token.Role(pm.GroupAccess.AccessLevel)
		}
	}
	return out
}

// projectID is what client-go accepts for a project: a numeric id or a full path.
func projectID(target string) any {
	t := strings.Trim(strings.TrimSpace(target), "/")
	if n, err := strconv.ParseInt(t, 10, 64); err == nil && n > 0 && strconv.FormatInt(n, 10) == t {
		return n
	}
	return t
}
