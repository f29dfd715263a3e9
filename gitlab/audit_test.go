package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

func auditServer(t *testing.T, seed string) (*fake.Server, string) {
	t.Helper()
	srv, err := fake.New(seed)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

func auditClient(t *testing.T, url, cred string) *Client {
	t.Helper()
	c, err := New(Options{Host: url, Token: token.Secret(cred), MaxRateLimitWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantActive lists, from the stand-in's own data, the tokens an audit must
// find: project and group tokens under the path (or personal ones, when
// personal is set), neither revoked nor expired.
func wantActive(srv *fake.Server, under string, personal, expiredToo bool) map[int64]string {
	today := time.Now().UTC().Format(token.DateLayout)
	out := map[int64]string{}
	for _, tk := range srv.Tokens("*") {
		if tk.Revoked || tk.OAuth || (!expiredToo && tk.ExpiresAt != "" && tk.ExpiresAt <= today) {
			continue
		}
		if tk.Resource == "" {
			if personal {
				out[int64(tk.ID)] = "personal"
			}
			continue
		}
		if p := srv.ResourcePath(tk.Resource); under == "" || p == under || strings.HasPrefix(p, under+"/") {
			out[int64(tk.ID)] = p
		}
	}
	return out
}

// check compares what an audit found with what it must find, places included.
func check(t *testing.T, rep *AuditReport, want map[int64]string) {
	t.Helper()
	got := map[int64]string{}
	for _, f := range rep.Tokens {
		if _, dup := got[f.ID]; dup {
			t.Fatalf("token %d found twice", f.ID)
		}
		got[f.ID] = f.Where.Path
		if f.Where.Kind == token.KindPersonal {
			got[f.ID] = "personal"
		}
	}
	if len(got) != len(want) {
		t.Fatalf("found %d tokens, want %d", len(got), len(want))
	}
	for id, p := range want {
		if got[id] != p {
			t.Fatalf("token %d: found at %q, want %q", id, got[id], p)
		}
	}
}

func TestAuditGroupFindsExactlyTheActiveTokens(t *testing.T) {
	tests := []struct {
		name           string
		concurrency    int
		inventory      bool
		includeExpired bool
		// noDescendants: a GitLab without GET /groups/:id/descendant_groups.
		noDescendants bool
	}{
		{"one at a time", 1, false, false, false},
		{"eight at a time", 8, false, false, false},
		{"expired too", 8, false, true, false},
		{"from the credentials inventory", 8, true, false, false},
		{"subgroups from the projects' paths", 8, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := auditServer(t, "audit-small")
			srv.SetManageEndpoint(tt.inventory)
			if tt.noDescendants {
				srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/descendant_groups", Status: 404, Body: `{"message":"404 Not Found"}`})
			}
			rep, err := auditClient(t, url, fake.OwnerToken).Audit(context.Background(),
				AuditOptions{Group: "bigco", Concurrency: tt.concurrency, IncludeExpired: tt.includeExpired})
			if err != nil {
				t.Fatal(err)
			}
			check(t, rep, wantActive(srv, "bigco", false, tt.includeExpired))
			if rep.Inventory != tt.inventory || rep.Unreadable != 0 || rep.Failed != 0 || rep.Interrupted {
				t.Fatalf("report %+v", rep)
			}
			// The inventory lists 600 tokens in 6 pages; the names of their places take 3 project pages and 2 group pages.
			if tt.inventory && rep.Requests > 15 || !tt.inventory && (rep.Projects != 300 || rep.Groups != 111) {
				t.Fatalf("%d requests, %d projects, %d groups", rep.Requests, rep.Projects, rep.Groups)
			}
			for _, q := range srv.Requests() {
				if strings.HasSuffix(q.Path, "/access_tokens") && !tt.includeExpired && q.Query.Get("state") != "active" {
					t.Fatalf("token lists are not filtered by GitLab: %s %v", q.Path, q.Query)
				}
			}
		})
	}
}

func TestAuditNeverExceedsConcurrency(t *testing.T) {
	srv, url := auditServer(t, "audit-small")
	srv.SetLatency(2 * time.Millisecond)
	c := auditClient(t, url, fake.OwnerToken)
	for _, n := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			srv.ResetPeakInFlight()
			rep, err := c.Audit(context.Background(), AuditOptions{Group: "bigco", Concurrency: n})
			if err != nil || len(rep.Tokens) == 0 {
				t.Fatal(err)
			}
			peak := srv.PeakInFlight()
			if peak > n || (n > 1 && peak < 2) {
				t.Fatalf("the stand-in saw %d requests at once; concurrency %d", peak, n)
			}
		})
	}
}

