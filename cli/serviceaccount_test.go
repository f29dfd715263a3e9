package cli

import (
	"strconv"
	"strings"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
)

// Issue 14's scenario: an Owner of acme makes a service-account token that
// reads a project's commits; the account, the membership and the token are
// each created once; a second run reuses the account.
func TestCreateServiceAccountToken(t *testing.T) {
	srv, url := server(t)
	args := []string{"create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "--name", "Jira link", "-A", "reporter", "-S", "read_api", "-D", "30d",
		"--account-email", "jira-team@example.com"}
	r := execute(t, url, fake.OwnerToken, "", args...)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") || !strings.Contains(r.stderr, "PASS  reads the latest commit of acme/web") {
		t.Fatalf("exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Service account @jira-bot of acme, to be created", "Reporter on project acme/web", "Created the service account @jira-bot"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for path, n := range map[string]int{"/groups/acme/service_accounts": 1, "/projects/acme%2Fweb/members": 1, "/personal_access_tokens": 1} {
		if got := srv.CountRequests("POST", path); got != n {
			t.Errorf("POST %s: %d, want %d", path, got, n)
		}
	}
	// The same account again: reused, its membership kept.
	r = execute(t, url, fake.OwnerToken, "", append(args[:len(args)-2], "--name", "Jira link 2")...)
	if r.code != ExitOK || !strings.Contains(r.stderr, "it exists: id") || !strings.Contains(r.stderr, "already a member as Reporter (kept)") ||
		srv.CountRequests("POST", "/groups/acme/service_accounts") != 1 {
		t.Fatalf("second run: exit %d:\n%s", r.code, r.stderr)
	}
	// Its tokens, by the account's name.
	r = execute(t, url, fake.OwnerToken, "", "list", "--group", "acme", "--service-account", "jira-bot", "-F", "json")
	if r.code != ExitOK || strings.Count(r.stdout, `"name":`) != 2 {
		t.Fatalf("list: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var id int
	for _, tk := range srv.Tokens("*") {
		if tk.Name == "Jira link" {
			id = tk.ID
		}
	}
	r = execute(t, url, fake.OwnerToken, "", "rotate", "--group", "acme", "--service-account", "jira-bot", strconv.Itoa(id), "-D", "60d", "--no-verify")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("rotate: exit %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.OwnerToken, "", "revoke", "--group", "acme", "--service-account", "jira-bot", strconv.Itoa(id), "--yes")
	if r.code != ExitOK || !strings.Contains(r.stderr, "already revoked") {
		t.Fatalf("revoke of the rotated one: exit %d\n%s", r.code, r.stderr)
	}
}

func TestCreateServiceAccountRefusalsAndDryRun(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.OwnerToken, "", "create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "-R", "acme/docs", "--dry-run")
	if r.code != ExitOK || strings.Count(r.stdout, "curl --request POST") != 4 || !strings.Contains(r.stdout, "/api/v4/groups/acme/service_accounts") ||
		!strings.Contains(r.stdout, "/api/v4/projects/acme%2Fdocs/members") || !strings.Contains(r.stderr, "no email of its own") {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, q := range srv.Requests() {
		if q.Method != "GET" {
			t.Fatalf("the dry run sent %s %s", q.Method, q.Path)
		}
	}
	r = execute(t, url, fake.MaintainerToken, "", "create", "--service-account", "jira-bot", "--group", "acme")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "service accounts are created by the group's Owners") {
		t.Fatalf("a Developer of acme: exit %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.OwnerToken, "", "create", "--service-account", "jira-bot")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "--service-account needs --group") {
		t.Fatalf("no group: exit %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.OwnerToken, "", "create", "-R", "acme/web", "-R", "acme/docs")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "several only with --service-account") {
		t.Fatalf("two projects: exit %d\n%s", r.code, r.stderr)
	}
}
