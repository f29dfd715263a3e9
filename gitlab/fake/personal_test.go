package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPersonalTokensPlansAndUsers(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	ok := `{"name":"jira","scopes":["read_api"],"expires_at":"2026-12-25"}`
	tests := []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"admin creates for a user", "POST", "/api/v4/users/2/personal_access_tokens", AdminToken, ok, 201, `"token":"glpat-`},
		{"admin scope for a user", "POST", "/api/v4/users/2/personal_access_tokens", AdminToken, strings.Replace(ok, "read_api", "sudo", 1), 201, `"scopes":["sudo"]`},
		{"non-admin refused", "POST", "/api/v4/users/2/personal_access_tokens", MaintainerToken, ok, 403, `{"message":"403 Forbidden"}`},
		{"unknown user", "POST", "/api/v4/users/999/personal_access_tokens", AdminToken, ok, 404, `{"message":"404 User Not Found"}`},
		{"too far", "POST", "/api/v4/users/2/personal_access_tokens", AdminToken, strings.Replace(ok, "2026-12-25", "2027-11-26", 1), 422, `{"message":"Expiration date must be before 2027-11-25"}`},
		{"self-service read_api refused", "POST", "/api/v4/user/personal_access_tokens", MaintainerToken, ok, 400, `{"error":"scopes does not have a valid value"}`},
		{"self-service k8s_proxy", "POST", "/api/v4/user/personal_access_tokens", MaintainerToken, strings.Replace(ok, "read_api", "k8s_proxy", 1), 201, `"scopes":["k8s_proxy"]`},
		{"own tokens only", "GET", "/api/v4/personal_access_tokens?user_id=1", MaintainerToken, "", 401, `401 Unauthorized`},
		{"admin lists a user's", "GET", "/api/v4/personal_access_tokens?user_id=3&search=wiz", AdminToken, "", 200, `"name":"wizard"`},
		{"other's token not revoked", "DELETE", "/api/v4/personal_access_tokens/3", MaintainerToken, "", 400, `{"message":"400 Bad request - Not permitted to revoke"}`},
		{"other's token unreadable", "GET", "/api/v4/personal_access_tokens/3", MaintainerToken, "", 401, `{"message":"401 Unauthorized"}`},
		{"unknown token to an admin", "GET", "/api/v4/personal_access_tokens/999", AdminToken, "", 404, `{"message":"404 Not Found"}`},
		{"user by id", "GET", "/api/v4/users/3", MaintainerToken, "", 200, `"username":"dave"`},
		{"plan shown to owner", "GET", "/api/v4/namespaces/widgets", MaintainerToken, "", 200, `"plan":"free"`},
		{"plan hidden from non-owner", "GET", "/api/v4/namespaces/acme", MaintainerToken, "", 200, `"kind":"group"`},
		{"free plan refuses project token", "POST", "/api/v4/projects/widgets%2Fshop/access_tokens", MaintainerToken, ok, 400, `{"message":"400 Bad request - User does not have permission to create project access token"}`},
		{"trial refuses group token", "POST", "/api/v4/groups/trialco/access_tokens", OwnerToken, ok, 400, `permission to create group access token`},
		{"trial allows one project token", "POST", "/api/v4/projects/trialco%2Fpilot/access_tokens", OwnerToken, ok, 201, `"token":"glpat-`},
		{"trial's second project token", "POST", "/api/v4/projects/trialco%2Fpilot/access_tokens", OwnerToken, ok, 400, `{"message":"400 Bad request - Access token limit reached"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, ts, tt.method, tt.path, tt.token, tt.body)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("%s %s = %d %s; want %d containing %s", tt.method, tt.path, status, body, tt.status, tt.want)
			}
		})
	}
	if _, body, _ := do(t, ts, "GET", "/api/v4/namespaces/acme", MaintainerToken, ""); strings.Contains(body, "plan") {
		t.Fatalf("a Maintainer saw the plan: %s", body)
	}
}

func TestPersonalTokenPage(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	q := "?name=Jira+integration&description=for+Jira&scopes=read_api,bogus,sudo"
	// Not signed in: GitLab sends the browser to sign in.
	req, _ := http.NewRequest("GET", ts.URL+"/-/user_settings/personal_access_tokens"+q, nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 {
		t.Fatalf("anonymous form: %d", resp.StatusCode)
	}
	status, body, _ := do(t, ts, "GET", "/-/user_settings/personal_access_tokens"+q, MaintainerToken, "")
	if status != 200 || !strings.Contains(body, `value="Jira integration"`) || !strings.Contains(body, `value="read_api"`) || strings.Contains(body, "for Jira") {
		t.Fatalf("prefilled form on 17.11 (no description before 18.1, unknown and admin scopes dropped): %d %s", status, body)
	}
	s.SetVersion("18.2.0")
	if _, body, _ := do(t, ts, "GET", "/-/user_settings/personal_access_tokens"+q, MaintainerToken, ""); !strings.Contains(body, `value="for Jira"`) {
		t.Fatalf("description on 18.2: %s", body)
	}
	// The old path is gone on 17.x; on 16.5 it is the only one, without description.
	if status, _, _ := do(t, ts, "GET", "/-/profile/personal_access_tokens"+q, MaintainerToken, ""); status != 404 {
		t.Fatalf("old path on 17.x: %d", status)
	}
	s.SetVersion("16.5.0")
	if status, body, _ := do(t, ts, "GET", "/-/profile/personal_access_tokens"+q, MaintainerToken, ""); status != 200 || strings.Contains(body, "for Jira") {
		t.Fatalf("16.5 form: %d %s", status, body)
	}
	s.SetVersion("17.11.2-ee")
	form := url.Values{"name": {"Jira integration"}, "scopes": {"read_api"}, "expires_at": {"2026-12-25"}}
	req, _ = http.NewRequest("POST", ts.URL+"/-/user_settings/personal_access_tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "_gitlab_session", Value: MaintainerToken})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		NewToken string `json:"new_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(out.NewToken, "glpat-") {
		t.Fatalf("create from the page: %d %+v", resp.StatusCode, out)
	}
	status, body, _ = do(t, ts, "GET", "/api/v4/personal_access_tokens/self", out.NewToken, "")
	if status != 200 || !strings.Contains(body, `"scopes":["read_api"]`) || !strings.Contains(body, `"user_id":2`) {
		t.Fatalf("the new token: %d %s", status, body)
	}
}

