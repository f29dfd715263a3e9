package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
	if r.code != ExitOK || !strings.Contains(r.stdout, "warning: "+warning) || strings.Contains(r.stdout+r.stderr, "The token is ready") {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
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
	if r := execute(t, url, "", api+"\n", "check", "-R", "acme/web", "--preset", "jira-write"); r.code != ExitOK || strings.Contains(r.stdout+r.stderr, "warning") ||
		!strings.Contains(r.stdout, "The token is ready") {
		t.Fatalf("jira-write: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// Without --project, check does not call a token ready: it says what it
// did not check and which flag checks it.
func TestCheckSaysWhatItDidNotCheck(t *testing.T) {
	srv, url := server(t)
	good := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	r := execute(t, url, "", good+"\n", "check")
	if r.code != ExitOK || strings.Contains(r.stdout+r.stderr, "The token is ready") || !strings.Contains(r.stdout, "not everything was checked") ||
		!strings.Contains(r.stdout, "--project GROUP/PROJECT") {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = execute(t, url, "", good+"\n", "check", "-F", "json")
	var got map[string]any
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || got["ok"] != true || got["ready"] != false {
		t.Fatalf("json, exit %d:\n%s", r.code, r.stdout)
	}
	if nc, _ := got["not_checked"].([]any); len(nc) != 1 || !strings.Contains(nc[0].(string), "--project") {
		t.Fatalf("not_checked = %v", got["not_checked"])
	}
	// A token GitLab refuses still says what was not checked.
	r = execute(t, url, "", "glpat-nosuchtoken000000\n", "check", "-F", "json")
	var bad map[string]any
	if r.code != ExitRefused || json.Unmarshal([]byte(r.stdout), &bad) != nil {
		t.Fatalf("bad token, json, exit %d:\n%s", r.code, r.stdout)
	}
	if nc, _ := bad["not_checked"].([]any); len(nc) != 1 {
		t.Fatalf("bad token: not_checked = %v", bad["not_checked"])
	}
	// On a terminal the token is asked for without echo.
	vars := map[string]string{"GITLAB_HOST": url}
	if r := executeStdinTTY(t, vars, good+"\n", "check", "-R", "acme/web"); r.code != ExitOK ||
		!strings.Contains(r.stderr, "Paste the token to check (it is not shown):") || !strings.Contains(r.stdout, "The token is ready") {
		t.Fatalf("terminal: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
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

// A check that cannot be made — nothing answers, or GitLab fails — is the
// network's or the instance's failure, not the checked token's: exit 1, no
// FAIL line, no word that the token is not ready.
func TestCheckBlamesTheNetworkNotTheToken(t *testing.T) {
	srv, _ := server(t)
	good := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/personal_access_tokens/self") {
			w.WriteHeader(503)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(failing.Close)
	for _, tt := range []struct {
		name, host, want string
	}{
		{"nothing answers", deadURL, "nothing answered at " + strings.TrimPrefix(deadURL, "http://")},
		{"GitLab answers 503", failing.URL, "GitLab answered 503"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				r := execute(t, tt.host, fake.MaintainerToken, good+"\n", "check", "-R", "acme/web", "-F", format)
				out := r.stdout + r.stderr
				if r.code != ExitFailure || strings.Contains(out, "FAIL") || strings.Contains(out, "not ready") ||
					!strings.Contains(out, tt.want) || !strings.Contains(r.stderr, "could not be checked (the network or GitLab failed; this says nothing about the token)") {
					t.Fatalf("%s: exit %d:\n%s\n%s", format, r.code, r.stdout, r.stderr)
				}
				if format == "json" {
					var got struct {
						OK     bool `json:"ok"`
						Checks []struct {
							OK      bool `json:"ok"`
							Checked bool `json:"checked"`
						} `json:"checks"`
					}
					if json.Unmarshal([]byte(r.stdout), &got) != nil || got.OK || len(got.Checks) == 0 || got.Checks[0].Checked {
						t.Fatalf("json:\n%s", r.stdout)
					}
				} else if !strings.Contains(r.stdout, "----  token accepted by GitLab: not checked: ") {
					t.Fatalf("text:\n%s", r.stdout)
				}
			}
		})
	}
}

// check judges a project or group token's role as create judges one: more
// than the purpose needs is create's warning, less than a purpose that
// writes needs is a failed check. The role is read with the token itself,
// in as few requests as the rest: /user once, one membership read.
func TestCheckJudgesTheTokensRole(t *testing.T) {
	srv, url := server(t)
	mk := func(args ...string) string {
		t.Helper()
		r := execute(t, url, fake.MaintainerToken, "", append([]string{"create", "-R", "acme/web", "--no-verify"}, args...)...)
		if r.code != ExitOK {
			t.Fatalf("create %v: %d\n%s", args, r.code, r.stderr)
		}
		return strings.TrimSpace(r.stdout)
	}
	maintainer := mk("--name", "m", "-A", "maintainer", "-S", "read_api")
	reporterAPI := mk("--name", "r", "-A", "reporter", "-S", "api")
	developerAPI := mk("--name", "d", "-A", "developer", "-S", "api")
	c := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "-A", "maintainer", "--dry-run")
	const tooMuch = `role Maintainer is more than "jira-read" needs (Reporter): the token could do more than Jira requires`
	if !strings.Contains(c.stderr, tooMuch) {
		t.Fatalf("create's warning changed:\n%s", c.stderr)
	}

	before := len(srv.Requests())
	r := execute(t, url, "", maintainer+"\n", "check", "-R", "acme/web")
	if r.code != ExitOK || !strings.Contains(r.stdout, "warning: "+tooMuch) || !strings.Contains(r.stdout, "PASS  role on acme/web: Maintainer") ||
		strings.Contains(r.stdout, "The token is ready") {
		t.Fatalf("a Maintainer read_api token for jira-read: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var users, members int
	for _, q := range srv.Requests()[before:] {
		switch {
		case q.Path == "/api/v4/user":
			users++
		case strings.Contains(q.Path, "/members/all/"):
			members++
		}
	}
	if users != 1 || members != 1 || len(srv.Requests())-before != 4 {
		t.Fatalf("%d requests (%d /user, %d memberships) for one check", len(srv.Requests())-before, users, members)
	}

	r = execute(t, url, "", reporterAPI+"\n", "check", "-R", "acme/web", "--preset", "jira-write", "-F", "json")
	if r.code != ExitRefused || !strings.Contains(r.stderr, `Reporter is less than "jira-write" needs (Developer): Jira could not create branches`) ||
		!strings.Contains(r.stderr, "FAIL  role on acme/web") || !strings.Contains(r.stdout, `"ok": false`) {
		t.Fatalf("a Reporter api token for jira-write: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := execute(t, url, "", developerAPI+"\n", "check", "-R", "acme/web", "--preset", "jira-write"); r.code != ExitOK ||
		!strings.Contains(r.stdout, "The token is ready") || strings.Contains(r.stdout, "warning") {
		t.Fatalf("a Developer api token for jira-write: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// A person's personal token acts with the person's role, which create
	// does not judge either: alice maintains acme/web, and no warning says so.
	own := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	if r := execute(t, url, "", own+"\n", "check", "-R", "acme/web"); r.code != ExitOK || strings.Contains(r.stdout, "warning") ||
		!strings.Contains(r.stdout, "PASS  role on acme/web: Maintainer, its user's role") || !strings.Contains(r.stdout, "The token is ready") {
		t.Fatalf("a personal token: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// check -F json documents every field it writes: last_used_at among them.
func TestCheckJSONFieldsAreDocumented(t *testing.T) {
	srv, url := server(t)
	used := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	r := execute(t, url, "", used+"\n", "check", "-R", "acme/web", "-F", "json")
	var got struct {
		Token  map[string]any   `json:"token"`
		Checks []map[string]any `json:"checks"`
	}
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	help := executeEnv(t, nil, "", "check", "--help").stdout
	for k := range got.Token {
		if !strings.Contains(help, k) {
			t.Errorf("check --help does not document token.%s", k)
		}
	}
	if _, ok := got.Token["last_used_at"]; !ok {
		t.Error("token.last_used_at is missing (it is null when never used)")
	}
	for k := range got.Checks[0] {
		if !strings.Contains(help, k) {
			t.Errorf("check --help does not document checks[].%s", k)
		}
	}
}

// check --debug writes the log as every other command does (it built its
// own client without it, and the log never appeared), and the checked
// token is redacted in it.
func TestCheckWritesTheDebugLog(t *testing.T) {
	_, url := server(t)
	log := filepath.Join(t.TempDir(), "debug.log")
	r := execute(t, url, "", fake.ReadOnlyToken+"\n", "check", "-R", "acme/web", "--debug", log)
	b, err := os.ReadFile(log)
	if r.code != ExitOK || err != nil || !strings.Contains(string(b), "GET ") || !strings.Contains(string(b), "/personal_access_tokens/self") {
		t.Fatalf("exit %d, log %v:\n%s\n%s", r.code, err, b, r.stderr)
	}
	if strings.Contains(string(b), fake.ReadOnlyToken) {
		t.Fatalf("the checked token is in the log:\n%s", b)
	}
}

// check uses only the token under check: a sign-in flag is refused, not
// taken as the token (the first stdin line, the caller's own, was checked).
func TestCheckRefusesASignIn(t *testing.T) {
	_, url := server(t)
	for _, flag := range [][]string{{"--token-stdin"}, {"--oauth-client-id", "abc"}} {
		r := execute(t, url, "", fake.MaintainerToken+"\n"+fake.ReadOnlyToken+"\n", append([]string{"check", "-R", "acme/web"}, flag...)...)
		if r.code != ExitInvalid || !strings.Contains(r.stderr, "check takes no sign-in ("+flag[0]+")") {
			t.Fatalf("%v: exit %d\n%s\n%s", flag, r.code, r.stdout, r.stderr)
		}
	}
}
