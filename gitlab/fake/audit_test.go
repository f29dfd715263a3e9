package fake

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuditEndpoints(t *testing.T) {
	srv, ts := newTestServer(t, "audit-small")
	manage := "/api/v4/groups/bigco/manage/resource_access_tokens"
	tests := []struct {
		name   string
		on     bool
		path   string
		cred   string
		status int
		want   []string // in the body
		header map[string]string
	}{
		{"descendant groups, at any depth", false, "/api/v4/groups/bigco/descendant_groups?per_page=100", OwnerToken, 200,
			[]string{`"full_path":"bigco/div-8/team-9"`}, map[string]string{"X-Total": "110", "X-Next-Page": "2"}},
		{"projects of subgroups too", false, "/api/v4/groups/bigco/projects?include_subgroups=true&per_page=100", OwnerToken, 200,
			[]string{`"path_with_namespace":"bigco/div-0/svc-00001"`}, map[string]string{"X-Total": "300", "X-Total-Pages": "3"}},
		{"own projects only without include_subgroups", false, "/api/v4/groups/bigco/projects", OwnerToken, 200,
			nil, map[string]string{"X-Total": "3"}},
		{"token lists carry resource and IPs", false, "/api/v4/projects/100035/access_tokens?state=active", OwnerToken, 200,
			[]string{`"resource_type":"project"`, `"resource_id":100035`, `"last_used_ips":[`}, nil},
		{"below Maintainer: 401, as resource_access_tokens.rb answers", false, "/api/v4/projects/100007/access_tokens", DeveloperToken, 401,
			[]string{`{"message":"401 Unauthorized"}`}, nil},
		{"group tokens need Owner: 401 for a Maintainer", false, "/api/v4/groups/bigco%2Fdiv-0/access_tokens", MaintainerToken, 401, nil, nil},
		{"the inventory is off by default (self-managed)", false, manage, OwnerToken, 404, []string{"404 Not Found"}, nil},
		{"the inventory is for Owners", true, manage, DeveloperToken, 403, []string{"403 Forbidden"}, nil},
		{"the inventory lists the whole hierarchy", true, manage + "?state=active&per_page=100", OwnerToken, 200,
			[]string{`"resource_type":"group"`, `"resource_type":"project"`}, map[string]string{"X-Total": "510"}},
		{"the inventory without a filter", true, manage, OwnerToken, 200, nil, map[string]string{"X-Total": "600"}},
		{"the inventory's revoked filter", true, manage + "?revoked=true", OwnerToken, 200, []string{`"revoked":true`}, map[string]string{"X-Total": "30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetManageEndpoint(tt.on)
			status, body, h := do(t, ts, "GET", tt.path, tt.cred, "")
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %s: %.300s", w, body)
				}
			}
			for k, v := range tt.header {
				if h.Get(k) != v {
					t.Errorf("%s: %q, want %q", k, h.Get(k), v)
				}
			}
		})
	}
}

// TestLargeListsAreNotCounted follows Kaminari: past 10 000 records GitLab
// gives no X-Total, X-Total-Pages or rel="last", only the next page.
func TestLargeListsAreNotCounted(t *testing.T) {
	srv, ts := newTestServer(t, "audit")
	srv.SetManageEndpoint(true)
	_, body, h := do(t, ts, "GET", "/api/v4/groups/bigco/manage/resource_access_tokens?per_page=100", OwnerToken, "")
	var items []map[string]any
	if err := json.Unmarshal([]byte(body), &items); err != nil || len(items) != 100 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	if h.Get("X-Total") != "" || h.Get("X-Total-Pages") != "" || strings.Contains(h.Get("Link"), `rel="last"`) ||
		h.Get("X-Next-Page") != "2" || !strings.Contains(h.Get("Link"), `rel="next"`) {
		t.Fatalf("headers %v", h)
	}
	// Exactly 10 000 is still counted.
	_, _, h = do(t, ts, "GET", "/api/v4/groups/bigco/projects?include_subgroups=true&per_page=100", OwnerToken, "")
	if h.Get("X-Total") != "10000" || h.Get("X-Total-Pages") != "100" {
		t.Fatalf("headers %v", h)
	}
}

func TestRateLimitPerCaller(t *testing.T) {
	srv, ts := newTestServer(t, "demo")
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	srv.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	srv.SetRateLimit(2, 10*time.Second)
	steps := []struct {
		cred      string
		advance   time.Duration
		status    int
		remaining string
	}{
		{OwnerToken, 0, 200, "1"},
		{OwnerToken, time.Second, 200, "0"},
		{OwnerToken, time.Second, 429, "0"},
		{MaintainerToken, 0, 200, "1"}, // a budget of its own
		{OwnerToken, 8 * time.Second, 200, "1"},
	}
	for i, st := range steps {
		mu.Lock()
		clock = clock.Add(st.advance)
		mu.Unlock()
		status, body, h := do(t, ts, "GET", "/api/v4/user", st.cred, "")
		if status != st.status || h.Get("RateLimit-Remaining") != st.remaining || h.Get("RateLimit-Limit") != "12" {
			t.Fatalf("step %d: %d %s %v", i, status, body, h)
		}
		if status == 429 && (body != "Retry later" || h.Get("Retry-After") != "8") {
			t.Fatalf("step %d: %q, Retry-After %q", i, body, h.Get("Retry-After"))
		}
	}
}

func TestPeakInFlight(t *testing.T) {
	srv, ts := newTestServer(t, "demo")
	srv.SetLatency(20 * time.Millisecond)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", ts.URL+"/api/v4/version", nil)
			req.Header.Set("PRIVATE-TOKEN", OwnerToken)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if p := srv.PeakInFlight(); p < 2 || p > 5 {
		t.Fatalf("peak %d of 5 concurrent requests", p)
	}
	srv.ResetPeakInFlight()
	do(t, ts, "GET", "/api/v4/version", OwnerToken, "")
	if p := srv.PeakInFlight(); p != 1 {
		t.Fatalf("peak %d after one request", p)
	}
}
