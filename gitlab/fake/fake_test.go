package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var fixedNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T, seed string) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(seed)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return fixedNow }
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func do(t *testing.T, ts *httptest.Server, method, path, token, body string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), resp.Header
}

func TestRules(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	create := "/api/v4/projects/acme%2Fweb/access_tokens"
	ok := `{"name":"jira","scopes":["read_api"],"access_level":20,"expires_at":"2026-12-25"}`
	tests := []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"no token", "GET", "/api/v4/user", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"unknown token", "GET", "/api/v4/user", "glpat-nope", "", 401, `{"message":"401 Unauthorized"}`},
		{"expired", "GET", "/api/v4/user", ExpiredToken, "", 401, `{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`},
		{"user", "GET", "/api/v4/user", MaintainerToken, "", 200, `"username":"alice"`},
		{"self any scope", "GET", "/api/v4/personal_access_tokens/self", ReadOnlyToken, "", 200, `"scopes":["read_api"]`},
		{"read_api cannot create", "POST", create, ReadOnlyToken, ok, 403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`},
		{"developer cannot create", "POST", create, DeveloperToken, ok, 400, `{"message":"400 Bad request - User does not have permission to create project access token"}`},
		{"invisible project", "POST", "/api/v4/projects/widgets%2Fshop/access_tokens", DeveloperToken, ok, 404, `{"message":"404 Project Not Found"}`},
		{"developer on inherited project", "POST", "/api/v4/projects/acme%2Fdocs/access_tokens", DeveloperToken, ok, 400, `{"message":"400 Bad request - User does not have permission to create project access token"}`},
		{"maintainer asks owner", "POST", create, MaintainerToken, strings.Replace(ok, `:20`, `:50`, 1), 400, `{"message":"400 Bad request - Access level of the token contains permissions not held by the creating user"}`},
		{"too far", "POST", create, MaintainerToken, strings.Replace(ok, "2026-12-25", "2027-11-26", 1), 400, `{"message":"400 Bad request - Expiration date must be before 2027-11-25"}`},
		{"bad scope", "POST", create, MaintainerToken, strings.Replace(ok, "read_api", "read_user", 1), 400, `{"error":"scopes does not have a valid value"}`},
		{"bad level", "POST", create, MaintainerToken, strings.Replace(ok, `:20`, `:35`, 1), 400, `{"error":"access_level does not have a valid value"}`},
		{"no name", "POST", create, MaintainerToken, `{"scopes":["api"]}`, 400, `{"error":"name is missing"}`},
		{"not found", "GET", "/api/v4/projects/nope%2Fnope", MaintainerToken, "", 404, `{"message":"404 Project Not Found"}`},
		{"today+365 passes", "POST", create, MaintainerToken, strings.Replace(ok, "2026-12-25", "2027-11-25", 1), 201, `"token":"glpat-`},
		{"created", "POST", create, MaintainerToken, ok, 201, `"access_level":20`},
		{"inherited maintainer", "POST", "/api/v4/projects/102/access_tokens", MaintainerToken, ok, 201, `"scopes":["read_api"]`},
		{"group needs owner", "POST", "/api/v4/groups/acme%2Fplatform/access_tokens", MaintainerToken, ok, 400, `permission to create group access token`},
		{"group owner", "POST", "/api/v4/groups/acme/access_tokens", OwnerToken, ok, 201, `"token":"glpat-`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, ts, tt.method, tt.path, tt.token, tt.body)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("%s %s = %d %s; want %d containing %s", tt.method, tt.path, status, body, tt.status, tt.want)
			}
		})
	}
}

