package gitlab

// Issue 9's attacks, each at the layer whose fix defeats it: the one HTTP
// client (redirects, body limits, waits), the adapter's decoding (nulls,
// token values), the outcome check (late commits, several candidates) and
// the scrubber (echoed credentials).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// elsewhere is another origin that counts what reaches it.
func elsewhere(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":1,"username":"mallory"}`))
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

func TestRedirectsAreRefused(t *testing.T) {
	other, hits := elsewhere(t)
	for _, tt := range []struct {
		name, method, suffix string
		status               int
		call                 func(*Client) error
	}{
		{"302 on GET /user", "GET", "/user", 302, func(c *Client) error { _, err := c.Preflight(context.Background()); return err }},
		{"307 on the create", "POST", "/access_tokens", 307, func(c *Client) error { _, err := c.CreateToken(context.Background(), jiraRead()); return err }},
		{"301 on a search", "GET", "/projects", 301, func(c *Client) error {
			_, err := c.SearchProjects(context.Background(), "web", 20, token.RoleMaintainer)
			return err
		}},
		{"308 on the verification with the new token", "GET", "/personal_access_tokens/self", 308, func(c *Client) error {
			v := c.VerifyToken(context.Background(), "glpat-aaaaaaaaaaaaaaaaaaaa", jiraRead())
			if v.OK() {
				return nil
			}
			if len(v.Problems()) > 0 {
				// A redirect is the way to GitLab failing, not the token.
				return fmt.Errorf("blamed on the token: %s", strings.Join(v.Problems(), "; "))
			}
			return errors.New(strings.Join(v.Unchecked(), "; "))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			hits.Store(0)
			srv.AddFault(fake.Fault{Method: tt.method, PathSuffix: tt.suffix, Kind: fake.FaultRedirect, Status: tt.status, Location: other.URL + "/api/v4" + tt.suffix})
			err := tt.call(c)
			if err == nil {
				t.Fatal("the redirect was followed")
			}
			if hits.Load() != 0 {
				t.Fatalf("%d request(s) reached the other origin", hits.Load())
			}
			msg := err.Error()
			for _, want := range []string{c.BaseURL(), other.URL, "nothing was sent there", "check --host"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q: %s", want, msg)
				}
			}
			if tt.method == "POST" {
				// Whoever answered had the write: what happened is not known.
				var ou *OutcomeUnknownError
				if !errors.As(err, &ou) || !ou.Checked {
					t.Fatalf("a redirected create is not reported as unknown: %T %v", err, err)
				}
				if n := srv.CountRequests("POST", tt.suffix); n != 1 || len(srv.Tokens("project:100")) != 0 {
					t.Fatalf("POSTs %d, tokens %d", n, len(srv.Tokens("project:100")))
				}
			}
		})
	}
}

// A same-host redirect that changes the scheme (https -> http) or the port
// would still move the credential; every redirect is refused.
func TestRedirectToSameHostOtherSchemeIsRefused(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	target := strings.Replace(c.BaseURL(), "http://", "https://", 1) + "/api/v4/user"
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/user", Kind: fake.FaultRedirect, Location: target})
	_, err := c.Preflight(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeRedirect || !strings.Contains(err.Error(), target) {
		t.Fatalf("err = %v", err)
	}
}

func TestDeviceSignInRefusesRedirectsAndForeignAddresses(t *testing.T) {
	other, hits := elsewhere(t)
	t.Run("307 on /oauth/token", func(t *testing.T) {
		srv, ts, err := fake.Start("demo")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ts.Close)
		srv.SetDeviceInterval(1)
		srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/oauth/token", Kind: fake.FaultRedirect, Location: other.URL + "/oauth/token"})
		_, err = DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, ClientID: fake.DemoOAuthClientID, Scopes: []string{"api"},
			Prompt: func(d DeviceCode) {}})
		if err == nil || hits.Load() != 0 || !strings.Contains(err.Error(), "redirect") {
			t.Fatalf("err = %v, hits elsewhere %d", err, hits.Load())
		}
	})
	t.Run("verification address on another site", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"device_code": "dc", "user_code": "ABCD-EFGH",
				"verification_uri": other.URL + "/oauth/device", "expires_in": 300, "interval": 5})
		}))
		t.Cleanup(ts.Close)
		prompted := false
		_, err := DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, ClientID: "x", Scopes: []string{"api"},
			Prompt: func(d DeviceCode) { prompted = true }})
		if err == nil || prompted || !strings.Contains(err.Error(), "it was not opened") {
			t.Fatalf("err = %v, prompted %v", err, prompted)
		}
	})
}

