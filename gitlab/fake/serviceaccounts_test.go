package fake

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// newServiceAccountToken makes a service account of acme as its Owner and a
// token for it; it returns both ids.
func newServiceAccountToken(t *testing.T, ts *httptest.Server) (account, token int) {
	t.Helper()
	var out struct {
		ID int `json:"id"`
	}
	status, body, _ := do(t, ts, "POST", "/api/v4/groups/acme/service_accounts", OwnerToken, `{"name":"bot","username":"test-bot"}`)
	if status != 201 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("create account = %d %s", status, body)
	}
	account = out.ID
	status, body, _ = do(t, ts, "POST", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens", account), OwnerToken,
		`{"name":"ci","scopes":["read_api"],"expires_at":"2026-12-25"}`)
	if status != 201 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("create token = %d %s", status, body)
	}
	return account, out.ID
}

// Before 17.9 the rotate endpoint declares no expires_at: it is ignored
// (not even validated) and the replacement gets the rotation default. From
// 17.9 it is validated after authorize! and before the account is looked up.
func TestServiceAccountRotateExpiresAt(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	acc, tok := newServiceAccountToken(t, ts)
	rotate := func(account, token int, body string) (int, string) {
		status, b, _ := do(t, ts, "POST", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens/%d/rotate", account, token), OwnerToken, body)
		return status, b
	}
	status, body := rotate(999999, 1, `{"expires_at":"soon"}`)
	if status != 400 || body != `{"error":"expires_at is invalid"}` {
		t.Fatalf("an invalid date for an unknown account = %d %s", status, body)
	}
	if status, body, _ := do(t, ts, "POST", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens/%d/rotate", acc, tok), MaintainerToken, `{"expires_at":"soon"}`); status != 403 {
		t.Fatalf("a Maintainer with an invalid date = %d %s, want 403 first", status, body)
	}
	status, body = rotate(acc, tok, `{"expires_at":"2026-12-20"}`)
	if got := rotatedExpiry(t, status, body); got != "2026-12-20" {
		t.Fatalf("17.11 rotated to %q, want the date sent", got)
	}
	var rotated struct {
		ID int `json:"id"`
	}
	_ = json.Unmarshal([]byte(body), &rotated)
	s.SetVersion("17.8.0-ee")
	status, body = rotate(acc, rotated.ID, `{"expires_at":"soon"}`)
	if got := rotatedExpiry(t, status, body); got != "2026-12-02" {
		t.Fatalf("17.8 rotated to %q, want a week (expires_at ignored)", got)
	}
}

// GET /groups/:id/service_accounts declares order_by values: id, username
// and sort values: asc, desc; Grape refuses others with 400, every invalid
// parameter named, after the before-block's authorize!.
func TestListServiceAccountsValidatesOrder(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	newServiceAccountToken(t, ts)
	for _, tc := range []struct {
		query, token string
		status       int
		want         string
	}{
		{"?order_by=username&sort=asc", OwnerToken, 200, `"username":"test-bot"`},
		{"?order_by=name", OwnerToken, 400, `{"error":"order_by does not have a valid value"}`},
		{"?sort=up", OwnerToken, 400, `{"error":"sort does not have a valid value"}`},
		{"?order_by=&sort=ASC", OwnerToken, 400, `{"error":"order_by does not have a valid value, sort does not have a valid value"}`},
		{"?order_by=name", MaintainerToken, 403, `{"message":"403 Forbidden"}`},
	} {
		status, body, _ := do(t, ts, "GET", "/api/v4/groups/acme/service_accounts"+tc.query, tc.token, "")
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Fatalf("GET service_accounts%s = %d %s; want %d %s", tc.query, status, body, tc.status, tc.want)
		}
	}
}

