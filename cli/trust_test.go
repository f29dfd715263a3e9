package cli

// Issue 9's findings through the command line, against the stand-in with the
// matching fault: what a person or a script sees, and the exit code.

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

func TestCreateRefusesARedirectAndSaysWhereTo(t *testing.T) {
	var hits int
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	t.Cleanup(other.Close)
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/api/v4/user", Kind: fake.FaultRedirect, Status: 302, Location: other.URL + "/api/v4/user"})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitFailure || hits != 0 || !strings.Contains(r.stderr, "answered with a redirect (302) to "+other.URL) ||
		!strings.Contains(r.stderr, "nothing was sent there") || srv.CountRequests("POST", "/access_tokens") != 0 {
		t.Fatalf("exit %d, hits %d:\n%s", r.code, hits, r.stderr)
	}
}

// A server that quotes the credential back in an error: the output shows
// [REDACTED] (execute fails the test if the credential appears anywhere).
func TestAnEchoedCredentialIsNeverPrinted(t *testing.T) {
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultEchoCredential})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "[REDACTED]") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

func TestAHostWithUserinfoIsNotEchoed(t *testing.T) {
	r := executeEnv(t, map[string]string{"GITLAB_TOKEN": fake.MaintainerToken}, "", "create", "-R", "acme/web",
		"--host", "https://root:hunter2-secret@gitlab.example.com")
	if r.code != ExitInvalid || strings.Contains(r.stderr, "hunter2") || !strings.Contains(r.stderr, "user name or password") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

// Null elements everywhere: the token is created, verified and printed.
// A commit list of nothing but null proves no read: the token is still
// delivered, and the run says it is unverified (exit 5).
func TestCreateSurvivesNulls(t *testing.T) {
	srv, url := server(t)
	srv.SetNullElements(true)
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/repository/commits", Kind: fake.FaultStatus, Status: 200, Body: "[null]"})
	r = execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--name", "second")
	if r.code != ExitUnverified || !strings.HasPrefix(r.stdout, "glpat-") || !strings.Contains(r.stderr, "FAIL  reads the latest commit") {
		t.Fatalf("[null] commits: exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
}

// GitLab made a token but its value is not a token: nothing is printed, the
// revoke command is, and the exit says a token exists that nobody has.
func TestAHostileTokenValueIsNeverPrinted(t *testing.T) {
	srv, url := server(t)
	hostile := "\x1b]0;owned\x07glpat-aaaaaaaaaaaaaaaaaaaa\n"
	srv.SetNextTokenValues(hostile)
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "-F", "json")
	if r.code != ExitUnknown || r.stdout != "" || strings.Contains(r.stderr, "owned") || strings.Contains(r.stderr, "\x1b") {
		t.Fatalf("exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
	id := srv.Tokens("project:100")[0].ID
	if !strings.Contains(r.stderr, "gitlab-token-wizard revoke") || !strings.Contains(r.stderr, "not printed, copied or saved") ||
		!strings.Contains(r.stderr, itoa(id)) {
		t.Fatalf("no revoke command for token %d:\n%s", id, r.stderr)
	}
}

func TestVerificationFailureExitsFiveAfterDelivery(t *testing.T) {
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/repository/commits", Kind: fake.FaultStatus, Status: 403,
		Body: `{"message":"403 Forbidden"}`})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitUnverified || !strings.HasPrefix(r.stdout, "glpat-") || !strings.Contains(r.stderr, "FAIL  reads the latest commit") ||
		!strings.Contains(r.stderr, "created and delivered, but the new token failed verification") {
		t.Fatalf("exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
}

// The --save file is taken between the check and the write: the token goes
// to a new file beside it, never to the terminal.
func TestSaveRaceFallsBackToANewFile(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	path := filepath.Join(dir, "token.txt")
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			_ = os.WriteFile(path, []byte("someone else's\n"), 0o644)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	res := executeTTY(t, map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": front.URL}, true, "",
		"create", "-R", "acme/web", "--save", path)
	if res.code != ExitOK || res.stdout != "" {
		t.Fatalf("exit %d, stdout %q:\n%s", res.code, res.stdout, res.stderr)
	}
	alt := filepath.Join(dir, "token-1.txt")
	b, err := os.ReadFile(alt)
	st, _ := os.Stat(alt)
	if err != nil || !strings.HasPrefix(string(b), "glpat-") || st.Mode().Perm() != 0o600 || !strings.Contains(res.stderr, alt) {
		t.Fatalf("fallback file: %v %q\n%s", err, b, res.stderr)
	}
	if old, _ := os.ReadFile(path); string(old) != "someone else's\n" {
		t.Fatal("the other file was overwritten")
	}
}

func TestChildProcessesGetNoCredential(t *testing.T) {
	env := childEnv([]string{"PATH=/bin", "GITLAB_TOKEN=x", "GITLAB_ACCESS_TOKEN=y", "OAUTH_TOKEN=z", "GITLAB_PRIVATE_TOKEN=w",
		"CI_JOB_TOKEN_PRIVATE_TOKEN=v", "HOME=/root", "GITLAB_HOST=h"})
	if strings.Join(env, " ") != "PATH=/bin HOME=/root GITLAB_HOST=h" {
		t.Fatalf("env = %q", env)
	}
	// And through the real opener: $BROWSER writes what it sees.
	dir := t.TempDir()
	out := filepath.Join(dir, "env.txt")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nenv > "+out+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITLAB_TOKEN", fake.MaintainerToken)
	if !openBrowser(Env{Getenv: func(k string) string {
		if k == "BROWSER" {
			return script
		}
		return ""
	}}, "https://gitlab.example.com/x") {
		t.Fatal("the browser did not start")
	}
	var seen []byte
	for i := 0; i < 200 && len(seen) == 0; i++ {
		seen, _ = os.ReadFile(out)
		if len(seen) == 0 {
			waitABit()
		}
	}
	if len(seen) == 0 || strings.Contains(string(seen), fake.MaintainerToken) {
		t.Fatalf("the browser's environment: %q", seen)
	}
}

// waitABit lets a child process run; the loop around it bounds the wait.
func waitABit() { time.Sleep(25 * time.Millisecond) }

// Whose token failed is said in the words: a support engineer checking a
// customer's token must never be told to fix their own sign-in.
func TestFailuresBlameTheTokenUnderTest(t *testing.T) {
	srv, url := server(t)
	for _, tok := range []string{"glpat-nosuchtoken000000", fake.ExpiredToken} {
		r := execute(t, url, fake.MaintainerToken, tok+"\n", "check", "-R", "acme/web")
		low := strings.ToLower(r.stderr)
		if r.code != ExitRefused || !strings.Contains(r.stderr, "the checked token") || strings.Contains(r.stderr, "GITLAB_TOKEN") ||
			strings.Contains(low, "sign in") || strings.Contains(low, "your credential") {
			t.Fatalf("exit %d:\n%s", r.code, r.stderr)
		}
	}
	// The new token refused during verification: FAIL blames it, exit 5.
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/repository/commits", Kind: fake.FaultStatus, Status: 401,
		Body: `{"message":"401 Unauthorized"}`, Times: 1})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitUnverified || !strings.Contains(r.stderr, "GitLab did not accept the new token") || strings.Contains(r.stderr, "your credential") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

// A server cannot get the credential printed by cutting it at the message
// limit or splitting it with invisible characters (review finding 1).
func TestEchoedCredentialCutOrSplitIsNeverPrinted(t *testing.T) {
	cred := fake.MaintainerToken
	for _, echo := range []string{
		strings.Repeat("x", 255) + " " + cred + " is not allowed",
		strings.Repeat("x", 270) + " " + cred,
		"token " + cred[:11] + "\u200b" + cred[11:] + " is not allowed",
		"token " + cred[:6] + "\u2060" + cred[6:16] + "\u00ad" + cred[16:],
	} {
		srv, url := server(t)
		body, _ := json.Marshal(map[string]string{"message": "400 Bad request - " + echo})
		srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 400, Body: string(body)})
		dir := t.TempDir()
		r := execute(t, url, cred, "", "create", "-R", "acme/web", "--debug", filepath.Join(dir, "log"))
		logText, _ := os.ReadFile(filepath.Join(dir, "log"))
		for _, out := range []string{r.stderr, string(logText)} {
			visible := strings.Map(func(c rune) rune {
				if c == 0x200b || c == 0x2060 || c == 0xad {
					return -1
				}
				return c
			}, out)
			if strings.Contains(visible, cred[4:16]) || strings.Contains(visible, cred[12:24]) {
				t.Fatalf("the credential shows through:\n%s", out)
			}
		}
		if r.code != ExitRefused {
			t.Fatalf("exit %d:\n%s", r.code, r.stderr)
		}
	}
}