// A device sign-in's wait is bounded whatever GitLab's answer says: a code
// said to live for a year is shown as expiring within 15 minutes, and an
// interval of 0 is polled no faster than once a second.
func TestDeviceSignInWaitIsBounded(t *testing.T) {
	var polls []time.Time
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth/token") {
			polls = append(polls, time.Now())
			if len(polls) < 2 {
				w.WriteHeader(http.StatusBadRequest)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": "authorization_pending"})
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "oauth-value-0123456789", "token_type": "Bearer"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"device_code": "dc", "user_code": "ABCD-EFGH",
			"verification_uri": "http://" + r.Host + "/oauth/device", "expires_in": 365 * 24 * 3600, "interval": 0})
	}))
	t.Cleanup(ts.Close)
	var shown DeviceCode
	start := time.Now()
	_, err := DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, AllowHTTP: true, ClientID: "x", Scopes: []string{"api"},
		Prompt: func(d DeviceCode) { shown = d }})
	if err != nil {
		t.Fatal(err)
	}
	if shown.Expires.After(start.Add(maxDeviceWait + time.Second)) {
		t.Fatalf("a year-long code is shown as expiring at %v", shown.Expires)
	}
	if len(polls) != 2 || polls[1].Sub(polls[0]) < 900*time.Millisecond {
		t.Fatalf("polls = %v: an interval of 0 must still wait a second between polls", polls)
	}
}

func TestResponseBodiesAreBounded(t *testing.T) {
	for _, f := range []fake.Fault{
		{Method: "GET", PathSuffix: "/user", Kind: fake.FaultHugeBody, Size: 400 << 20},
		{Method: "GET", PathSuffix: "/user", Kind: fake.FaultHugeBody, Size: 400 << 20, DeclareLength: true},
		{Method: "GET", PathSuffix: "/user", Kind: fake.FaultGzipBomb, Size: 400 << 20},
		{Method: "GET", PathSuffix: "/projects", Kind: fake.FaultHugeBody, Size: 45 << 20},
	} {
		t.Run(fmt.Sprintf("%s %d MiB length=%v", f.Kind, f.Size>>20, f.DeclareLength), func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			srv.AddFault(f)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var err error
			if f.PathSuffix == "/projects" {
				_, err = c.SearchProjects(context.Background(), "", 20, token.RoleMaintainer)
			} else {
				_, err = c.Preflight(context.Background())
			}
			runtime.ReadMemStats(&after)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeTooLarge || !strings.Contains(err.Error(), "larger than 4 MiB") {
				t.Fatalf("err = %v", err)
			}
			// Reading stopped at the limit: a few times the limit at most was
			// allocated, not the hundreds of MiB that were offered.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Fatalf("allocated %d MiB for a refused answer", grew>>20)
			}
		})
	}
}

func TestDebugLogNeverFailsTheRun(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	// A valid answer of 3 MiB: within the body limit, far above what the
	// log keeps of a body.
	var ps []map[string]any
	for i := 0; i < 100; i++ {
		ps = append(ps, map[string]any{"id": i + 1, "path_with_namespace": fmt.Sprintf("big/p%d", i), "description": strings.Repeat("d", 30<<10)})
	}
	big, _ := json.Marshal(ps)
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/projects", Kind: fake.FaultStatus, Status: 200, Body: string(big)})
	var log strings.Builder
	c, err := New(Options{Host: ts.URL, Token: fake.MaintainerToken, Debug: &log})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SearchProjects(context.Background(), "", 100, token.RoleMaintainer)
	if err != nil || len(got) != 100 {
		t.Fatalf("search with --debug: %d projects, %v", len(got), err)
	}
	if !strings.Contains(log.String(), "log cut after 64 KiB; the program reads on") {
		t.Fatalf("the log does not say it was cut:\n%.500s", log.String())
	}
}

func TestDebugRedactsAnyBodyShape(t *testing.T) {
	secret := "zq7Kx0oPlainLookingSecret1" // not token-shaped: only its field gives it away
	for _, body := range []string{
		`{"id":5,"token":"` + secret + `"} trailing garbage`,
		`{"id":5,"token":"` + secret,
		`[{"token":"` + secret + `"},`,
		`token=` + secret + `&x=1`,
		`{"nested":{"access_token":"` + secret + `"}}`,
		`{"token":{"value":"` + secret + `"}}`,
	} {
		d := newDebugLog(nil, nil, nil)
		out := d.scrubText(d.redactBody([]byte(body), "application/json") + " later mention " + secret)
		if strings.Contains(out, secret) {
			t.Errorf("%q: the secret survives: %s", body, out)
		}
	}
}

