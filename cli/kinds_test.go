package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

func TestCreateGroupToken(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.OwnerToken, "", "create", "--group", "acme", "-F", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got["kind"] != "group" || got["group"] != "acme" || got["role"] != "reporter" || got["verified"] != true {
		t.Fatalf("json = %v\n%s", got, r.stderr)
	}
	if ts := srv.Tokens("group:10"); len(ts) != 1 || ts[0].AccessLevel != 20 {
		t.Fatalf("group tokens = %+v", ts)
	}
	if !strings.Contains(r.stderr, "Group access token") || !strings.Contains(r.stderr, "PASS  lists the projects of group acme") {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
}

func TestCreateUserToken(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.AdminToken, "", "create", "--user", "dave", "--project", "acme/web", "--preset", "jira-read")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	tok := strings.TrimSpace(r.stdout)
	var found *fake.Token
	for _, x := range srv.Tokens("*") {
		if x.Value == tok {
			x := x
			found = &x
		}
	}
	if found == nil || found.UserID != 3 || strings.Join(found.Scopes, ",") != "read_api" {
		t.Fatalf("token = %+v", found)
	}
	for _, want := range []string{"Personal token for @dave (Dave Developer), user id 3", "PASS  acts as a user: @dave", "PASS  reads the latest commit of acme/web"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// For oneself, and as a dry run the curl names the numeric user id.
	r = execute(t, url, fake.AdminToken, "", "create", "--user", "@me", "--dry-run")
	if r.code != ExitOK || !strings.Contains(r.stdout, "/api/v4/users/1/personal_access_tokens") {
		t.Fatalf("dry run @me: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestCreateRefusalsForKinds(t *testing.T) {
	tests := []struct {
		name string
		cred string
		args []string
		code int
		want []string
	}{
		{"non-admin --user", fake.MaintainerToken, []string{"--user", "@me"}, ExitRefused,
			[]string{"only administrators", "/-/user_settings/personal_access_tokens?name=Jira+integration&scopes=read_api", "gitlab-token-wizard check"}},
		{"maintainer of a group", fake.MaintainerToken, []string{"--group", "acme/platform"}, ExitRefused,
			[]string{"Maintainer on group acme/platform", "group access tokens need Owner"}},
		{"free plan project", fake.MaintainerToken, []string{"--project", "widgets/shop", "--gitlab-com"}, ExitRefused,
			[]string{"no project token for widgets/shop", "GitLab.com Free", "use a personal access token instead"}},
		{"trial group", fake.OwnerToken, []string{"--group", "trialco", "--gitlab-com"}, ExitRefused, []string{"trial", "no group access tokens"}},
		{"unknown user", fake.AdminToken, []string{"--user", "nobody"}, ExitRefused, []string{`no user "nobody"`}},
		{"bad username", fake.AdminToken, []string{"--user", "a/b"}, ExitInvalid, []string{"not a GitLab username"}},
		{"role on personal", fake.AdminToken, []string{"--user", "dave", "-A", "reporter"}, ExitInvalid, []string{"personal tokens have no role"}},
		{"group and user", fake.AdminToken, []string{"--user", "dave", "--group", "acme"}, ExitInvalid, []string{"pick one"}},
		{"group and project", fake.OwnerToken, []string{"--group", "acme", "--project", "acme/web"}, ExitInvalid, []string{"drop --project"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			before := len(srv.Tokens("*"))
			r := execute(t, url, tt.cred, "", append([]string{"create"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, q := range srv.Requests() {
				if q.Method == "POST" {
					t.Fatalf("sent %s %s", q.Method, q.Path)
				}
			}
			if len(srv.Tokens("*")) != before || r.stdout != "" {
				t.Fatalf("tokens %d -> %d, stdout %q", before, len(srv.Tokens("*")), r.stdout)
			}
		})
	}
}

func writeGlabConfig(t *testing.T, dir, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func TestGlabLoginIsReusedOnlyWhenPrivate(t *testing.T) {
	srv, url := server(t)
	host := strings.TrimPrefix(url, "http://")
	dir := t.TempDir()
	cfg := "host: " + host + "\nhosts:\n  " + host + ":\n    token: " + fake.MaintainerToken + "\n    api_host: " + host + "\n    api_protocol: http\n    git_protocol: ssh\n    user: alice\n"
	writeGlabConfig(t, dir, cfg, 0o600)
	vars := map[string]string{"GLAB_CONFIG_DIR": dir}
	r := executeEnv(t, vars, "", "create", "-R", "acme/web", "--dry-run")
	if r.code != ExitOK || strings.Contains(r.stderr, fake.MaintainerToken) || strings.Contains(r.stdout, fake.MaintainerToken) {
		t.Fatalf("glab login not used: %d\n%s", r.code, r.stderr)
	}
	if n := len(srv.Requests()); n == 0 || srv.Requests()[0].Auth != "token 2" {
		t.Fatalf("requests = %+v", srv.Requests())
	}
	// Readable by others: glab refuses such a file, and so do we.
	writeGlabConfig(t, dir, cfg, 0o644)
	r = executeEnv(t, vars, "", "create", "-R", "acme/web", "--dry-run")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "mode 0644") || !strings.Contains(r.stderr, "chmod 600") {
		t.Fatalf("a 0644 config was used: %d\n%s", r.code, r.stderr)
	}
	// A login kept in the keyring has no token in the file.
	writeGlabConfig(t, dir, "hosts:\n  "+host+":\n    api_protocol: http\n    user: alice\n", 0o600)
	r = executeEnv(t, map[string]string{"GLAB_CONFIG_DIR": dir, "GITLAB_HOST": url}, "", "create", "-R", "acme/web", "--dry-run")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "keyring") {
		t.Fatalf("keyring login: %d\n%s", r.code, r.stderr)
	}
}

func TestOAuthDeviceSignIn(t *testing.T) {
	srv, url := server(t)
	srv.SetDeviceInterval(1)
	srv.AutoDecide(2, true)
	r := executeEnv(t, map[string]string{"GITLAB_HOST": url, "GITLAB_OAUTH_CLIENT_ID": fake.DemoOAuthClientID}, "", "create", "-R", "acme/web", "--revoke-credential")
	if r.code != ExitOK {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "enter the code") || !strings.Contains(r.stderr, "/oauth/device") || !strings.Contains(r.stderr, "OAuth; that token lapses by itself") {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	for _, q := range srv.Requests() {
		if q.Path == "/api/v4/personal_access_tokens/self" && q.Method == "DELETE" {
			t.Fatal("tried to revoke an OAuth token as a personal one")
		}
	}
	// Denied in the browser: a clear message, nothing sent.
	srv2, url2 := server(t)
	srv2.SetDeviceInterval(1)
	srv2.AutoDecide(2, false)
	r = executeEnv(t, map[string]string{"GITLAB_HOST": url2, "GITLAB_OAUTH_CLIENT_ID": fake.DemoOAuthClientID}, "", "create", "-R", "acme/web")
	if r.code == ExitOK || !strings.Contains(r.stderr, "denied in the browser") || len(srv2.Tokens("project:100")) != 0 {
		t.Fatalf("denied: %d\n%s", r.code, r.stderr)
	}
}

func TestRevokeShortLivedCredential(t *testing.T) {
	srv, url := server(t)
	short := srv.AddPersonalToken(2, "for the wizard", []string{"api"}, time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02"))
	r := execute(t, url, short, "", "create", "-R", "acme/web")
	if r.code != ExitOK || !strings.Contains(r.stderr, "expires in 2 days") || !strings.Contains(r.stderr, "--revoke-credential") {
		t.Fatalf("no reminder: %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, short, "", "create", "-R", "acme/web", "--name", "second", "--revoke-credential")
	if r.code != ExitOK || !strings.Contains(r.stderr, "Revoked the token you signed in with") {
		t.Fatalf("revoke: %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, short, "", "create", "-R", "acme/web", "--dry-run")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "revoked") {
		t.Fatalf("the revoked credential still works: %d\n%s", r.code, r.stderr)
	}
}

func TestCheckCommand(t *testing.T) {
	srv, url := server(t)
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	good := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, in(90))
	r := execute(t, url, "", good+"\n", "check", "--project", "acme/web")
	// The verdict is the result: on stdout, where `check | tee` keeps it.
	if r.code != ExitOK || !strings.Contains(r.stdout, "The token is ready") || !strings.Contains(r.stdout, "PASS  reads the latest commit of acme/web") ||
		strings.Contains(r.stderr, "The token is ready") {
		t.Fatalf("good token: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	short := srv.AddPersonalToken(2, "Jira", []string{"read_user"}, in(3))
	r = execute(t, url, "", short+"\n", "check", "--project", "acme/web")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "missing read_api") || !strings.Contains(r.stderr, "expires in 3 days") {
		t.Fatalf("bad token: %d\n%s", r.code, r.stderr)
	}
	for _, v := range []string{good, short} {
		if strings.Contains(r.stderr+r.stdout, v) {
			t.Fatal("the checked token was printed")
		}
	}
	if r := execute(t, url, "", "", "check"); r.code != ExitInvalid || !strings.Contains(r.stderr, "no token on stdin") {
		t.Fatalf("empty stdin: %d\n%s", r.code, r.stderr)
	}
}
