package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// Help, --version and completion scripts are output the user asked for:
// stdout, so that `source <(gitlab-token-wizard completion bash)` works.
// Errors stay on stderr.
func TestHelpVersionAndCompletionGoToStdout(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"Usage:", "Exit codes:", "130  interrupted", "GITLAB_TOKEN", "NO_COLOR"}},
		{[]string{"create", "--help"}, []string{"--repo", "Exit codes:", "5    unverified", "GITLAB_HOST", "--dry-run -F json"}},
		{[]string{"revoke", "--help"}, []string{"already_revoked", "--yes", "Exit codes:"}},
		{[]string{"check", "--help"}, []string{"not_checked", "Exit codes:"}},
		{[]string{"help", "environment"}, []string{"GITLAB_TOKEN", "GITLAB_OAUTH_CLIENT_ID", "HTTPS_PROXY", "never taken from a flag"}},
		{[]string{"help", "exit-codes"}, []string{"0    ok", "6    attention"}},
		{[]string{"--version"}, []string{"gitlab-token-wizard ", "built with go1."}},
		{[]string{"completion", "bash"}, []string{"# bash completion V2 for gitlab-token-wizard", "__start_gitlab-token-wizard"}},
		{[]string{"completion", "zsh"}, []string{"#compdef gitlab-token-wizard"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := executeEnv(t, nil, "", tt.args...)
			if r.code != ExitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	// The script arrives whole: the scrubber every output passes leaves it
	// as cobra wrote it.
	var want bytes.Buffer
	root := NewRootCommand(context.Background(), Env{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{},
		Getenv: func(string) string { return "" }, Now: time.Now, IsTerminal: func(any) bool { return false }}.scrubbed())
	if err := root.GenBashCompletionV2(&want, true); err != nil {
		t.Fatal(err)
	}
	if r := executeEnv(t, nil, "", "completion", "bash"); r.stdout != want.String() {
		t.Fatal("completion bash differs from cobra's script")
	}
	// Errors stay on stderr, stdout stays empty.
	r := executeEnv(t, nil, "", "list", "--bogus")
	if r.code != ExitInvalid || r.stdout != "" || !strings.Contains(r.stderr, "unknown flag: --bogus") {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
	}
}

// Every environment variable the code reads is in the help.
func TestHelpNamesEveryEnvironmentVariable(t *testing.T) {
	help := environmentHelp()
	seen := map[string]bool{}
	for _, v := range envVars {
		seen[v.name] = true
	}
	for _, name := range append(append([]string{}, credentialVars...), "GITLAB_HOST", "GITLAB_OAUTH_CLIENT_ID", "GLAB_CONFIG_DIR", "ACCESSIBLE", "NO_COLOR", "BROWSER") {
		if !strings.Contains(help, name) {
			t.Errorf("help environment does not name %s", name)
		}
	}
	if len(seen) != len(envVars) {
		t.Fatal("a variable is listed twice")
	}
}

func TestVersionNamesCommitAndToolchain(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Path: "gitlab-token-wizard", Version: "v0.0.0-20260101120000-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-01-01T12:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionText(info, true)
	for _, w := range []string{"v0.0.0-20260101120000-0123456789ab+dirty", "commit 0123456789ab of 2026-01-01T12:00:00Z, with uncommitted changes", "built with go1.27.3"} {
		if !strings.Contains(got, w) {
			t.Errorf("version lacks %q:\n%s", w, got)
		}
	}
	// Built without version control information (GOFLAGS=-buildvcs=false):
	// still more than "dev", and the toolchain.
	got = versionText(&debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "(devel)"}}, true)
	if !strings.Contains(got, "commit unknown") || !strings.Contains(got, "go1.27.3") || strings.Contains(got, "(devel)") {
		t.Fatalf("without vcs:\n%s", got)
	}
	old := Version
	Version = "v1.2.3"
	defer func() { Version = old }()
	if got := versionText(info, true); !strings.HasPrefix(got, "v1.2.3\nmodule v0.0.0-") {
		t.Fatalf("a version set at link time comes first:\n%s", got)
	}
}