func TestCreatedTokenWorksAndIsShownOnce(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	status, body, _ := do(t, ts, "POST", "/api/v4/projects/100/access_tokens", MaintainerToken,
		`{"name":"jira","scopes":["read_api"],"access_level":20,"expires_at":"2026-12-25"}`)
	if status != 201 {
		t.Fatalf("create = %d %s", status, body)
	}
	var tok struct {
		ID     int    `json:"id"`
		Token  string `json:"token"`
		UserID int    `json:"user_id"`
	}
	_ = json.Unmarshal([]byte(body), &tok)
	if !strings.HasPrefix(tok.Token, "glpat-") {
		t.Fatalf("token = %q", tok.Token)
	}
	if status, body, _ := do(t, ts, "GET", "/api/v4/projects/acme%2Fweb/repository/commits?per_page=1", tok.Token, ""); status != 200 || !strings.Contains(body, "web: change 5") {
		t.Fatalf("commits with new token = %d %s", status, body)
	}
	if status, _, _ := do(t, ts, "POST", "/api/v4/projects/100/access_tokens", tok.Token,
		`{"name":"x","scopes":["read_api"],"access_level":20,"expires_at":"2026-12-25"}`); status != 403 {
		t.Fatalf("read_api project token created a token: %d", status)
	}
	_, list, _ := do(t, ts, "GET", "/api/v4/projects/100/access_tokens", MaintainerToken, "")
	if strings.Contains(list, tok.Token) || !strings.Contains(list, `"name":"jira"`) {
		t.Fatalf("list leaks token or misses it: %s", list)
	}
	bot := s.users[tok.UserID]
	if bot == nil || !bot.Bot || !strings.HasPrefix(bot.Username, "project_100_bot_") {
		t.Fatalf("bot user = %+v", bot)
	}
	if status, _, _ := do(t, ts, "DELETE", "/api/v4/projects/100/access_tokens/"+itoa(tok.ID), MaintainerToken, ""); status != 204 {
		t.Fatalf("revoke = %d", status)
	}
	if status, body, _ := do(t, ts, "GET", "/api/v4/personal_access_tokens/self", tok.Token, ""); status != 401 || !strings.Contains(body, "Token was revoked") {
		t.Fatalf("revoked token = %d %s", status, body)
	}
}

func TestPaginationAndSearch(t *testing.T) {
	_, ts := newTestServer(t, "large")
	status, body, h := do(t, ts, "GET", "/api/v4/projects?membership=true&min_access_level=40&search=repo-04200&per_page=5", MaintainerToken, "")
	if status != 200 || h.Get("X-Total") != "1" || !strings.Contains(body, `"path_with_namespace":"farm/repo-04200"`) {
		t.Fatalf("search = %d total=%s %.200s", status, h.Get("X-Total"), body)
	}
	_, _, h = do(t, ts, "GET", "/api/v4/projects?membership=true&min_access_level=40&per_page=100&page=2", MaintainerToken, "")
	if h.Get("X-Next-Page") != "3" || h.Get("X-Page") != "2" || !strings.Contains(h.Get("Link"), `rel="next"`) {
		t.Fatalf("pagination headers: %v", h)
	}
	_, body, _ = do(t, ts, "GET", "/api/v4/projects?membership=true&min_access_level=40&search=we", MaintainerToken, "")
	if body != "[]" {
		t.Fatalf("two-letter search matched partially: %.200s", body)
	}
	_, body, _ = do(t, ts, "GET", "/api/v4/projects?membership=true&min_access_level=40&search=acme/plat&search_namespaces=true&per_page=100", MaintainerToken, "")
	if !strings.Contains(body, "acme/platform/api") || strings.Contains(body, `"acme/docs"`) {
		t.Fatalf("namespace search: %.300s", body)
	}
}

func TestFaults(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	s.AddFault(Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: FaultCommitThenStatus, Status: 502, Times: 1})
	body := `{"name":"jira","scopes":["read_api"],"access_level":20,"expires_at":"2026-12-25"}`
	status, resp, _ := do(t, ts, "POST", "/api/v4/projects/100/access_tokens", MaintainerToken, body)
	if status != 502 || strings.Contains(resp, "glpat-") {
		t.Fatalf("commit-then-502 = %d %s", status, resp)
	}
	if n := len(s.Tokens("project:100")); n != 1 {
		t.Fatalf("tokens after commit-then-502 = %d, want 1", n)
	}
	s.AddFault(Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: FaultRateLimit, RetryAfter: 3, Times: 1})
	status, resp, h := do(t, ts, "POST", "/api/v4/projects/100/access_tokens", MaintainerToken, body)
	if status != 429 || resp != "Retry later" || h.Get("Retry-After") != "3" || h.Get("RateLimit-Reset") == "" {
		t.Fatalf("429 = %d %q %v", status, resp, h)
	}
	if n := len(s.Tokens("project:100")); n != 1 {
		t.Fatalf("a 429 created a token: %d", n)
	}
	s.AddFault(Fault{Method: "POST", Kind: FaultCommitThenReset, Times: 1})
	req, _ := http.NewRequest("POST", ts.URL+"/api/v4/projects/100/access_tokens", strings.NewReader(body))
	req.Header.Set("PRIVATE-TOKEN", MaintainerToken)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Fatal("reset fault delivered a whole response")
		}
	}
	if n := len(s.Tokens("project:100")); n != 2 {
		t.Fatalf("tokens after commit-then-reset = %d, want 2", n)
	}
	for _, r := range s.Requests() {
		if strings.Contains(r.Auth, "glpat") || strings.Contains(r.Body, "glpat") {
			t.Fatalf("recorded a credential: %+v", r)
		}
	}
	if f, err := ParseFault("POST:/access_tokens:commit-then-status:502:1"); err != nil || f.Status != 502 || f.Times != 1 {
		t.Fatalf("ParseFault = %+v, %v", f, err)
	}
	f, err := ParseFault("GET:/user:redirect:302:1;location=http://127.0.0.1:9/api/v4/user")
	if err != nil || f.Kind != FaultRedirect || f.Status != 302 || f.Times != 1 || f.Location != "http://127.0.0.1:9/api/v4/user" {
		t.Fatalf("ParseFault(redirect) = %+v, %v", f, err)
	}
	f, err = ParseFault(`GET:/user:ratelimit;reset-after=86400;omit-retry-after=true;body={"message":"x"}`)
	if err != nil || f.ResetAfter != 86400 || !f.OmitRetryAfter || f.Body != `{"message":"x"}` {
		t.Fatalf("ParseFault(options) = %+v, %v", f, err)
	}
	for _, bad := range []string{"GET:/user:redirect:302", "GET:/user:status:500;colour=red", "GET:/user:status;delay=soon", "GET:/user:nonsense"} {
		if _, err := ParseFault(bad); err == nil {
			t.Fatalf("ParseFault(%q) accepted", bad)
		}
	}
}