// Every token list shares access_token_params
// (lib/api/helpers/personal_access_tokens_helpers.rb): the service-account
// token list filters by revoked and created_* too, and an invalid date names
// the parameter that is invalid.
func TestTokenListsShareTheFilters(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	acc, tok := newServiceAccountToken(t, ts)
	base := fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens", acc)
	status, body, _ := do(t, ts, "POST", fmt.Sprintf("%s/%d/rotate", base, tok), OwnerToken, "")
	var rotated struct {
		ID int `json:"id"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &rotated) != nil {
		t.Fatalf("rotate = %d %s", status, body)
	}
	ids := func(query string) string {
		t.Helper()
		status, body, _ := do(t, ts, "GET", base+query, OwnerToken, "")
		var list []struct {
			ID int `json:"id"`
		}
		if status != 200 || json.Unmarshal([]byte(body), &list) != nil {
			t.Fatalf("GET %s = %d %s", query, status, body)
		}
		out := ""
		for _, x := range list {
			out += fmt.Sprintf("%d ", x.ID)
		}
		return out
	}
	if got, want := ids("?revoked=true"), fmt.Sprintf("%d ", tok); got != want {
		t.Fatalf("revoked=true lists %q, want %q", got, want)
	}
	if got, want := ids("?revoked=false"), fmt.Sprintf("%d ", rotated.ID); got != want {
		t.Fatalf("revoked=false lists %q, want %q", got, want)
	}
	if got := ids("?created_after=2026-11-26"); got != "" {
		t.Fatalf("created_after tomorrow lists %q", got)
	}
	if got, want := ids("?created_before=2026-11-26"), fmt.Sprintf("%d %d ", tok, rotated.ID); got != want {
		t.Fatalf("created_before tomorrow lists %q, want %q", got, want)
	}
	for _, tc := range []struct{ path, want string }{
		{base + "?created_before=soon", `{"error":"created_before is invalid"}`},
		{"/api/v4/projects/100/access_tokens?created_before=soon", `{"error":"created_before is invalid"}`},
		{"/api/v4/personal_access_tokens?created_after=x&created_before=y", `{"error":"created_before is invalid, created_after is invalid"}`},
	} {
		status, body, _ := do(t, ts, "GET", tc.path, OwnerToken, "")
		if status != 400 || body != tc.want {
			t.Fatalf("GET %s = %d %s; want 400 %s", tc.path, status, body, tc.want)
		}
	}
}

// Grape validates access_token_params (revoked: Boolean, state: values
// active|inactive, created_*: DateTime) before the endpoint looks the
// project or the account up, and after a before-block's authorize!.
func TestTokenFiltersAreValidatedFirst(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	acc, tok := newServiceAccountToken(t, ts)
	for _, tc := range []struct {
		name, path, token string
		status            int
		want              string
	}{
		{"a Developer, an unknown state", "/api/v4/projects/100/access_tokens?state=all", DeveloperToken, 400, `{"error":"state does not have a valid value"}`},
		{"an unknown project, revoked not a Boolean", "/api/v4/projects/no%2Fsuch/access_tokens?revoked=maybe", MaintainerToken, 400, `{"error":"revoked is invalid"}`},
		{"every invalid filter, in declared order", "/api/v4/groups/acme/access_tokens?created_after=y&created_before=x&state=all&revoked=maybe", OwnerToken, 400,
			`{"error":"revoked is invalid, state does not have a valid value, created_before is invalid, created_after is invalid"}`},
		{"an unknown account", "/api/v4/groups/acme/service_accounts/999999/personal_access_tokens?state=all", OwnerToken, 400, `{"error":"state does not have a valid value"}`},
		{"a Maintainer is refused first", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens?state=all", acc), MaintainerToken, 403, `{"message":"403 Forbidden"}`},
		{"revoked=0 is false", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens?revoked=0", acc), OwnerToken, 200, fmt.Sprintf(`"id":%d`, tok)},
		{"revoked=1 is true", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens?revoked=1", acc), OwnerToken, 200, `[]`},
	} {
		status, body, _ := do(t, ts, "GET", tc.path, tc.token, "")
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Fatalf("%s: GET %s = %d %s; want %d %s", tc.name, tc.path, status, body, tc.status, tc.want)
		}
	}
}

// The before-block's authorize!(:admin_service_accounts) passes only the
// group's Owners and administrators, and only where the group's plan has
// service accounts (group_policy.rb: owner & service_accounts_available):
// on Free before 18.11 every route answers 403, the list included, and a
// 403 comes before any other check.
func TestServiceAccountsNeedOwnerAndAvailability(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	for _, tc := range []struct {
		name, version, method, path, token, body string
		status                                   int
	}{
		{"a Maintainer may not list", "17.11.2-ee", "GET", "/api/v4/groups/acme/service_accounts", MaintainerToken, "", 403},
		{"a Developer may not list", "17.11.2-ee", "GET", "/api/v4/groups/acme/service_accounts", DeveloperToken, "", 403},
		{"the Owner of an Ultimate group lists", "17.11.2-ee", "GET", "/api/v4/groups/acme/service_accounts", OwnerToken, "", 200},
		{"a Premium trial has them", "17.11.2-ee", "GET", "/api/v4/groups/trialco/service_accounts", OwnerToken, "", 200},
		{"Free before 18.11: the Owner may not list", "17.11.2-ee", "GET", "/api/v4/groups/widgets/service_accounts", MaintainerToken, "", 403},
		{"Free before 18.11: nor create", "18.10.0-ee", "POST", "/api/v4/groups/widgets/service_accounts", MaintainerToken, `{"username":"w-bot"}`, 403},
		{"Free before 18.11: nor an administrator", "17.11.2-ee", "GET", "/api/v4/groups/widgets/service_accounts", AdminToken, "", 403},
		{"Free from 18.11: the Owner lists", "18.11.0-ee", "GET", "/api/v4/groups/widgets/service_accounts", MaintainerToken, "", 200},
		{"Free from 18.11: and creates", "18.11.0-ee", "POST", "/api/v4/groups/widgets/service_accounts", MaintainerToken, `{"username":"w-bot"}`, 201},
	} {
		s.SetVersion(tc.version)
		status, body, _ := do(t, ts, tc.method, tc.path, tc.token, tc.body)
		if status != tc.status || (status == 403 && body != `{"message":"403 Forbidden"}`) {
			t.Fatalf("%s: %s %s = %d %s; want %d", tc.name, tc.method, tc.path, status, body, tc.status)
		}
	}
}

// The credentials inventory lists the tokens of project and group bots
// only (manage/groups.rb: user_types: [:project_bot]): a service account's
// tokens are not in it, whatever its group.
func TestInventoryLeavesOutServiceAccountTokens(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	s.SetManageEndpoint(true)
	s.AddResourceToken("project:100", Token{Name: "ci", Scopes: []string{"read_api"}, ExpiresAt: "2026-12-25"})
	_, tok := newServiceAccountToken(t, ts)
	status, body, _ := do(t, ts, "GET", "/api/v4/groups/acme/manage/resource_access_tokens?per_page=100", OwnerToken, "")
	var list []struct {
		ID           int    `json:"id"`
		ResourceType string `json:"resource_type"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list) == 0 {
		t.Fatalf("inventory = %d %s", status, body)
	}
	for _, x := range list {
		if x.ID == tok || (x.ResourceType != "project" && x.ResourceType != "group") {
			t.Fatalf("the inventory lists %+v (the service account's token is %d)", x, tok)
		}
	}
}
