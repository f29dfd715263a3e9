package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

func TestListCallsOutTokensAboutToExpire(t *testing.T) {
	_, url := server(t)
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	for name, exp := range map[string]string{"Jira integration": in(90), "old Jira": in(5)} {
		if r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--name", name, "-E", exp, "--no-verify"); r.code != ExitOK {
			t.Fatalf("create %s: %d\n%s", name, r.code, r.stderr)
		}
	}
	r := execute(t, url, fake.MaintainerToken, "", "list", "--project", "acme/web")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Jira integration") || !strings.Contains(r.stdout, "in 90 days") ||
		!strings.Contains(r.stdout, "expires soon") || !strings.Contains(r.stderr, `"old Jira" expires within 14 days; the integrations using it stop then`) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "glpat-") {
		t.Fatal("a token value in the list")
	}
	r = execute(t, url, fake.MaintainerToken, "", "list", "--project", "acme/web", "-F", "json")
	var items []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 2 || items[0]["role"] != "reporter" {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	// Your own personal tokens; a group where you are not Owner is refused by GitLab.
	r = execute(t, url, fake.MaintainerToken, "", "list", "--user", "@me", "--all")
	if r.code != ExitOK || !strings.Contains(r.stdout, "read only") || !strings.Contains(r.stdout, "expired") {
		t.Fatalf("personal: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := execute(t, url, fake.MaintainerToken, "", "list", "--group", "acme"); r.code != ExitRefused {
		t.Fatalf("a group alice does not own: %d\n%s", r.code, r.stderr)
	}
	if r := execute(t, url, fake.MaintainerToken, "", "list"); r.code != ExitInvalid {
		t.Fatalf("no target: %d", r.code)
	}
}

// Issue 11's list targets: every token of a long list, in few requests; and
// active tokens only asked for unless --all.
func TestListReadsEveryTokenInFewRequests(t *testing.T) {
	srv, url := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 200).Format("2006-01-02")
	for i := 0; i < 1900; i++ {
		srv.AddResourceToken("project:100", fake.Token{Name: fmt.Sprintf("old %d", i), ExpiresAt: exp, Revoked: true, Scopes: []string{"read_api"}})
	}
	for i := 0; i < 100; i++ {
		srv.AddResourceToken("project:100", fake.Token{Name: fmt.Sprintf("live %d", i), ExpiresAt: exp, Scopes: []string{"read_api"}})
	}
	before := len(srv.Requests())
	r := execute(t, url, fake.MaintainerToken, "", "list", "-R", "acme/web", "-F", "json")
	var items []map[string]any
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &items) != nil || len(items) != 100 {
		t.Fatalf("exit %d, %d items:\n%s", r.code, len(items), r.stderr)
	}
	if n := len(srv.Requests()) - before; n > 2 {
		t.Fatalf("%d requests for 100 active tokens among 2000", n)
	}
	r = execute(t, url, fake.MaintainerToken, "", "list", "-R", "acme/web", "-F", "json", "--all")
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &items) != nil || len(items) != 2000 {
		t.Fatalf("--all: exit %d, %d items", r.code, len(items))
	}
	// 6000 active tokens: all of them, not a silent 5000.
	for i := 0; i < 5900; i++ {
		srv.AddResourceToken("project:100", fake.Token{Name: fmt.Sprintf("more %d", i), ExpiresAt: exp, Scopes: []string{"read_api"}})
	}
	r = execute(t, url, fake.MaintainerToken, "", "list", "-R", "acme/web", "-F", "json")
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &items) != nil || len(items) != 6000 {
		t.Fatalf("6000: exit %d, %d items", r.code, len(items))
	}
	seen := map[float64]bool{}
	for _, it := range items {
		seen[it["id"].(float64)] = true
	}
	if len(seen) != 6000 {
		t.Fatalf("%d distinct ids", len(seen))
	}
}

// A page that fails: what was read is shown, the exit is not 0, and the
// message says how much is missing.
func TestListSaysWhatItDidNotRead(t *testing.T) {
	srv, _ := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 200).Format("2006-01-02")
	for i := 0; i < 250; i++ {
		srv.AddResourceToken("project:100", fake.Token{Name: fmt.Sprintf("t %d", i), ExpiresAt: exp, Scopes: []string{"read_api"}})
	}
	// Page 3 fails every time (retries included).
	front := pageFault(t, srv, "page=3&")
	r := executeEnv(t, map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": front}, "", "list", "-R", "acme/web")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "the list is incomplete: only 200 tokens of 250 were read") || strings.Count(r.stdout, "\n") != 201 {
		t.Fatalf("exit %d, %d lines:\n%s", r.code, strings.Count(r.stdout, "\n"), r.stderr)
	}
}

// Developers are told about the Maintainer rule, not about their credential.
func TestListByADeveloperNamesTheRule(t *testing.T) {
	_, url := server(t)
	r := execute(t, url, fake.DeveloperToken, "", "list", "-R", "acme/web")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "are Developer on project acme/web") || !strings.Contains(r.stderr, "requires Maintainer or Owner") ||
		strings.Contains(r.stderr, "GITLAB_TOKEN") || strings.Contains(r.stderr, "did not accept your credential") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.MaintainerToken, "", "list", "--user", "olivia")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "only administrators may see another user's tokens") {
		t.Fatalf("--user olivia: exit %d:\n%s", r.code, r.stderr)
	}
}

// pageFault serves srv, except that every request whose query contains
// match fails with a 500.
func pageFault(t *testing.T, srv *fake.Server, match string) string {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery+"&", match) {
			w.WriteHeader(500)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}
