package fake

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// A seeded token's bot is a member of its resource with the token's role
// (create_service.rb create_membership), so the token reads its own project
// or group, and the team knows its role.
func TestSeededTokenBotIsAMember(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	const projectValue, groupValue = "glpat-seeded-project-00000", "glpat-seeded-group-0000000"
	pid := s.AddResourceToken("project:100", Token{Name: "seeded", Value: projectValue, Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: "2026-12-25"})
	s.AddResourceToken("group:13", Token{Name: "seeded", Value: groupValue, Scopes: []string{"read_api"}, AccessLevel: 30, ExpiresAt: "2026-12-25"})
	if status, body, _ := do(t, ts, "GET", "/api/v4/projects/100", projectValue, ""); status != 200 {
		t.Fatalf("the project token reads its project: %d %s", status, body)
	}
	if status, body, _ := do(t, ts, "GET", "/api/v4/groups/13", groupValue, ""); status != 200 {
		t.Fatalf("the group token reads its group: %d %s", status, body)
	}
	bot := s.Tokens("project:100")[0].UserID
	status, body, _ := do(t, ts, "GET", fmt.Sprintf("/api/v4/projects/100/members/all/%d", bot), MaintainerToken, "")
	if status != 200 || !strings.Contains(body, `"access_level":20`) {
		t.Fatalf("the bot's membership = %d %s", status, body)
	}
	// The Maintainer may rotate it: the bot's role (Reporter) is one she holds.
	if status, body, _ := do(t, ts, "POST", fmt.Sprintf("/api/v4/projects/100/access_tokens/%d/rotate", pid), MaintainerToken, `{"expires_at":"2026-12-20"}`); status != 200 {
		t.Fatalf("rotate a seeded token = %d %s", status, body)
	}
}

// rotate reads the bot's role from the team (max_member_access), as
// ProjectAccessTokens::RotateService#valid_access_level? does.
func TestRotateReadsTheBotsRoleFromTheTeam(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	id := s.AddResourceToken("project:100", Token{Name: "owner bot", Value: "glpat-seeded-owner-0000000", Scopes: []string{"api"}, AccessLevel: 50, ExpiresAt: "2026-12-25"})
	status, body, _ := do(t, ts, "POST", fmt.Sprintf("/api/v4/projects/100/access_tokens/%d/rotate", id), MaintainerToken, "")
	if status != 400 || body != `{"message":"400 Bad request - Not eligible to rotate tokens with permissions not held by the user"}` {
		t.Fatalf("a Maintainer rotating an Owner bot = %d %s", status, body)
	}
}