// A mistyped flag or command gets a suggestion and exit 2.
func TestMistakesGetSuggestions(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--projet", "acme/web"}, "Did you mean this?\n  --project"},
		{[]string{"create", "--preset=jira-read", "--scopes", "api"}, "--scope"},
		{[]string{"revoke", "--yse", "1"}, "--yes"},
		{[]string{"lsit"}, "Did you mean this?\n  list"},
		{[]string{"rotate"}, "`gitlab-token-wizard list --project GROUP/PROJECT` (or --group, --user) shows the ids"},
		{[]string{"revoke"}, "revoke needs the id of the token to revoke"},
		// The hint keeps what the command line already says.
		{[]string{"rotate", "-R", "acme/web"}, "`gitlab-token-wizard list --project acme/web` shows the ids"},
		{[]string{"rotate", "--demo", "-R", "acme/web"}, "`gitlab-token-wizard list --demo --project acme/web` shows the ids"},
		{[]string{"revoke", "--demo"}, "`gitlab-token-wizard list --demo --project acme/web` shows the ids"},
		{[]string{"revoke", "--host", "gitlab.example.com", "-U", "@me"}, "`gitlab-token-wizard list --host gitlab.example.com --user @me` shows the ids"},
		{[]string{"revoke", "-g", "acme", "--service-account", "jira-bot"}, "`gitlab-token-wizard list --group acme --service-account jira-bot` shows the ids"},
		// One flag, one value: a second one is refused, not silently kept.
		{[]string{"list", "-R", "acme/web", "--project", "widgets/shop"}, `--project was already given "acme/web": give one`},
		{[]string{"list", "--project", "acme/web", "--repo", "widgets/shop"}, `--project was already given "acme/web": give one`},
		{[]string{"revoke", "-g", "acme", "-g", "widgets", "1"}, `--group was already given "acme": give one`},
		{[]string{"rotate", "-U", "@me", "--user", "olivia", "1"}, `--user was already given "@me": give one`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := executeEnv(t, nil, "", tt.args...)
			if r.code != ExitInvalid || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
		})
	}
}

// The README's exit-code table is the code's, and the code's table has
// every exit constant once.
func TestREADMEExitCodesMatchTheCode(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := exitCodesMarkdown(); !strings.Contains(string(readme), want) {
		t.Fatalf("README.md's exit-code table differs from cli/exitcodes.go; it should read:\n%s", want)
	}
	codes := map[int]bool{}
	for _, e := range ExitCodes {
		if codes[e.Code] {
			t.Fatalf("code %d twice", e.Code)
		}
		codes[e.Code] = true
	}
	for _, c := range []int{ExitOK, ExitFailure, ExitInvalid, ExitRefused, ExitUnknown, ExitUnverified, ExitAttention, ExitInterrupted} {
		if !codes[c] {
			t.Errorf("exit code %d is not in the table", c)
		}
	}
}

// Whose tokens and how to write are spelled the same on every command:
// --project with -R/--repo, -g/--group, -U/--user, -F/--output.
func TestTargetFlagsAreTheSameEverywhere(t *testing.T) {
	root := NewRootCommand(context.Background(), Env{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{},
		Getenv: func(string) string { return "" }, Now: time.Now, IsTerminal: func(any) bool { return false }}.scrubbed())
	short := map[string]string{"repo": "R", "group": "g", "user": "U", "output": "F"}
	for _, c := range root.Commands() {
		if !c.Runnable() || c.Name() == "help" {
			continue
		}
		f := c.Flags()
		if f.Lookup("output") == nil {
			t.Errorf("%s has no -F/--output", c.Name())
		}
		if f.Lookup("project") != nil && f.Lookup("repo") == nil {
			t.Errorf("%s takes --project but not --repo", c.Name())
		}
		for name, sh := range short {
			if fl := f.Lookup(name); fl != nil && fl.Shorthand != sh {
				t.Errorf("%s --%s has shorthand %q, want %q", c.Name(), name, fl.Shorthand, sh)
			}
		}
	}
}

