// Package fake is a stand-in for GitLab's REST API, strict about the rules
// GitLab documents (authentication, scopes, roles, token lifetime, status
// codes and bodies), with seed data, fault injection and a record of the
// requests it received. Tests use it through httptest; --demo and end-to-end
// tests run it in-process or as cmd/fake-gitlab.
package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Server is the stand-in GitLab. Its zero value is not usable; call New.
type Server struct {
	mu        sync.Mutex
	users     map[int]*User
	tokens    map[int]*Token
	groups    map[int]*Group
	projects  map[int]*Project
	nextUser  int
	nextToken int
	version   string
	requests  []Recorded
	faults    []*Fault
	latency   time.Duration
	// community is GitLab's Community Edition (SetCommunity).
	community   bool
	devices     []*device
	autoDecide  *autoDecision
	browserUser int
	hostileJSON bool
	// nullElements puts null elements into every JSON list answer.
	nullElements bool
	// nextValues are the values the next created or rotated tokens get.
	nextValues []string
	adminMode  bool
	life       lifetime
	features   features
	// deviceInterval is the OAuth device flow's polling interval in seconds (default 5).
	deviceInterval int
	audit          auditState

	// Now is the server's clock; tests may replace it before serving.
	Now func() time.Time
}

// Recorded is one request the server received, with credentials redacted.
type Recorded struct {
	Method string
	// Path is the escaped path, as sent (e.g. /api/v4/projects/acme%2Fweb/access_tokens).
	Path  string
	Query url.Values
	Body  string
	// Auth names the credential used ("token 2"), "none" or "invalid"; never its value.
	Auth   string
	Status int
}

// New returns a server loaded with the named seed (see Seeds).
func New(seed string) (*Server, error) {
	s := &Server{
		users: map[int]*User{}, tokens: map[int]*Token{}, groups: map[int]*Group{}, projects: map[int]*Project{},
		nextUser: 1, nextToken: 1, version: "17.11.2-ee", Now: time.Now,
	}
	if err := s.seed(seed); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) now() time.Time { return s.Now().UTC() }

// SetCommunity makes the stand-in GitLab's Community Edition: /version
// says "enterprise": false, and before 18.11 it has no service accounts.
func (s *Server) SetCommunity(on bool) { s.mu.Lock(); s.community = on; s.mu.Unlock() }

// SetVersion sets the version GET /version reports.
func (s *Server) SetVersion(v string) { s.mu.Lock(); s.version = v; s.mu.Unlock() }

// SetLatency delays every response by d.
func (s *Server) SetLatency(d time.Duration) { s.mu.Lock(); s.latency = d; s.mu.Unlock() }

// Requests returns a copy of the requests received so far.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.requests...)
}

// CountRequests counts received requests with the method whose path ends with suffix.
func (s *Server) CountRequests(method, suffix string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// Tokens returns copies of the tokens of a resource ("project:100"), or of
// every token when resource is "*".
func (s *Server) Tokens(resource string) []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Token
	for id := 1; id < s.nextToken; id++ {
		if t := s.tokens[id]; t != nil && (resource == "*" || t.Resource == resource) {
			out = append(out, *t)
		}
	}
	return out
}

// AddPersonalToken gives user uid a personal token and returns its value; for tests.
func (s *Server) AddPersonalToken(uid int, name string, scopes []string, expires string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := newTokenValue()
	s.addToken(Token{Name: name, Value: v, UserID: uid, Scopes: scopes, ExpiresAt: expires, CreatedAt: s.now()})
	return v
}

type ctx struct {
	// hostile makes every JSON answer odd: nulls and fields nobody expects.
	hostile bool
	// nulls puts null elements into every list answer.
	nulls bool
	w     http.ResponseWriter
	r     *http.Request
	seg   []string
	body  []byte
	user  *User
	tok   *Token
	rec   *Recorded
}

