package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

type run struct {
	code           int
	stdout, stderr string
}

func execute(t *testing.T, url, cred, stdin string, args ...string) run {
	t.Helper()
	return executeEnv(t, map[string]string{"GITLAB_TOKEN": cred, "GITLAB_HOST": url}, stdin, args...)
}

// executeEnv runs the command line with exactly the environment vars; the
// secrets among them (GITLAB_TOKEN) must not appear in any output.
func executeEnv(t *testing.T, vars map[string]string, stdin string, args ...string) run {
	t.Helper()
	return executeTTY(t, vars, false, stdin, args...)
}

// executeTTY is executeEnv with stdout (and stderr) a terminal or not.
func executeTTY(t *testing.T, vars map[string]string, tty bool, stdin string, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{In: strings.NewReader(stdin), Out: &out, Err: &errb, Now: time.Now, IsTerminal: func(f any) bool { return tty && f == any(&out) },
		Getenv: func(k string) string { return vars[k] }, OrphanWindow: testOrphanWindow}
	code := Execute(context.Background(), env, args)
	r := run{code, out.String(), errb.String()}
	if cred := vars["GITLAB_TOKEN"]; cred != "" && (strings.Contains(r.stdout, cred) || strings.Contains(r.stderr, cred)) {
		t.Fatalf("the credential appeared in the output:\n%s\n%s", r.stdout, r.stderr)
	}
	return r
}

// testOrphanWindow keeps the look for a lost token short in tests; the tests
// of the window itself set their own.
var testOrphanWindow = 200 * time.Millisecond

func server(t *testing.T) (*fake.Server, string) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

func TestCreateJiraReadThenReadsCommits(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.MaintainerToken, "", "create", "--project", "acme/web", "--preset", "jira-read", "Jira integration")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	tok := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(tok, "glpat-") || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("stdout must be the token alone, got %q", r.stdout)
	}
	if strings.Contains(r.stderr, tok) {
		t.Fatal("token on stderr")
	}
	for _, want := range []string{"in 30 days", "the default of 30 days", "PASS  reads the latest commit of acme/web"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	req, _ := http.NewRequest("GET", url+"/api/v4/projects/acme%2Fweb/repository/commits", nil)
	req.Header.Set("PRIVATE-TOKEN", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "web: change 5") {
		t.Fatalf("new token reading commits: %d %s", resp.StatusCode, body)
	}
	ts := srv.Tokens("project:100")
	if len(ts) != 1 || ts[0].AccessLevel != 20 || strings.Join(ts[0].Scopes, ",") != "read_api" {
		t.Fatalf("server tokens = %+v", ts)
	}
}

func TestCreateRefusedBeforeSending(t *testing.T) {
	last := time.Now().UTC().AddDate(0, 0, 365).Format("2006-01-02")
	tests := []struct {
		name string
		cred string
		args []string
		code int
		want string
	}{
		{"owner by maintainer", fake.MaintainerToken, []string{"-R", "acme/web", "-A", "owner"}, ExitInvalid, "you are Maintainer here and cannot grant Owner"},
		{"366 days", fake.MaintainerToken, []string{"-R", "acme/web", "-D", "366d"}, ExitInvalid, "pick a date on or before " + last},
		{"past date", fake.MaintainerToken, []string{"-R", "acme/web", "-E", "2020-01-01"}, ExitInvalid, "not in the future"},
		{"bad date", fake.MaintainerToken, []string{"-R", "acme/web", "-E", "2027-02-30"}, ExitInvalid, "not a valid date"},
		{"bad duration", fake.MaintainerToken, []string{"-R", "acme/web", "-D", "1.5d"}, ExitInvalid, "whole positive number"},
		{"unknown scope", fake.MaintainerToken, []string{"-R", "acme/web", "-S", "read_everything"}, ExitInvalid, "unknown scope"},
		{"no project", fake.MaintainerToken, []string{}, ExitInvalid, "--project"},
		{"developer", fake.DeveloperToken, []string{"-R", "acme/docs"}, ExitRefused, "needs Maintainer or Owner"},
		{"read_api credential", fake.ReadOnlyToken, []string{"-R", "acme/web"}, ExitRefused, "needs api"},
		{"expired credential", fake.ExpiredToken, []string{"-R", "acme/web"}, ExitRefused, "credential has expired"},
		{"no credential", "", []string{"-R", "acme/web"}, ExitInvalid, "set GITLAB_TOKEN"},
		{"not found", fake.MaintainerToken, []string{"-R", "acme/nope"}, ExitRefused, "not found"},
		{"bad output", fake.MaintainerToken, []string{"-R", "acme/web", "-F", "yaml"}, ExitInvalid, "use text or json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			r := execute(t, url, tt.cred, "", append([]string{"create"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d containing %q", r.code, r.stderr, tt.code, tt.want)
			}
			if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
				t.Fatalf("%d create requests sent", n)
			}
			if r.stdout != "" {
				t.Fatalf("stdout = %q", r.stdout)
			}
		})
	}
}