// --demo works for every command: a stand-in with tokens to list (some
// expiring soon, one revoked), rotate, revoke, check and audit.
func TestDemoForEveryCommand(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		out  []string
	}{
		{[]string{"list", "--demo"}, ExitOK, []string{"Jira sync", "expires soon", "CI release bot"}},
		{[]string{"list", "--demo", "-R", "acme/web"}, ExitOK, []string{"Jira sync", "expires soon", "CI release bot"}},
		{[]string{"list", "--demo", "--repo", "acme/web", "--all"}, ExitOK, []string{"Old Jira token", "revoked", "expired"}},
		{[]string{"list", "--demo", "-g", "widgets"}, ExitOK, []string{"Widgets Jira"}},
		{[]string{"list", "--demo", "-U", "@me"}, ExitOK, []string{"Jira (personal)"}},
		{[]string{"revoke", "--demo", "-R", "acme/web", "9", "--yes", "-F", "json"}, ExitOK, []string{`"name": "Deploy preview"`, `"already_revoked": false`}},
		{[]string{"rotate", "--demo", "-R", "acme/web", "7", "--no-verify"}, ExitOK, []string{"glpat-"}},
		{[]string{"check", "--demo", "-R", "acme/web", "-F", "json"}, ExitOK, []string{`"ready": true`}},
		{[]string{"audit", "--demo", "-g", "widgets"}, ExitAttention, []string{"Widgets Jira"}},
		{[]string{"audit", "--demo"}, ExitAttention, []string{"Jira sync", "gitlab-token-wizard rotate --demo --project acme/web 7 -D 90d"}},
		{[]string{"audit", "--demo", "-F", "json"}, ExitAttention, []string{`"command": "gitlab-token-wizard rotate --demo --project acme/web 7 -D 90d"`}},
		{[]string{"check", "--demo", "-F", "json"}, ExitOK, []string{`"ready": true`, `"project": "acme/web"`}},
		{[]string{"create", "--demo", "-R", "acme/web", "--dry-run", "-F", "json"}, ExitOK, []string{`"command": "gitlab-token-wizard create --demo --project acme/web`}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := executeEnv(t, nil, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tt.out {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			if strings.Contains(r.stderr, "--host http://127.0.0.1") {
				t.Errorf("a command for the demo names its passing address instead of --demo:\n%s", r.stderr)
			}
			// Every command printed for the demo runs on the demo: a copy
			// without --demo would go to gitlab.com.
			for _, l := range strings.Split(r.stdout+"\n"+r.stderr, "\n") {
				if i := strings.Index(l, "gitlab-token-wizard "); i >= 0 && !strings.Contains(l[i:], " --demo") {
					t.Errorf("a command without --demo: %s", l)
				}
			}
		})
	}
}

