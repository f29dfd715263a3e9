package gitlab

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

func setup(t *testing.T, cred string) (*fake.Server, *Client) {
	t.Helper()
	srv, c := setupWith(t, Options{Token: token.Secret(cred), Timeout: 5 * time.Second})
	c.sleep = func(context.Context, time.Duration) error { return nil }
	return srv, c
}

// setupWith starts the demo stand-in and a client with o, its Host the
// stand-in's; the client sleeps for real (tests of waits and windows).
func setupWith(t *testing.T, o Options) (*fake.Server, *Client) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	o.Host = ts.URL
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func jiraRead() token.Request {
	return token.Request{Kind: token.KindProject, Target: "acme/web", Name: "Jira integration",
		ExpiresAt: token.Today(time.Now()).AddDate(0, 0, 30), Role: token.RoleReporter, Scopes: []token.Scope{"read_api"}}
}

func code(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestPreflight(t *testing.T) {
	_, c := setup(t, fake.MaintainerToken)
	p, err := c.Preflight(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.User.Username != "alice" || p.User.IsAdmin || !p.HasScope("api") || p.Version == "" || p.Self.ExpiresAt.IsZero() {
		t.Fatalf("preflight = %+v", p)
	}
	if err := p.CheckCanCreate(time.Now()); err != nil {
		t.Fatalf("CheckCanCreate = %v", err)
	}
	tests := []struct {
		cred string
		code Code
		text string
	}{
		{fake.ExpiredToken, CodeExpired, "expired"},
		{"glpat-unknown-000000000000", CodeUnauthorized, "did not accept"},
	}
	for _, tt := range tests {
		_, c := setup(t, tt.cred)
		_, err := c.Preflight(context.Background())
		if code(err) != tt.code || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("Preflight(%s) = %v (code %s), want %s", tt.cred, err, code(err), tt.code)
		}
	}
	_, c = setup(t, fake.ReadOnlyToken)
	p, err = c.Preflight(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckCanCreate(time.Now()); code(err) != CodeInsufficientScope || !strings.Contains(err.Error(), "needs api") {
		t.Fatalf("read_api credential: %v", err)
	}
}

func TestSearchProjects(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	ps, err := c.SearchProjects(context.Background(), "web", 20, token.RoleMaintainer)
	if err != nil || len(ps) != 1 || ps[0].Path != "acme/web" || ps[0].Role != token.RoleMaintainer {
		t.Fatalf("SearchProjects(web) = %+v, %v", ps, err)
	}
	ps, err = c.SearchProjects(context.Background(), "acme/platform/a", 20, token.RoleMaintainer)
	if err != nil || len(ps) != 1 || ps[0].Path != "acme/platform/api" {
		t.Fatalf("SearchProjects(acme/platform/a) = %+v, %v", ps, err)
	}
	// alice holds Maintainer through acme/platform only: a list names no
	// role for acme/platform/tools/cli, but min_access_level vouches for it.
	ps, err = c.SearchProjects(context.Background(), "acme/platform/tools/c", 20, token.RoleMaintainer)
	if err != nil || len(ps) != 1 || ps[0].Path != "acme/platform/tools/cli" || ps[0].Role != token.RoleMaintainer || !ps[0].RoleAtLeast {
		t.Fatalf("SearchProjects(acme/platform/tools/c) = %+v, %v", ps, err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Query.Get("min_access_level") != "40" || last.Query.Get("membership") != "true" {
		t.Fatalf("search query = %v", last.Query)
	}
	role, _, err := c.memberRole(context.Background(), token.KindProject, "acme/platform/api", 2)
	if err != nil || role != token.RoleMaintainer {
		t.Fatalf("memberRole = %v, %v", role, err)
	}
}

func TestCreateAndVerify(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	nt, err := c.CreateToken(context.Background(), jiraRead())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(nt.Value.Reveal(), "glpat-") || nt.AccessLevel != token.RoleReporter || nt.Name != "Jira integration" {
		t.Fatalf("new token = %+v", nt)
	}
	v := c.VerifyToken(context.Background(), nt.Value, jiraRead())
	if !v.OK() || len(v.Checks) != 4 || !strings.Contains(v.Checks[3].Detail, "web: change 5") {
		t.Fatalf("verification = %+v", v)
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("POSTs = %d", n)
	}
}

func TestCreateRefusals(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*token.Request)
		code  Code
		field token.Field
		text  string
	}{
		{"owner by maintainer", func(r *token.Request) { r.Role = token.RoleOwner }, CodeRoleTooHigh, token.FieldRole, "above your own role"},
		{"too far", func(r *token.Request) { r.ExpiresAt = token.Today(time.Now()).AddDate(0, 0, 366) }, CodeExpiryTooFar, token.FieldExpiry, "allows token expiry dates up to " + token.Today(time.Now()).AddDate(0, 0, 365).Format(token.DateLayout)},
		{"not a maintainer", func(r *token.Request) { r.Target = "acme/docs" }, CodeNoPermission, token.FieldTarget, "Maintainer or Owner"},
		{"missing project", func(r *token.Request) { r.Target = "acme/nope" }, CodeNotFound, token.FieldTarget, "not found"},
		{"bad scope", func(r *token.Request) { r.Scopes = []token.Scope{"read_user"} }, CodeInvalid, token.FieldScopes, "scopes does not have a valid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			r := jiraRead()
			tt.mod(&r)
			_, err := c.CreateToken(context.Background(), r)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Field != tt.field || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err = %v (%+v)", err, e)
			}
			if n := srv.CountRequests("POST", "/access_tokens"); n > 1 {
				t.Fatalf("refusal retried: %d POSTs", n)
			}
		})
	}
}