func TestAuditCountsWhatTheCallerMayNotRead(t *testing.T) {
	srv, url := auditServer(t, "audit-small")
	// Alice maintains division 0: its projects' tokens, not its groups' (those need Owner).
	rep, err := auditClient(t, url, fake.MaintainerToken).Audit(context.Background(), AuditOptions{Group: "bigco/div-0"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{}
	for id, p := range wantActive(srv, "bigco/div-0", false, false) {
		if strings.Count(p, "/") > 1 && strings.Contains(p, "/svc-") {
			want[id] = p
		}
	}
	check(t, rep, want)
	if rep.Unreadable != 11 || rep.Readable != rep.Projects || len(rep.UnreadableExamples) != maxExamples ||
		rep.UnreadableExamples[0].Kind != token.KindGroup {
		t.Fatalf("unreadable %d (%v), readable %d of %d projects", rep.Unreadable, rep.UnreadableExamples, rep.Readable, rep.Projects)
	}
	// Dave is a Developer: he may read no token at all, which is no error here.
	rep, err = auditClient(t, url, fake.DeveloperToken).Audit(context.Background(), AuditOptions{Group: "bigco"})
	if err != nil || len(rep.Tokens) != 0 || rep.Readable != 0 || rep.Unreadable != 411 {
		t.Fatalf("%v %+v", err, rep)
	}
}

func TestAuditProject(t *testing.T) {
	srv, url := auditServer(t, "audit-small")
	tests := []struct {
		name, cred, project string
		code                Code
	}{
		{"the owner", fake.OwnerToken, "bigco/div-0/svc-00001", ""},
		{"by numeric id", fake.OwnerToken, "100001", ""},
		{"a developer may not read tokens", fake.DeveloperToken, "bigco/div-0/svc-00001", CodeNoPermission},
		{"a project alice cannot see", fake.MaintainerToken, "bigco/div-1/svc-00012", CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := auditClient(t, url, tt.cred).Audit(context.Background(), AuditOptions{Project: tt.project})
			var ge *Error
			if tt.code != "" {
				if !errors.As(err, &ge) || ge.Code != tt.code {
					t.Fatalf("err %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			check(t, rep, wantActive(srv, "bigco/div-0/svc-00001", false, false))
		})
	}
}

func TestAuditWaitsOutRateLimits(t *testing.T) {
	srv, url := auditServer(t, "demo")
	for _, tk := range []string{"project:100", "project:102", "group:11"} {
		srv.AddResourceToken(tk, fake.Token{Name: "ci", Scopes: []string{"api"}, ExpiresAt: time.Now().AddDate(0, 0, 9).Format(token.DateLayout)})
	}
	want := wantActive(srv, "acme", false, false)
	tests := []struct {
		name  string
		setup func()
	}{
		// A budget of 8 requests per 300 ms: the audit pauses as the budget
		// runs out (GitLab's Retry-After is in whole seconds: 1 s).
		{"a per-caller budget", func() { srv.SetRateLimit(8, 300*time.Millisecond) }},
		// 429s asking for 1 s, within the client's maximum: waited, then asked again.
		{"429s within the maximum", func() {
			srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 1, Times: 2})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetRateLimit(0, 0)
			srv.ClearFaults()
			tt.setup()
			var mu sync.Mutex
			var waits []time.Duration
			rep, err := auditClient(t, url, fake.OwnerToken).Audit(context.Background(), AuditOptions{Group: "acme", Concurrency: 4,
				OnWait: func(d time.Duration, why string) { mu.Lock(); waits = append(waits, d); mu.Unlock() }})
			if err != nil {
				t.Fatal(err)
			}
			check(t, rep, want)
			if len(waits) == 0 || rep.Paused <= 0 || rep.Failed != 0 {
				t.Fatalf("waits %v, paused %s, failed %d", waits, rep.Paused, rep.Failed)
			}
			for _, d := range waits {
				if d > time.Second {
					t.Fatalf("a wait of %s, more than the client's maximum", d)
				}
			}
		})
	}
	// A 429 asking for an hour is not waited for (nor cut to the maximum
	// and asked six times): that place fails at once, counted and named.
	srv.ClearFaults()
	before := srv.CountRequests("GET", "/projects/100/access_tokens")
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/projects/100/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 3600, Times: 10})
	var waits []time.Duration
	rep, err := auditClient(t, url, fake.OwnerToken).Audit(context.Background(), AuditOptions{Group: "acme", Concurrency: 4,
		OnWait: func(d time.Duration, why string) { waits = append(waits, d) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 1 || rep.FailedExample == nil || !strings.Contains(rep.FailedExample.Error(), "wait 1h0m0s") || len(waits) != 0 || srv.CountRequests("GET", "/projects/100/access_tokens")-before != 1 {
		t.Fatalf("failed %d (%s), waits %v, asked %d times", rep.Failed, rep.FailedExample, waits, srv.CountRequests("GET", "/projects/100/access_tokens")-before)
	}
}

func TestAuditInterrupted(t *testing.T) {
	_, url := auditServer(t, "audit-small")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := auditClient(t, url, fake.OwnerToken).Audit(ctx, AuditOptions{Group: "bigco", Concurrency: 2,
		Progress: func(p AuditProgress) {
			if p.Tokens >= 20 {
				cancel()
			}
		}})
	if err != nil || !rep.Interrupted || len(rep.Tokens) < 20 || len(rep.Tokens) >= 510 {
		t.Fatalf("err %v, interrupted %v with %d tokens", err, rep != nil && rep.Interrupted, len(rep.Tokens))
	}
}

func TestAuditInstance(t *testing.T) {
	srv, url := auditServer(t, "audit-small")
	rep, err := auditClient(t, url, fake.AdminToken).Audit(context.Background(), AuditOptions{Instance: true})
	if err != nil {
		t.Fatal(err)
	}
	check(t, rep, wantActive(srv, "", true, false))
	var users []string
	for _, f := range rep.Tokens {
		if f.Where.Kind == token.KindPersonal {
			users = append(users, f.Where.Path)
		}
	}
	sort.Strings(users)
	if len(users) == 0 || users[0] != "alice" || users[len(users)-1] != "user099" {
		t.Fatalf("personal tokens of %v", users)
	}
	_, err = auditClient(t, url, fake.OwnerToken).Audit(context.Background(), AuditOptions{Instance: true})
	var ge *Error
	if !errors.As(err, &ge) || ge.Code != CodeNoPermission || !strings.Contains(ge.Error(), "administrator") {
		t.Fatalf("a non-administrator: %v", err)
	}
}

func TestAuditFailures(t *testing.T) {
	revoked := `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`
	tests := []struct {
		name    string
		fault   fake.Fault
		code    Code
		failed  int
		partial bool
	}{
		{"the credential is revoked mid-way: stop, blame it", fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Status: 401, Body: revoked, Times: 1}, CodeRevoked, 0, false},
		{"one list fails: counted, the rest read", fake.Fault{Method: "GET", PathSuffix: "/projects/100003/access_tokens", Status: 400, Body: `{"message":"400 Bad request"}`}, "", 1, true},
		{"every list fails: stop after ten in a row", fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Status: 400, Body: `{"message":"400 Bad request"}`}, CodeInvalid, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, u := auditServer(t, "audit-small")
			s.AddFault(tt.fault)
			rep, err := auditClient(t, u, fake.OwnerToken).Audit(context.Background(), AuditOptions{Group: "bigco", Concurrency: 1})
			if tt.code != "" {
				var ge *Error
				if !errors.As(err, &ge) || ge.Code != tt.code {
					t.Fatalf("err %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || rep.Failed != tt.failed || rep.FailedExample == nil || len(rep.Tokens) == 0 {
				t.Fatalf("err %v, report %+v", err, rep)
			}
		})
	}
}

func TestAuditOfAHostileServer(t *testing.T) {
	srv, url := auditServer(t, "audit-small")
	srv.SetHostileJSON(true)
	rep, err := auditClient(t, url, fake.OwnerToken).Audit(context.Background(), AuditOptions{Group: "bigco"})
	if err != nil || len(rep.Tokens) != len(wantActive(srv, "bigco", false, false)) {
		t.Fatalf("%v, %d tokens", err, len(rep.Tokens))
	}
	srv.SetHostileJSON(false)
	rep, err = auditClient(t, url, fake.OwnerToken).Audit(context.Background(), AuditOptions{Group: "bigco"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Tokens {
		if strings.ContainsAny(f.Name+f.Where.Path, "\x1b\x07") {
			t.Fatalf("an escape sequence reached the report: %q", f.Name)
		}
	}
}

// TestTokenListRefusalBlamesTheRightParty: GitLab answers the same 401 to a
// bad credential and to a caller without rights on the resource.
func TestTokenListRefusalBlamesTheRightParty(t *testing.T) {
	_, url := auditServer(t, "demo")
	tests := []struct {
		name, cred, group string
		code              Code
		says              string
	}{
		{"a group alice does not own", fake.MaintainerToken, "acme", CodeNoPermission, "Owner role on the group; your credential itself works"},
		{"a credential GitLab does not know", "glpat-unknown-000000000000", "acme", CodeUnauthorized, "did not accept your credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auditClient(t, url, tt.cred).ListTokens(context.Background(), token.Request{Kind: token.KindGroup, Target: tt.group}, "")
			var ge *Error
			if !errors.As(err, &ge) || ge.Code != tt.code || !strings.Contains(ge.Error(), tt.says) {
				t.Fatalf("err %v, want %s saying %q", err, tt.code, tt.says)
			}
		})
	}
}

func TestRawTokenActive(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	yes, no := true, false
	tests := []struct {
		name string
		raw  rawToken
		want bool
	}{
		{"GitLab says active", rawToken{Active: &yes, ExpiresAt: "2020-01-01"}, true},
		{"GitLab says inactive", rawToken{Active: &no, ExpiresAt: "2030-01-01"}, false},
		{"unsaid, expires tomorrow", rawToken{ExpiresAt: "2026-11-26"}, true},
		{"unsaid, expired at 00:00 today", rawToken{ExpiresAt: "2026-11-25"}, false},
		{"unsaid, no expiry", rawToken{}, true},
		{"unsaid, revoked", rawToken{Revoked: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.raw.active(now); got != tt.want {
				t.Fatalf("active %v, want %v", got, tt.want)
			}
		})
	}
}