func (c *ctx) json(status int, v any) {
	if c.hostile {
		v = hostileJSON(v)
	}
	if c.nulls {
		v = withNulls(v)
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	c.rec.Status = status
	_ = json.NewEncoder(c.w).Encode(v)
}

func (c *ctx) message(status int, msg string) { c.json(status, map[string]string{"message": msg}) }
func (c *ctx) errorField(msg string)          { c.json(400, map[string]string{"error": msg}) }
func (c *ctx) notFound(what string)           { c.message(404, "404 "+what+" Not Found") }

// noContent answers 204 without a body (no_content!).
func (c *ctx) noContent() { c.rec.Status = 204; c.w.WriteHeader(204) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w, done := s.audit.enter(w)
	defer done()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rec := &Recorded{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Body: redactBody(body), Auth: "none"}
	// The request is on record before any fault acts, so a client that sees a
	// reset can already count it; the final status and caller are filled in after.
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, *rec)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.requests[idx] = *rec
		s.mu.Unlock()
	}()
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if s.audit.rate.limited(w, r, rec, s.now()) {
		return
	}
	// Only now is the fault sure to act: a request the rate limiter
	// refused, or whose client gave up waiting, uses none of its Times.
	s.mu.Lock()
	fault := s.takeFault(r.Method, rec.Path)
	s.mu.Unlock()
	if fault != nil && fault.Kind == FaultTimeoutThenCommit {
		// The proxy's answer now; GitLab's work a little later, on its own.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fault.Status)
		rec.Status = fault.Status
		_, _ = w.Write([]byte("<html><body><h1>504 Gateway Time-out</h1></body></html>\n"))
		late := r.Clone(context.Background())
		go func() {
			time.Sleep(fault.Delay)
			s.route(&ctx{w: &discardWriter{header: http.Header{}}, r: late, body: body, rec: &Recorded{}})
		}()
		return
	}
	if fault != nil && !fault.Kind.commitsFirst() {
		fault.apply(w, r, rec)
		return
	}
	s.mu.Lock()
	hostile, nulls := s.hostileJSON, s.nullElements
	s.mu.Unlock()
	c := &ctx{w: w, r: r, body: body, rec: rec, hostile: hostile, nulls: nulls}
	if fault != nil {
		c.w = &discardWriter{header: http.Header{}}
	}
	s.route(c)
	if fault != nil {
		fault.apply(w, r, rec)
	}
}

func (s *Server) route(c *ctx) {
	p := c.r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/api/v4/") {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.routeWeb(c, p)
		return
	}
	for _, raw := range strings.Split(strings.TrimPrefix(p, "/api/v4/"), "/") {
		v, err := url.PathUnescape(raw)
		if err != nil {
			c.message(400, "400 Bad request - invalid path")
			return
		}
		c.seg = append(c.seg, v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authenticate(c) {
		return
	}
	h := s.handler(c)
	// The Community Edition has no service-account routes before they came
	// to every edition (18.11): Grape answers an unknown route with 404.
	if s.community && versionBefore(s.version, "18.11") && slices.Contains(c.seg, "service_accounts") {
		h = nil
	}
	if h == nil {
		c.message(404, "404 Not Found")
		return
	}
	h(c)
}

func (s *Server) handler(c *ctx) func(*ctx) {
	seg, m := c.seg, c.r.Method
	is := func(method string, pattern ...string) bool {
		if method != m || len(pattern) != len(seg) {
			return false
		}
		for i, want := range pattern {
			if want != "*" && want != seg[i] {
				return false
			}
		}
		return true
	}
	switch {
	case is("GET", "version"):
		return s.getVersion
	case is("GET", "application", "settings"):
		return s.getSettings
	case is("GET", "user"):
		return s.getUser
	case is("GET", "users"):
		return s.listUsers
	case is("GET", "personal_access_tokens", "self"):
		return s.getSelf
	case is("DELETE", "personal_access_tokens", "self"):
		return s.revokeSelf
	case is("GET", "personal_access_tokens"):
		return s.listPersonalTokens
	case is("GET", "personal_access_tokens", "*"):
		return s.getPersonalToken
	case is("DELETE", "personal_access_tokens", "*"):
		return s.revokePersonalToken
	case is("POST", "personal_access_tokens", "*", "rotate"):
		return s.rotatePersonalToken
	case is("GET", "users", "*"):
		return s.getUserByID
	case is("POST", "users", "*", "personal_access_tokens"):
		return s.createUserToken
	case is("POST", "user", "personal_access_tokens"):
		return s.createOwnToken
	case is("GET", "namespaces", "*"):
		return s.getNamespace
	case is("GET", "projects"):
		return s.listProjects
	case is("GET", "projects", "*"):
		return s.getProject
	case is("GET", "projects", "*", "members", "all", "*"):
		return s.getProjectMember
	case is("GET", "projects", "*", "repository", "commits"):
		return s.listCommits
	case is("GET", "groups"):
		return s.listGroups
	case is("GET", "groups", "*"):
		return s.getGroup
	case is("GET", "groups", "*", "projects"):
		return s.listGroupProjects
	case is("GET", "groups", "*", "members", "all", "*"):
		return s.getGroupMember
	case is("POST", "groups", "*", "members"), is("POST", "projects", "*", "members"):
		return s.createMember
	case is("GET", "groups", "*", "members", "*"), is("GET", "projects", "*", "members", "*"):
		return s.getDirectMember
	case is("GET", "groups", "*", "service_accounts"):
		return s.listServiceAccounts
	case is("POST", "groups", "*", "service_accounts"):
		return s.createServiceAccount
	case is("DELETE", "groups", "*", "service_accounts", "*"):
		return s.deleteServiceAccount
	case is("GET", "groups", "*", "service_accounts", "*", "personal_access_tokens"):
		return s.listServiceAccountTokens
	case is("POST", "groups", "*", "service_accounts", "*", "personal_access_tokens"):
		return s.createServiceAccountToken
	case is("DELETE", "groups", "*", "service_accounts", "*", "personal_access_tokens", "*"):
		return s.revokeServiceAccountToken
	case is("POST", "groups", "*", "service_accounts", "*", "personal_access_tokens", "*", "rotate"):
		return s.rotateServiceAccountToken
	case is("GET", "groups", "*", "descendant_groups"):
		return s.listDescendantGroups
	case is("GET", "groups", "*", "manage", "resource_access_tokens"):
		return s.listManagedResourceTokens
	}
	if len(seg) >= 3 && (seg[0] == "projects" || seg[0] == "groups") && seg[2] == "access_tokens" {
		switch {
		case is("GET", "*", "*", "access_tokens"):
			return s.listResourceTokens
		case is("POST", "*", "*", "access_tokens"):
			return s.createResourceToken
		case is("GET", "*", "*", "access_tokens", "*"):
			return s.getResourceToken
		case is("DELETE", "*", "*", "access_tokens", "*"):
			return s.revokeResourceToken
		case is("POST", "*", "*", "access_tokens", "*", "rotate"):
			return s.rotateResourceToken
		}
	}
	return nil
}

// authenticate finds the caller. Every endpoint here needs one, as on a
// private instance; it writes GitLab's 401 bodies and returns false otherwise.
func (s *Server) authenticate(c *ctx) bool {
	v := c.r.Header.Get("PRIVATE-TOKEN")
	if v == "" {
		if a := c.r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
			v = strings.TrimSpace(a[7:])
		}
	}
	if v == "" {
		c.message(401, "401 Unauthorized")
		return false
	}
	c.rec.Auth = "invalid"
	t := s.tokenByValue(v)
	if t == nil || s.users[t.UserID] == nil {
		c.message(401, "401 Unauthorized")
		return false
	}
	c.rec.Auth = fmt.Sprintf("token %d", t.ID)
	if s.expired(t) {
		c.json(401, map[string]string{"error": "invalid_token", "error_description": "Token is expired. You can either do re-authorization or token refresh."})
		return false
	}
	if t.Revoked {
		// auth_finders.rb: a revoked token used to rotate (itself, or any
		// token by id) revokes its whole family: it was leaked, or replayed.
		if rotatePath.MatchString(c.r.URL.Path) {
			s.revokeFamily(t)
		}
		c.json(401, map[string]string{"error": "invalid_token", "error_description": "Token was revoked. You have to re-authorize from the user."})
		return false
	}
	now := s.now()
	t.LastUsedAt = &now
	c.tok, c.user = t, s.users[t.UserID]
	return true
}