func TestDeviceFlow(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	s.SetDeviceInterval(1)
	post := func(path string, v url.Values) (int, map[string]any) {
		resp, err := http.PostForm(ts.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if st, m := post("/oauth/authorize_device", url.Values{"client_id": {"nope"}}); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("unknown client: %d %v", st, m)
	}
	st, m := post("/oauth/authorize_device", url.Values{"client_id": {DemoOAuthClientID}, "scope": {"api"}})
	if st != 200 || m["user_code"] == nil || m["interval"].(float64) != 1 {
		t.Fatalf("authorize: %d %v", st, m)
	}
	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {m["device_code"].(string)}, "client_id": {DemoOAuthClientID}}
	if st, r := post("/oauth/token", poll); st != 400 || r["error"] != "authorization_pending" {
		t.Fatalf("pending: %d %v", st, r)
	}
	if st, r := post("/oauth/token", poll); st != 400 || r["error"] != "slow_down" {
		t.Fatalf("too fast: %d %v", st, r)
	}
	if err := s.ApproveDevice(m["user_code"].(string), 2, true); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return fixedNow.Add(10 * time.Second) }
	st, r := post("/oauth/token", poll)
	if st != 200 || r["token_type"] != "Bearer" || r["scope"] != "api" {
		t.Fatalf("token: %d %v", st, r)
	}
	bearer := r["access_token"].(string)
	req, _ := http.NewRequest("GET", ts.URL+"/api/v4/user", nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("use the OAuth token: %v %v", err, resp)
	}
	resp.Body.Close()
	if st, r := post("/oauth/token", poll); st != 400 || r["error"] != "invalid_grant" {
		t.Fatalf("second use of the device code: %d %v", st, r)
	}
	// Denied, then expired.
	_, m = post("/oauth/authorize_device", url.Values{"client_id": {DemoOAuthClientID}, "scope": {"api"}})
	_ = s.ApproveDevice(m["user_code"].(string), 2, false)
	poll.Set("device_code", m["device_code"].(string))
	if st, r := post("/oauth/token", poll); st != 400 || r["error"] != "access_denied" {
		t.Fatalf("denied: %d %v", st, r)
	}
	_, m = post("/oauth/authorize_device", url.Values{"client_id": {DemoOAuthClientID}, "scope": {"api"}})
	poll.Set("device_code", m["device_code"].(string))
	s.Now = func() time.Time { return fixedNow.Add(10 * time.Minute) }
	if st, r := post("/oauth/token", poll); st != 400 || r["error"] != "expired_token" {
		t.Fatalf("expired: %d %v", st, r)
	}
}

func TestDemoBrowserUsesTheFormWithoutSigningIn(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	s.SetBrowserUser(2)
	form := url.Values{"name": {"Jira"}, "scopes": {"read_api"}, "expires_at": {"2026-12-25"}}
	req, _ := http.NewRequest("POST", ts.URL+"/-/user_settings/personal_access_tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	_, _ = io.Copy(b, resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(b.String(), `id="created-personal-access-token" readonly size="40" value="glpat-`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	ts2 := s.Tokens("*")
	if last := ts2[len(ts2)-1]; last.UserID != 2 || last.Name != "Jira" {
		t.Fatalf("token %+v", last)
	}
}