// A project's permissions name a role held through a parent group when the
// project is read alone, and leave it out of a list, as GitLab's
// ProjectWithAccess entity does (its list preloads the own group only).
func TestListedProjectsLeaveOutParentGroupRoles(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	var one struct {
		Permissions struct {
			GroupAccess *struct {
				AccessLevel int `json:"access_level"`
			} `json:"group_access"`
		} `json:"permissions"`
	}
	_, body, _ := do(t, ts, "GET", "/api/v4/projects/acme%2Fplatform%2Ftools%2Fcli", MaintainerToken, "")
	if err := json.Unmarshal([]byte(body), &one); err != nil || one.Permissions.GroupAccess == nil || one.Permissions.GroupAccess.AccessLevel != 40 {
		t.Fatalf("single project: %v %.300s", err, body)
	}
	var list []struct {
		Path        string `json:"path_with_namespace"`
		Permissions struct {
			GroupAccess *struct{} `json:"group_access"`
		} `json:"permissions"`
	}
	_, body, _ = do(t, ts, "GET", "/api/v4/projects?membership=true&min_access_level=40&search=tools/cli&search_namespaces=true", MaintainerToken, "")
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 1 || list[0].Path != "acme/platform/tools/cli" || list[0].Permissions.GroupAccess != nil {
		t.Fatalf("listed project: %v %.300s", err, body)
	}
}

// GET /groups/:id carries the group's projects unless with_projects=false.
func TestGroupDetailProjects(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	_, body, _ := do(t, ts, "GET", "/api/v4/groups/acme", OwnerToken, "")
	if !strings.Contains(body, `"projects":[{`) || !strings.Contains(body, `"acme/web"`) {
		t.Fatalf("default group detail: %.300s", body)
	}
	_, body, _ = do(t, ts, "GET", "/api/v4/groups/acme?with_projects=false", OwnerToken, "")
	if strings.Contains(body, `"projects"`) {
		t.Fatalf("with_projects=false: %.300s", body)
	}
}

// GitLab before 17.7 has no Planner role: access_level 15 fails Grape's
// values check there, for tokens and memberships alike.
func TestPlannerNeeds177(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	planner := `{"name":"jira","scopes":["read_api"],"access_level":15,"expires_at":"2026-12-25"}`
	s.SetVersion("17.5.0-ee")
	if status, body, _ := do(t, ts, "POST", "/api/v4/projects/acme%2Fweb/access_tokens", OwnerToken, planner); status != 400 || body != `{"error":"access_level does not have a valid value"}` {
		t.Fatalf("Planner on 17.5 = %d %s", status, body)
	}
	s.SetVersion("17.7.0-ee")
	if status, body, _ := do(t, ts, "POST", "/api/v4/projects/acme%2Fweb/access_tokens", OwnerToken, planner); status != 201 {
		t.Fatalf("Planner on 17.7 = %d %s", status, body)
	}
}