// A glab login in use is said aloud: the account acting may not be the one
// the user has in mind.
func TestGlabLoginIsSaidAloud(t *testing.T) {
	_, url := server(t)
	host := strings.TrimPrefix(url, "http://")
	dir := t.TempDir()
	writeGlabConfig(t, dir, "hosts:\n  "+host+":\n    token: "+fake.MaintainerToken+"\n    api_protocol: http\n", 0o600)
	r := executeEnv(t, map[string]string{"GLAB_CONFIG_DIR": dir, "GITLAB_HOST": url}, "", "list", "-R", "acme/web")
	if r.code != ExitOK || !strings.Contains(r.stderr, "signed in with glab's login for "+host) {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

// A credential GitLab refuses is named by where it came from: the token
// piped to --token-stdin, GITLAB_ACCESS_TOKEN, or glab's login — never
// GITLAB_TOKEN when it was not that.
func TestRefusedSignInNamesWhereTheCredentialCameFrom(t *testing.T) {
	_, url := server(t)
	const bad = "glpat-notthisinstance00000"
	host := strings.TrimPrefix(url, "http://")
	dir := t.TempDir()
	writeGlabConfig(t, dir, "hosts:\n  "+host+":\n    token: "+bad+"\n    api_protocol: http\n", 0o600)
	for _, tt := range []struct {
		name  string
		vars  map[string]string
		stdin string
		args  []string
		want  string
	}{
		{"--token-stdin", map[string]string{"GITLAB_HOST": url}, bad + "\n", []string{"--token-stdin"}, "check that the token piped to --token-stdin is a personal access token for " + host},
		{"GITLAB_ACCESS_TOKEN", map[string]string{"GITLAB_HOST": url, "GITLAB_ACCESS_TOKEN": bad}, "", nil, "check that the token in GITLAB_ACCESS_TOKEN is a personal access token for " + host},
		{"glab's login", map[string]string{"GITLAB_HOST": url, "GLAB_CONFIG_DIR": dir}, "", nil, "check that the token in glab's login (" + dir},
		{"GITLAB_TOKEN", map[string]string{"GITLAB_HOST": url, "GITLAB_TOKEN": bad}, "", nil, "check that the token in GITLAB_TOKEN is a personal access token for " + host},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := executeEnv(t, tt.vars, tt.stdin, append([]string{"list", "-R", "acme/web"}, tt.args...)...)
			if r.code != ExitRefused || !strings.Contains(r.stderr, "did not accept your credential") || !strings.Contains(r.stderr, tt.want) ||
				tt.vars["GITLAB_TOKEN"] == "" && strings.Contains(r.stderr, "GITLAB_TOKEN") {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
		})
	}
}

// Completion completes values: the fixed ones from the catalogue, and with a
// credential at hand, projects, groups and token ids — bounded, quick, and
// silent when GitLab cannot be asked.
func TestCompletionCompletesValues(t *testing.T) {
	_, url := server(t)
	cred := map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}
	for _, tt := range []struct {
		name      string
		vars      map[string]string
		args      []string
		want, not []string
	}{
		{"presets", nil, []string{"create", "--preset", ""}, []string{"jira-read\t", "jira-write\t", "custom\t"}, nil},
		{"roles", nil, []string{"create", "--access-level", ""}, []string{"reporter\t", "maintainer\t"}, nil},
		{"a group token's scopes", nil, []string{"create", "-g", "acme", "--scope", ""}, []string{"read_api\t"}, []string{"read_user", "sudo"}},
		{"a personal token's scopes", nil, []string{"create", "-U", "bob", "--scope", "read_api,"}, []string{"read_api,read_user\t", "read_api,sudo\t"}, []string{"read_api,read_api"}},
		{"outputs", nil, []string{"list", "-F", ""}, []string{"text", "json"}, []string{"csv"}},
		{"audit's outputs", nil, []string{"audit", "-F", ""}, []string{"csv", "openmetrics"}, nil},
		{"projects", cred, []string{"list", "-R", ""}, []string{"acme/web\tWeb"}, []string{"acme/docs"}},
		{"projects by --repo", cred, []string{"create", "--repo", "web"}, []string{"acme/web\tWeb"}, nil},
		{"groups", cred, []string{"list", "-g", ""}, []string{"widgets\t"}, nil},
		{"token ids", cred, []string{"revoke", "-R", "acme/web", ""}, nil, []string{"glpat-"}},
		{"the demo's token ids", nil, []string{"rotate", "--demo", "-R", "acme/web", ""}, []string{"7\tJira sync"}, nil},
		{"no credential: nothing", nil, []string{"list", "-R", ""}, nil, []string{"acme/web"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := executeEnv(t, tt.vars, "", append([]string{"__complete"}, tt.args...)...)
			if r.code != ExitOK || completionNoise(r.stderr) != "" {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("completions lack %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(r.stdout, w) {
					t.Errorf("completions offer %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// A GitLab that does not answer costs the shell at most the completion's
// timeout, and prints nothing.
func TestCompletionGivesUpQuickly(t *testing.T) {
	stall := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stall }))
	defer front.Close()
	defer close(stall) // before Close, which waits for the handlers
	start := time.Now()
	r := executeEnv(t, map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": front.URL}, "", "__complete", "list", "-R", "")
	if took := time.Since(start); took > completionTimeout+3*time.Second || r.code != ExitOK || completionNoise(r.stderr) != "" || strings.Contains(r.stdout, "/") {
		t.Fatalf("took %s, exit %d\n%s\n%s", took, r.code, r.stdout, r.stderr)
	}
}

// completionNoise is stderr without cobra's own line about the directive,
// which the shell scripts discard.
func completionNoise(stderr string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.HasPrefix(l, "Completion ended with directive:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