func (s *Server) expired(t *Token) bool {
	if t.OAuth {
		return !s.now().Before(t.OAuthExpires)
	}
	if t.ExpiresAt == "" {
		return false
	}
	return s.now().Format("2006-01-02") >= t.ExpiresAt
}

// rotatePath matches the requests that make a revoked token's family
// revoked (auth_finders.rb access_token_rotation_request?).
var rotatePath = regexp.MustCompile(`access_tokens/(\d+|self)/rotate$`)

// revokeFamily revokes every token rotated from t, and t's ancestors'
// descendants: the whole chain; s.mu is held.
func (s *Server) revokeFamily(t *Token) {
	root := t
	for root.PreviousID != 0 && s.tokens[root.PreviousID] != nil {
		root = s.tokens[root.PreviousID]
	}
	family := map[int]bool{root.ID: true}
	for changed := true; changed; {
		changed = false
		for _, o := range s.tokens {
			if !family[o.ID] && family[o.PreviousID] {
				family[o.ID], changed = true, true
			}
		}
	}
	for id := range family {
		s.tokens[id].Revoked = true
	}
}

// requireScope enforces that the calling token carries one of the scopes.
func (s *Server) requireScope(c *ctx, scopes ...string) bool {
	for _, have := range c.tok.Scopes {
		for _, want := range scopes {
			if have == want {
				return true
			}
		}
	}
	c.json(403, map[string]string{"error": "insufficient_scope",
		"error_description": "The request requires higher privileges than provided by the access token.",
		"scope":             strings.Join(scopes, " ")})
	return false
}

func (s *Server) canRead(c *ctx) bool  { return s.requireScope(c, "api", "read_api") }
func (s *Server) canWrite(c *ctx) bool { return s.requireScope(c, "api") }

// Start serves a new stand-in with the named seed on a loopback port. Close
// the returned server when done; its URL is the instance address.
func Start(seed string) (*Server, *httptest.Server, error) {
	s, err := New(seed)
	if err != nil {
		return nil, nil, err
	}
	return s, httptest.NewServer(s), nil
}