func TestCreateFaults(t *testing.T) {
	tests := []struct {
		name         string
		fault        fake.Fault
		timeout      time.Duration
		wantTokens   int
		wantPosts    int
		wantOrphan   bool
		nothingFound bool
		wantErr      bool
	}{
		{"commit then 502", fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502}, 0, 1, 1, true, false, true},
		{"502 before anything", fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 503}, 0, 0, 1, false, true, true},
		{"reset after commit", fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenReset}, 0, 1, 1, true, false, true},
		{"timeout after commit", fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenHang}, 300 * time.Millisecond, 1, 1, true, false, true},
		{"429 once", fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 1, Times: 1}, 0, 1, 2, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			if tt.timeout > 0 {
				c2, err := New(Options{Host: c.base, Token: fake.MaintainerToken, Timeout: tt.timeout, OrphanWindow: time.Second})
				if err != nil {
					t.Fatal(err)
				}
				c = c2
			}
			srv.AddFault(tt.fault)
			nt, err := c.CreateToken(context.Background(), jiraRead())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if got := len(srv.Tokens("project:100")); got != tt.wantTokens {
				t.Fatalf("tokens on server = %d, want %d", got, tt.wantTokens)
			}
			if got := srv.CountRequests("POST", "/access_tokens"); got != tt.wantPosts {
				t.Fatalf("POSTs = %d, want %d", got, tt.wantPosts)
			}
			if !tt.wantErr {
				if nt == nil || nt.Value == "" {
					t.Fatal("no token after retry")
				}
				return
			}
			var ou *OutcomeUnknownError
			if !errors.As(err, &ou) {
				t.Fatalf("err = %T %v, want OutcomeUnknownError", err, err)
			}
			if (ou.Orphan != nil) != tt.wantOrphan || ou.NothingFound() != tt.nothingFound {
				t.Fatalf("orphan = %+v, nothingFound = %v; err: %v", ou.Orphan, ou.NothingFound(), err)
			}
			// A lost answer never proves that nothing was created (invariant 1).
			if msg := strings.ToLower(err.Error()); strings.Contains(msg, "nothing was created") || strings.Contains(msg, "safe to try again") || strings.Contains(msg, "no token was created") {
				t.Fatalf("claims certainty it does not have: %v", err)
			}
			if tt.wantOrphan && (ou.Orphan.ID != int64(srv.Tokens("project:100")[0].ID) || !strings.Contains(err.Error(), "revoke it")) {
				t.Fatalf("wrong orphan: %v", err)
			}
			if strings.Contains(err.Error(), "glpat-") {
				t.Fatalf("error leaks a token: %v", err)
			}
		})
	}
}

func TestRateLimitTooLong(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 3600})
	_, err := c.CreateToken(context.Background(), jiraRead())
	if code(err) != CodeRateLimited || !strings.Contains(err.Error(), "wait 1h0m0s") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 || len(srv.Tokens("project:100")) != 0 {
		t.Fatalf("POSTs = %d", n)
	}
}