func TestCreateCommitThen502(t *testing.T) {
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	ts := srv.Tokens("project:100")
	if r.code != ExitUnknown || len(ts) != 1 {
		t.Fatalf("exit %d, tokens %d:\n%s", r.code, len(ts), r.stderr)
	}
	if want := "GitLab did create token " + itoa(ts[0].ID); !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "502") {
		t.Fatalf("stderr lacks %q:\n%s", want, r.stderr)
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 || r.stdout != "" {
		t.Fatalf("POSTs %d, stdout %q", n, r.stdout)
	}
}

// A 503 may come from a proxy while GitLab finishes the request: the outcome
// is unknown (exit 4), and nothing may claim that no token was made.
func TestCreate503OutcomeUnknown(t *testing.T) {
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 503})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitUnknown || !strings.Contains(r.stderr, "no new token has appeared") || !strings.Contains(r.stderr, "check again with `list`") ||
		len(srv.Tokens("project:100")) != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	assertNoFalseAllClear(t, r.stderr)
}

// assertNoFalseAllClear fails when a message claims certainty that nothing
// was created after an ambiguous answer.
func assertNoFalseAllClear(t *testing.T, out string) {
	t.Helper()
	low := strings.ToLower(out)
	for _, bad := range []string{"nothing was created", "no token was created", "safe to try again", "nothing was rotated"} {
		if strings.Contains(low, bad) {
			t.Fatalf("claims %q after an ambiguous answer:\n%s", bad, out)
		}
	}
}

func TestCreateJSONAndStdin(t *testing.T) {
	_, url := server(t)
	r := execute(t, url, "", "  "+fake.MaintainerToken+"  \n", "create", "--token-stdin", "-R", "acme/platform/api",
		"--preset", "jira-write", "-E", time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02"), "-F", "json", "--description", "for Jira")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if got["role"] != "developer" || got["access_level"] != float64(30) || got["verified"] != true ||
		!strings.HasPrefix(got["token"].(string), "glpat-") || got["description"] != "for Jira" || got["project"] != "acme/platform/api" {
		t.Fatalf("json = %v", got)
	}
	if strings.Contains(r.stdout, fake.MaintainerToken) || strings.Contains(r.stderr, fake.MaintainerToken) {
		t.Fatal("credential leaked")
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--dry-run")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"PRIVATE-TOKEN: $GITLAB_TOKEN"`) || !strings.Contains(r.stdout, "/api/v4/projects/acme%2Fweb/access_tokens") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, req := range srv.Requests() {
		if req.Method != "GET" {
			t.Fatalf("dry run sent %s %s", req.Method, req.Path)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// An expiry out of bounds is blamed on the flag that gave it: --duration
// when only --duration was given, --expires-at for a date, whether the
// rule is GitLab's default or one the instance reports (an administrator's).
func TestExpiryErrorsNameTheFlagGiven(t *testing.T) {
	srv, url := server(t)
	far := time.Now().UTC().AddDate(2, 0, 0).Format("2006-01-02")
	for _, tt := range []struct {
		name, cred string
		args       []string
		flag       string
	}{
		{"rotate --duration", "", []string{"rotate", "--demo", "-R", "acme/web", "8", "-D", "2y"}, "--duration"},
		{"create --duration", "", []string{"create", "--demo", "-R", "acme/web", "-D", "2y", "--dry-run"}, "--duration"},
		{"create --expires-at", "", []string{"create", "--demo", "-R", "acme/web", "-E", far, "--dry-run"}, "--expires-at"},
		{"the instance's rule, --duration", fake.AdminToken, []string{"create", "-R", "acme/web", "-D", "60d", "--dry-run"}, "--duration"},
		{"the instance's rule on a rotation, --duration", fake.AdminToken, []string{"rotate", "-R", "acme/web", "-D", "60d", "--no-verify", "TOKEN"}, "--duration"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetLifetime(30, false, false)
			defer srv.SetLifetime(0, false, false)
			args := tt.args
			if args[len(args)-1] == "TOKEN" {
				id := srv.AddResourceToken("project:100", fake.Token{Name: "ci", Scopes: []string{"read_api"}, AccessLevel: 20,
					ExpiresAt: time.Now().UTC().AddDate(0, 0, 20).Format("2006-01-02")})
				args = append(append([]string{}, args[:len(args)-1]...), itoa(id))
			}
			r := execute(t, url, tt.cred, "", args...)
			if r.code != ExitInvalid || !strings.Contains(r.stderr, tt.flag+": ") || tt.flag == "--duration" && strings.Contains(r.stderr, "--expires-at:") {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
		})
	}
	if n := srv.CountRequests("POST", ""); n != 0 {
		t.Fatalf("%d writes sent", n)
	}
}
