package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// A token under check that GitLab refuses, or that lacks a scope, is
// reported as that token's problem — on the command line and on the
// guided path — never as the sign-in's, whatever GITLAB_TOKEN holds.
func TestCheckBlamesTheCheckedToken(t *testing.T) {
	srv, url := server(t)
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	repoOnly := srv.AddPersonalToken(2, "Jira", []string{"read_repository"}, in(60))
	revoked := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, in(60))
	if r := execute(t, url, fake.MaintainerToken, "", "revoke", "-U", "@me", "--yes", itoa(tokenID(t, srv, revoked))); r.code != ExitOK {
		t.Fatalf("revoking the test token: %d\n%s", r.code, r.stderr)
	}
	for _, tt := range []struct {
		name, token string
		want        []string
	}{
		{"a bad token", "glpat-nosuchtoken000000", []string{"GitLab did not accept the checked token"}},
		{"a revoked token", revoked, []string{"the checked token was revoked"}},
		{"a read_repository token", repoOnly, []string{"missing read_api (GitLab reports read_repository)",
			"the checked token lacks the scope needed to read the repository's commits (it needs api or read_api)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				r := execute(t, url, fake.MaintainerToken, tt.token+"\n", "check", "-R", "acme/web", "-F", format)
				assertBlamesCheckedToken(t, r, tt.want)
			}
		})
	}
	// The guided path of the accessible wizard checks the pasted token the
	// same way.
	answers := strings.Join([]string{"", "3", "acme/web", "", "", "", "", repoOnly, ""}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	if !strings.Contains(r.stderr, "the checked token lacks the scope needed to read the repository's commits") ||
		strings.Contains(r.stderr, "sign in with") || strings.Contains(r.stderr, "your credential") {
		t.Fatalf("guided path, exit %d:\n%s", r.code, r.stderr)
	}
}

func assertBlamesCheckedToken(t *testing.T, r run, want []string) {
	t.Helper()
	low := strings.ToLower(r.stdout + r.stderr)
	if r.code != ExitRefused || strings.Contains(r.stdout+r.stderr, "GITLAB_TOKEN") || strings.Contains(low, "sign in") ||
		strings.Contains(low, "signing in") || strings.Contains(low, "your credential") {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stdout+r.stderr, w) {
			t.Errorf("lacks %q:\n%s\n%s", w, r.stdout, r.stderr)
		}
	}
}

// check holds a token to its purpose as create holds a request: an api
// token checked for jira-read works, with create's least-privilege warning.
func TestCheckWarnsLikeCreate(t *testing.T) {
	srv, url := server(t)
	api := srv.AddPersonalToken(2, "Jira", []string{"api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	c := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "-S", "api", "--dry-run")
	const warning = `scope api allows writes, but "jira-read" only reads: Jira stores the token unencrypted, prefer read_api`
	if !strings.Contains(c.stderr, warning) {
		t.Fatalf("create's warning changed:\n%s", c.stderr)
	}
	r := execute(t, url, "", api+"\n", "check", "-R", "acme/web")
	if r.code != ExitOK || !strings.Contains(r.stderr, "warning: "+warning) || strings.Contains(r.stderr, "The token is ready") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	r = execute(t, url, "", api+"\n", "check", "-R", "acme/web", "-F", "json")
	var got struct {
		OK       bool     `json:"ok"`
		Ready    bool     `json:"ready"`
		Warnings []string `json:"warnings"`
	}
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || !got.OK || !got.Ready || len(got.Warnings) != 1 || got.Warnings[0] != warning {
		t.Fatalf("json, exit %d:\n%s", r.code, r.stdout)
	}
	// For jira-write, api is what is needed: no warning.
	if r := execute(t, url, "", api+"\n", "check", "-R", "acme/web", "--preset", "jira-write"); r.code != ExitOK || strings.Contains(r.stderr, "warning") ||
		!strings.Contains(r.stderr, "The token is ready") {
		t.Fatalf("jira-write: exit %d:\n%s", r.code, r.stderr)
	}
}

// Without --project, check does not call a token ready: it says what it
// did not check and which flag checks it.
func TestCheckSaysWhatItDidNotCheck(t *testing.T) {
	srv, url := server(t)
	good := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	r := execute(t, url, "", good+"\n", "check")
	if r.code != ExitOK || strings.Contains(r.stderr, "The token is ready") || !strings.Contains(r.stderr, "not everything was checked") ||
		!strings.Contains(r.stderr, "--project GROUP/PROJECT") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	r = execute(t, url, "", good+"\n", "check", "-F", "json")
	var got map[string]any
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || got["ok"] != true || got["ready"] != false {
		t.Fatalf("json, exit %d:\n%s", r.code, r.stdout)
	}
	if nc, _ := got["not_checked"].([]any); len(nc) != 1 || !strings.Contains(nc[0].(string), "--project") {
		t.Fatalf("not_checked = %v", got["not_checked"])
	}
	// On a terminal the token is asked for without echo.
	vars := map[string]string{"GITLAB_HOST": url}
	if r := executeStdinTTY(t, vars, good+"\n", "check", "-R", "acme/web"); r.code != ExitOK ||
		!strings.Contains(r.stderr, "Paste the token to check (it is not shown):") || !strings.Contains(r.stderr, "The token is ready") {
		t.Fatalf("terminal: exit %d:\n%s", r.code, r.stderr)
	}
	tok, _ := got["token"].(map[string]any)
	if tok == nil || tok["name"] != "Jira" || tok["scopes"] == nil || strings.Contains(r.stdout, good) {
		t.Fatalf("token = %v", got["token"])
	}
}

// A group token is checked on its group: it must list the group's projects.
func TestCheckGroupToken(t *testing.T) {
	_, url := server(t)
	c := execute(t, url, fake.OwnerToken, "", "create", "-g", "acme", "--no-verify")
	v := strings.TrimSpace(c.stdout)
	if c.code != ExitOK {
		t.Fatalf("create: exit %d:\n%s", c.code, c.stderr)
	}
	r := execute(t, url, "", v+"\n", "check", "-g", "acme", "-F", "json")
	var got map[string]any
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || got["ready"] != true || got["group"] != "acme" ||
		!strings.Contains(r.stderr, "PASS  lists the projects of group acme") {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := execute(t, url, "", v+"\n", "check", "-g", "acme", "-R", "acme/web"); r.code != ExitInvalid {
		t.Fatalf("both --group and --project: exit %d", r.code)
	}
	// A group the token cannot see is the token's problem, not the caller's.
	r = execute(t, url, fake.MaintainerToken, v+"\n", "check", "-g", "nosuch")
	assertBlamesCheckedToken(t, r, []string{"the checked token cannot list the group's projects: not found, or you cannot see it with that token"})
	if strings.Contains(r.stderr, "your account") {
		t.Fatalf("blames the caller's account:\n%s", r.stderr)
	}
}

// tokenID is the id of the stand-in's token with this value.
func tokenID(t *testing.T, srv *fake.Server, value string) int {
	t.Helper()
	for _, tk := range srv.Tokens("*") {
		if tk.Value == value {
			return tk.ID
		}
	}
	t.Fatal("no such token")
	return 0
}