func TestNetworkFailures(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Options{Host: "http://" + addr, Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Preflight(context.Background())
	if code(err) != CodeNetwork || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("refused: %v", err)
	}

	srv, _ := fake.New("demo")
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	c, _ = New(Options{Host: ts.URL, Token: fake.MaintainerToken})
	_, err = c.Preflight(context.Background())
	if code(err) != CodeTLS || !strings.Contains(err.Error(), "--ca-file") {
		t.Fatalf("self-signed: %v", err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	_ = os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600)
	c, err = New(Options{Host: ts.URL, Token: fake.MaintainerToken, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Preflight(context.Background()); err != nil {
		t.Fatalf("with --ca-file: %v", err)
	}
	if _, err := New(Options{Host: ts.URL, CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Fatal("missing CA file accepted")
	}
}

func TestNormalizeHost(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"gitlab.com", "https://gitlab.com", ""},
		{" https://GitLab.Example.com/// ", "https://gitlab.example.com", ""},
		{"https://host:8443/gitlab/", "https://host:8443/gitlab", ""},
		{"https://host/gitlab/api/v4/", "https://host/gitlab", ""},
		{"http://localhost:3000", "http://localhost:3000", ""},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000", ""},
		{"http://[::1]:3000/", "http://[::1]:3000", ""},
		{"[2001:db8::1]:8443", "https://[2001:db8::1]:8443", ""},
		{"http://gitlab.example.com", "", "--allow-http"},
		{"gitlab example.com", "", "contains spaces"},
		{"", "", "no GitLab host"},
		{"ftp://host", "", "only https://"},
		{"https://user:pw@host", "", "user name or password"},
		{"https://", "", "not a valid address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeHost(tt.in, false)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("NormalizeHost(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if got, err := NormalizeHost("http://gitlab.example.com", true); err != nil || got != "http://gitlab.example.com" {
		t.Fatalf("allow-http: %q %v", got, err)
	}
}

func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{"gitlab.com", "http://[::1]:80/", "https://h/api/v4", " x ", "http://evil.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeHost(s, false)
		if err != nil {
			return
		}
		if !strings.HasPrefix(got, "https://") && !strings.HasPrefix(got, "http://") {
			t.Fatalf("NormalizeHost(%q) = %q", s, got)
		}
		if strings.HasPrefix(got, "http://") && !IsLoopback(HostName(strings.TrimPrefix(got, "http://"))) {
			h := HostName(got)
			if hh, _, e := net.SplitHostPort(h); e == nil {
				h = hh
			}
			if !IsLoopback(strings.Trim(h, "[]")) {
				t.Fatalf("plain http allowed for %q", got)
			}
		}
	})
}

func TestSecretNeverPrinted(t *testing.T) {
	s := token.Secret("glpat-abcdefghijklmnopqrst")
	for _, out := range []string{s.String(), s.GoString(), s.Masked()} {
		if strings.Contains(out, "abcdefgh") || !strings.HasPrefix(out, "glpat-") {
			t.Fatalf("masked = %q", out)
		}
	}
}

func TestProxyFromEnv(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "http_proxy": "http://plain.corp:8080", "NO_PROXY": ".internal.example,10.0.0.0/8"}
	proxy := ProxyFromEnv(func(k string) string { return env[k] })
	tests := []struct{ url, want string }{
		{"https://gitlab.com/api/v4/user", "http://proxy.corp:3128"},
		{"http://gitlab.example.com/api/v4/user", "http://plain.corp:8080"},
		{"https://gitlab.internal.example/api/v4/user", ""},
		{"https://10.1.2.3/api/v4/user", ""},
		{"http://127.0.0.1:3000/api/v4/user", ""},
		{"http://localhost:3000/api/v4/user", ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", tt.url, nil)
		u, err := proxy(req)
		got := ""
		if u != nil {
			got = u.String()
		}
		if err != nil || got != tt.want {
			t.Errorf("proxy for %s = %q, %v; want %q", tt.url, got, err, tt.want)
		}
	}
}

// GetGroup asks for the group alone: with_projects defaults to true, and
// GitLab would send up to 100 projects in full that nothing reads.
func TestGetGroupLeavesProjectsOut(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	g, err := c.GetGroup(context.Background(), "acme")
	if err != nil || g.Path != "acme" {
		t.Fatalf("GetGroup(acme) = %+v, %v", g, err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if !strings.HasSuffix(last.Path, "/groups/acme") || last.Query.Get("with_projects") != "false" {
		t.Fatalf("group request = %s %v", last.Path, last.Query)
	}
}

// A refused sign-in names where the credential came from, as the caller
// said (Options.CredentialSource), and no other place: a token piped in or
// taken from glab's login is not "GITLAB_TOKEN".
func TestRefusedSignInNamesTheCredentialsSource(t *testing.T) {
	_, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	for _, tt := range []struct {
		cred, source string
		want         []string
	}{
		{"glpat-unknown-000000000000", "the token piped to --token-stdin",
			[]string{"did not accept your credential (the token piped to --token-stdin)", "check that the token piped to --token-stdin is a personal access token for 127.0.0.1"}},
		{fake.ExpiredToken, "the token in GITLAB_ACCESS_TOKEN",
			[]string{"credential has expired (the token in GITLAB_ACCESS_TOKEN)", "use it in place of the token in GITLAB_ACCESS_TOKEN"}},
		{"glpat-unknown-000000000000", "", []string{"did not accept your credential", "check that your credential is a personal access token"}},
	} {
		c, err := New(Options{Host: ts.URL, Token: token.Secret(tt.cred), CredentialSource: tt.source, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Preflight(context.Background())
		if err == nil || strings.Contains(err.Error(), "GITLAB_TOKEN") {
			t.Errorf("%q: %v", tt.source, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %v\nlacks %q", tt.source, err, w)
			}
		}
	}
}

// GitLab joins two expiry refusals with "and" (its 365 days and an Ultimate
// instance's own limit): the earlier date is the one that binds.
func TestTwoExpiryRefusalsNameTheEarlierDate(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 400, Times: 1,
		Body: `{"message":"400 Bad request - Expiration date must be before 2027-12-30 and Expiration date must be before 2027-02-23"}`})
	_, err := c.CreateToken(context.Background(), jiraRead())
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeExpiryTooFar || e.LastDate.Format(token.DateLayout) != "2027-02-23" || !strings.Contains(err.Error(), "up to 2027-02-23") {
		t.Fatalf("err = %v", err)
	}
}