func TestRateLimitWaitsAreBoundedAndSaidAloud(t *testing.T) {
	t.Run("far-future reset, no Retry-After", func(t *testing.T) {
		srv, c := setup(t, fake.MaintainerToken)
		slept := time.Duration(0)
		c.sleep = func(_ context.Context, d time.Duration) error { slept += d; return nil }
		srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/user", Kind: fake.FaultRateLimit, RetryAfter: 1, ResetAfter: 30 * 24 * 3600, OmitRetryAfter: true})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := c.Preflight(ctx)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeRateLimited || ctx.Err() != nil {
			t.Fatalf("err = %v (ctx %v)", err, ctx.Err())
		}
		if n := srv.CountRequests("GET", "/api/v4/user"); n != 1 {
			t.Fatalf("GET /user sent %d times: a month's wait was taken up", n)
		}
	})
	t.Run("a short wait is taken once and announced", func(t *testing.T) {
		var said []string
		srv, c := setupWith(t, Options{Token: fake.MaintainerToken, MaxRateLimitWait: 5 * time.Second, Notify: func(s string) { said = append(said, s) }})
		srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/user", Kind: fake.FaultRateLimit, RetryAfter: 1, Times: 1})
		if _, err := c.Preflight(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(said) != 1 || !strings.Contains(said[0], "waiting 1s") || !strings.Contains(said[0], "never more than 5s") {
			t.Fatalf("said %q", said)
		}
	})
}

// Nulls in every list the adapter reads, and null objects: nothing panics,
// nulls are skipped, and a create whose answer is null is resolved by the
// orphan check.
func TestNullsDoNotCrash(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	srv.SetNullElements(true)
	ctx := context.Background()
	pf, err := c.Preflight(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := c.SearchProjects(ctx, "web", 20, token.RoleMaintainer); err != nil || len(ps) == 0 {
		t.Fatalf("projects %v %v", ps, err)
	}
	if _, err := c.SearchGroups(ctx, "", 20, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SearchUsers(ctx, "", 20); err != nil {
		t.Fatal(err)
	}
	r := jiraRead()
	nt, err := c.CreateToken(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if ts, err := c.ListTokens(ctx, r, ""); err != nil || len(ts) == 0 {
		t.Fatalf("list %v %v", ts, err)
	}
	if v := c.VerifyToken(ctx, nt.Value, r); !v.OK() {
		t.Fatalf("verification with null elements: %v", v.Problems())
	}
	if _, _, err := c.memberRole(ctx, token.KindProject, "acme/web", pf.User.ID); err != nil {
		t.Fatal(err)
	}
	// null objects
	srv.SetNullElements(false)
	for _, suffix := range []string{"/api/v4/user", "/personal_access_tokens/self"} {
		srv.AddFault(fake.Fault{Method: "GET", PathSuffix: suffix, Kind: fake.FaultStatus, Status: 200, Body: "null", Times: 1})
		if _, err := c.Preflight(ctx); err == nil || !strings.Contains(err.Error(), "not with the JSON GitLab sends") {
			t.Fatalf("null %s: %v", suffix, err)
		}
	}
	// [null] is not an empty repository: the read proved nothing, and the
	// check says so instead of "no commits yet; reading it worked".
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/repository/commits", Kind: fake.FaultStatus, Status: 200, Body: "[null]"})
	if v := c.VerifyToken(ctx, nt.Value, r); v.OK() || !strings.Contains(strings.Join(v.Problems(), "\n"), "held no commit, only null") {
		t.Fatalf("[null] commits: %+v", v.Checks)
	}
	srv.ClearFaults()
	// {} for a project names nothing: not a project without a path.
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/projects/acme%2Fweb", Kind: fake.FaultStatus, Status: 200, Body: "{}", Times: 1})
	if _, err := c.GetProject(ctx, "acme/web"); err == nil || !strings.Contains(err.Error(), "not with the JSON GitLab sends") {
		t.Fatalf("{} project: %v", err)
	}
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/personal_access_tokens/self", Kind: fake.FaultStatus, Status: 200, Body: "null", Times: 1})
	if v := c.VerifyToken(ctx, nt.Value, r); v.OK() || len(v.Checks) == 0 {
		t.Fatalf("a null self record passed: %+v", v)
	}
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 201, Body: "null", Times: 1})
	r.Name = "null answer"
	_, err = c.CreateToken(ctx, r)
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Orphan == nil || ou.Orphan.Name != "null answer" {
		t.Fatalf("null create answer: %v", err)
	}
}

func TestEchoedCredentialIsScrubbed(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultEchoCredential})
	_, err := c.CreateToken(context.Background(), jiraRead())
	if err == nil || strings.Contains(err.Error(), fake.MaintainerToken) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("err = %v", err)
	}
	var e *Error
	if errors.As(err, &e) && strings.Contains(e.ServerMessage, fake.MaintainerToken) {
		t.Fatal("ServerMessage holds the credential")
	}
}

func TestCAFileMustBeASmallRegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{fifo: "not a regular file", dir: "not a regular file", big: "more than a certificate bundle"} {
		_, err := New(Options{Host: "https://gitlab.example.com", Token: "x", CAFile: path})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", filepath.Base(path), err, want)
		}
	}
}

// A server whose pages never end (review finding 5): the walk stops, says
// so, and sends a bounded number of requests.
func TestPaginationIsBounded(t *testing.T) {
	for _, tt := range []struct {
		name  string
		serve func(w http.ResponseWriter, page int)
		max   int64
	}{
		{"empty pages that claim a next one", func(w http.ResponseWriter, page int) {
			w.Header().Set("X-Next-Page", fmt.Sprint(page+1))
			_, _ = w.Write([]byte("[]"))
		}, 10},
		{"a billion pages counted", func(w http.ResponseWriter, page int) {
			w.Header().Set("X-Total-Pages", "1000000000")
			w.Header().Set("X-Next-Page", fmt.Sprint(page+1))
			_, _ = w.Write([]byte(`[{"id":1,"name":"t","active":true}]`))
		}, 2},
		{"full pages without end", func(w http.ResponseWriter, page int) {
			w.Header().Set("X-Next-Page", fmt.Sprint(page+1))
			_, _ = fmt.Fprintf(w, `[{"id":%d,"name":"t","active":true}]`, page)
		}, maxPages + ListPages + 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				page := 1
				fmt.Sscan(r.URL.Query().Get("page"), &page)
				w.Header().Set("Content-Type", "application/json")
				tt.serve(w, page)
			}))
			t.Cleanup(ts.Close)
			c, err := New(Options{Host: ts.URL, Token: "glpat-aaaaaaaaaaaaaaaaaaaa"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.List(context.Background(), jiraRead(), ListQuery{})
			if err == nil || !strings.Contains(err.Error(), "read no further") {
				t.Fatalf("err = %v", err)
			}
			if n := hits.Load(); n > tt.max {
				t.Fatalf("%d requests, at most %d expected", n, tt.max)
			}
		})
	}
}

// A keyset list (the instance audit's project walk) whose every page links
// to a new next one stops at maxPages too.
func TestLinkedPaginationIsBounded(t *testing.T) {
	c, err := New(Options{Host: "http://127.0.0.1:9", AllowHTTP: true, Token: "glpat-aaaaaaaaaaaaaaaaaaaa"})
	if err != nil {
		t.Fatal(err)
	}
	fetched := 0
	fetch := func(ctx context.Context, next string) ([]int, *gl.Response, error) {
		fetched++
		return []int{fetched}, &gl.Response{Response: &http.Response{StatusCode: 200, Header: http.Header{}}, NextLink: fmt.Sprintf("https://gitlab.example/api/v4/projects?cursor=%d", fetched)}, nil
	}
	err = eachLinkedPage(context.Background(), c.newLimiter(1, nil), fetch, func([]int) error { return nil })
	var pe *pagesError
	if !errors.As(err, &pe) || fetched != maxPages {
		t.Fatalf("err = %v after %d pages", err, fetched)
	}
}

// An OAuth sign-in whose introspection answers 503 or 429 is not called a
// rejected sign-in: the server is blamed, not the credential (invariant 11).
func TestOAuthInfoBlamesTheRightParty(t *testing.T) {
	for status, want := range map[int]Code{503: CodeServer, 429: CodeRateLimited, 401: CodeUnauthorized} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":"x"}`))
		}))
		c, err := New(Options{Host: ts.URL, Token: "oauth-value-0123456789", OAuth: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.oauthInfo(context.Background())
		var ge *Error
		if !errors.As(err, &ge) || ge.Code != want {
			t.Errorf("%d: %v (want %s)", status, err, want)
		}
		ts.Close()
	}
}
