package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
)

// Known secrets are searched for in every output stream and written file of
// create runs: the credential never; the new token only on stdout (asked for)
// or in a file the user asked for.
func TestSecretsStayWhereTheyBelong(t *testing.T) {
	srv, url := server(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "debug.log")
	vars := map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}
	r := executeEnv(t, vars, "", "create", "-R", "acme/web", "--debug", logPath)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	newToken := strings.TrimSpace(r.stdout)
	st, err := os.Stat(logPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("debug log: %v %v", st, err)
	}
	logText, _ := os.ReadFile(logPath)
	for name, secret := range map[string]string{"credential": fake.MaintainerToken, "new token": newToken} {
		if strings.Contains(string(logText), secret) || strings.Contains(r.stderr, secret) {
			t.Errorf("the %s is in the debug log or on stderr", name)
		}
	}
	if !strings.Contains(string(logText), "/access_tokens") || !strings.Contains(string(logText), "[REDACTED]") {
		t.Fatalf("the log does not show the calls:\n%s", logText)
	}
	// Never appended to, never overwritten.
	r = executeEnv(t, vars, "", "create", "-R", "acme/web", "--debug", logPath)
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "the file exists") {
		t.Fatalf("existing log: %d\n%s", r.code, r.stderr)
	}
	if again, _ := os.ReadFile(logPath); string(again) != string(logText) {
		t.Fatal("the existing log was changed")
	}
	// Failures: the messages carry no secret either.
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502})
	r = executeEnv(t, vars, "", "create", "-R", "acme/web", "--name", "second", "--debug", filepath.Join(dir, "second.log"))
	orphan := srv.Tokens("project:100")[1].Value
	second, _ := os.ReadFile(filepath.Join(dir, "second.log"))
	if r.code != ExitUnknown || strings.Contains(r.stderr+r.stdout+string(second), orphan) {
		t.Fatalf("the orphan's value leaked (exit %d)", r.code)
	}
	// argv never holds a secret: there is no flag that takes one.
	root := NewRootCommand(t.Context(), Env{Getenv: func(string) string { return "" }})
	for _, c := range append(root.Commands(), root) {
		for _, name := range []string{"token", "private-token", "password", "credential"} {
			if c.Flags().Lookup(name) != nil || c.PersistentFlags().Lookup(name) != nil {
				t.Errorf("%s has a --%s flag", c.Name(), name)
			}
		}
	}
}

func TestCreateOnATerminalNeedsADestination(t *testing.T) {
	srv, url := server(t)
	vars := map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}
	r := executeTTY(t, vars, true, "", "create", "-R", "acme/web")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "--save FILE") || len(srv.Requests()) != 0 {
		t.Fatalf("a terminal stdout: exit %d, %d requests\n%s", r.code, len(srv.Requests()), r.stderr)
	}
	r = executeTTY(t, vars, true, "", "create", "-R", "acme/web", "--show-token")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("--show-token: %d %q", r.code, r.stdout)
	}
	file := filepath.Join(t.TempDir(), "jira.token")
	r = executeTTY(t, vars, true, "", "create", "-R", "acme/web", "--name", "saved", "--save", file, "-F", "json")
	b, err := os.ReadFile(file)
	st, _ := os.Stat(file)
	if r.code != ExitOK || err != nil || !strings.HasPrefix(string(b), "glpat-") || st.Mode().Perm() != 0o600 {
		t.Fatalf("--save: %d %v %v\n%s", r.code, err, st, r.stderr)
	}
	if strings.Contains(r.stdout, strings.TrimSpace(string(b))) || !strings.Contains(r.stdout, `"token_file"`) {
		t.Fatalf("the saved token is also on stdout: %s", r.stdout)
	}
	// An existing file is refused before anything is sent.
	posts := srv.CountRequests("POST", "/access_tokens")
	r = executeTTY(t, vars, true, "", "create", "-R", "acme/web", "--name", "again", "--save", file)
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "never overwritten") || srv.CountRequests("POST", "/access_tokens") != posts {
		t.Fatalf("existing --save file: %d\n%s", r.code, r.stderr)
	}
}