// rotatedExpiry rotates and returns the new token's expires_at ("" for null).
func rotatedExpiry(t *testing.T, status int, body string) string {
	t.Helper()
	if status != 200 {
		t.Fatalf("rotate = %d %s", status, body)
	}
	var tok struct {
		ExpiresAt *string `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresAt == nil {
		return ""
	}
	return *tok.ExpiresAt
}

// rotate_service.rb enforced_expiration_date: without expires_at, a week
// where expiry is required, none where it is not; EE: the shorter of the week
// and the instance's maximum. fixedNow is 2026-11-25.
func TestRotationExpiryWithoutExpiresAt(t *testing.T) {
	for _, tc := range []struct {
		name        string
		maxDays     int
		notRequired bool
		want        string
	}{
		{"expiry required: a week", 0, false, "2026-12-02"},
		{"expiry not required: none", 0, true, ""},
		{"an instance maximum below a week", 5, false, "2026-11-30"},
		{"an instance maximum above a week", 30, false, "2026-12-02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ts := newTestServer(t, "demo")
			acc, tok := newServiceAccountToken(t, ts) // under GitLab's default rule
			s.SetLifetime(tc.maxDays, false, tc.notRequired)
			id := s.AddResourceToken("project:100", Token{Name: "ci", Value: "glpat-seeded-rotate-000000", Scopes: []string{"api"}, AccessLevel: 30, ExpiresAt: "2026-12-25"})
			status, body, _ := do(t, ts, "POST", fmt.Sprintf("/api/v4/projects/100/access_tokens/%d/rotate", id), MaintainerToken, "")
			if got := rotatedExpiry(t, status, body); got != tc.want {
				t.Fatalf("project token rotated to %q, want %q", got, tc.want)
			}
			status, body, _ = do(t, ts, "POST", fmt.Sprintf("/api/v4/groups/acme/service_accounts/%d/personal_access_tokens/%d/rotate", acc, tok), OwnerToken, "")
			if got := rotatedExpiry(t, status, body); got != tc.want {
				t.Fatalf("service-account token rotated to %q, want %q", got, tc.want)
			}
		})
	}
}

// Grape validates the declared expires_at (type: Date) before the endpoint
// looks the project, the token or the caller's rights up.
func TestRotateValidatesExpiresAtFirst(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	id := s.AddResourceToken("project:100", Token{Name: "ci", Value: "glpat-seeded-rotate-000000", Scopes: []string{"api"}, AccessLevel: 30, ExpiresAt: "2026-12-25"})
	bad := `{"expires_at":"next week"}`
	for _, tc := range []struct{ who, path string }{
		{DeveloperToken, fmt.Sprintf("/api/v4/projects/100/access_tokens/%d/rotate", id)}, // no rights: 401 otherwise
		{MaintainerToken, "/api/v4/projects/100/access_tokens/999999/rotate"},             // unknown token: 401 otherwise
		{MaintainerToken, "/api/v4/projects/no%2Fsuch/access_tokens/1/rotate"},            // unknown project: 404 otherwise
	} {
		status, body, _ := do(t, ts, "POST", tc.path, tc.who, bad)
		if status != 400 || body != `{"error":"expires_at is invalid"}` {
			t.Fatalf("POST %s = %d %s; want 400 expires_at is invalid", tc.path, status, body)
		}
	}
	// The scope is checked first (authenticate! in the before block).
	if status, _, _ := do(t, ts, "POST", fmt.Sprintf("/api/v4/projects/100/access_tokens/%d/rotate", id), ReadOnlyToken, bad); status != 403 {
		t.Fatalf("read_api rotate = %d, want 403", status)
	}
}

// create_service.rb runs validate_access_level before
// reached_access_token_limit?: on a trial whose one project token exists, a
// role the caller cannot grant is refused for that, not for the limit.
func TestTrialLimitComesAfterTheAccessLevel(t *testing.T) {
	_, ts := newTestServer(t, "demo")
	ok := `{"name":"jira","scopes":["read_api"],"access_level":20,"expires_at":"2026-12-25"}`
	if status, body, _ := do(t, ts, "POST", "/api/v4/projects/trialco%2Fpilot/members", OwnerToken, `{"user_id":2,"access_level":40}`); status != 201 {
		t.Fatalf("add alice = %d %s", status, body)
	}
	if status, body, _ := do(t, ts, "POST", "/api/v4/projects/trialco%2Fpilot/access_tokens", OwnerToken, ok); status != 201 {
		t.Fatalf("the trial's one token = %d %s", status, body)
	}
	status, body, _ := do(t, ts, "POST", "/api/v4/projects/trialco%2Fpilot/access_tokens", MaintainerToken, strings.Replace(ok, ":20", ":50", 1))
	if status != 400 || body != `{"message":"400 Bad request - Access level of the token contains permissions not held by the creating user"}` {
		t.Fatalf("a Maintainer asking Owner on a full trial = %d %s", status, body)
	}
	status, body, _ = do(t, ts, "POST", "/api/v4/projects/trialco%2Fpilot/access_tokens", MaintainerToken, ok)
	if status != 400 || body != `{"message":"400 Bad request - Access token limit reached"}` {
		t.Fatalf("a grantable role on a full trial = %d %s", status, body)
	}
}

// POST /personal_access_tokens/:id/rotate as personal_access_tokens.rb and
// rotate_service.rb answer it: the token's user or an administrator
// (manage_user_personal_access_token); anyone else, and an unknown id, 401,
// only administrators learn of a missing token (404); expires_at is read
// first; a revoked token is "Token already revoked"; the lifetime rule
// holds; without expires_at the replacement lasts a week. fixedNow is
// 2026-11-25.
func TestRotatePersonalToken(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	idOf := func(v string) int {
		for _, tk := range s.Tokens("*") {
			if tk.Value == v {
				return tk.ID
			}
		}
		t.Fatal("no token")
		return 0
	}
	path := func(id int) string { return fmt.Sprintf("/api/v4/personal_access_tokens/%d/rotate", id) }
	id := idOf(s.AddPersonalToken(2, "Jira", []string{"read_api"}, "2026-12-25"))
	olivias := idOf(s.AddPersonalToken(4, "olivia's", []string{"api"}, "2026-12-25"))
	for _, tt := range []struct {
		name, who, path, body string
		status                int
		want                  string
	}{
		{"a bad date comes first", DeveloperToken, path(id), `{"expires_at":"soon"}`, 400, `{"error":"expires_at is invalid"}`},
		{"read_api may not", ReadOnlyToken, path(id), `{"expires_at":"2026-12-20"}`, 403, `insufficient_scope`},
		{"someone else's, by a user", DeveloperToken, path(id), `{"expires_at":"2026-12-20"}`, 401, `{"message":"401 Unauthorized"}`},
		{"an unknown id, by a user", MaintainerToken, path(999999), `{"expires_at":"2026-12-20"}`, 401, `{"message":"401 Unauthorized"}`},
		{"an unknown id, by an administrator", AdminToken, path(999999), `{"expires_at":"2026-12-20"}`, 404, `{"message":"404 Not Found"}`},
		{"beyond the lifetime", MaintainerToken, path(id), `{"expires_at":"2027-11-26"}`, 400, `{"message":"400 Bad request - Expiration date must be before 2027-11-25"}`},
		{"one's own", MaintainerToken, path(id), `{"expires_at":"2026-12-20"}`, 200, `"expires_at":"2026-12-20"`},
		{"again: already revoked", MaintainerToken, path(id), `{"expires_at":"2026-12-20"}`, 400, `{"message":"400 Bad request - Token already revoked"}`},
		{"another user's, by an administrator", AdminToken, path(olivias), "", 200, `"expires_at":"2026-12-02"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, ts, "POST", tt.path, tt.who, tt.body)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("= %d %s; want %d containing %s", status, body, tt.status, tt.want)
			}
			if status == 200 && (!strings.Contains(body, `"token":"glpat-`) || !strings.Contains(body, `"name":`)) {
				t.Fatalf("no new value: %s", body)
			}
		})
	}
	// Only the rotation revoked anything: the failed attempts left it alone.
	for _, tk := range s.Tokens("*") {
		if tk.ID == id && !tk.Revoked || tk.PreviousID == id && tk.Revoked {
			t.Fatalf("after the rotation: %+v", tk)
		}
	}
}
