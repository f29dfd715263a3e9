package cli

import (
	"strings"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/internal/termcheck"
)

func TestCreateOutputIsSafeWithAHostileServer(t *testing.T) {
	srv, ts, err := fake.Start("hostile")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	for _, hostile := range []bool{false, true} {
		srv.SetHostileJSON(hostile)
		r := execute(t, ts.URL, fake.MaintainerToken, "", "create", "-R", "evil/clipboard", "--name", "jira "+map[bool]string{true: "b", false: "a"}[hostile])
		if r.code != ExitOK {
			t.Fatalf("hostile=%v: exit %d\n%s", hostile, r.code, r.stderr)
		}
		if p := termcheck.Problem(r.stderr + r.stdout); p != "" {
			t.Fatalf("hostile=%v: %s\n%q", hostile, p, r.stderr)
		}
		if !hostile && !strings.Contains(r.stderr, "red commit") {
			t.Fatalf("the sanitized commit title is missing:\n%s", r.stderr)
		}
	}
	srv.SetHostileJSON(false)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 400,
		Body: `{"message":"400 Bad request - \u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u202eevil\u0000"}`})
	r := execute(t, ts.URL, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitRefused || termcheck.Problem(r.stderr) != "" || !strings.Contains(r.stderr, "evil") {
		t.Fatalf("exit %d, %s:\n%q", r.code, termcheck.Problem(r.stderr), r.stderr)
	}
}

// Input a person may type or paste: each is accepted correctly, or refused
// with a message that says what to do, before anything is sent.
func TestUserInputClasses(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"name with a control character", []string{"--name", "Jira\x07"}, ExitInvalid, "control character"},
		{"name with emoji", []string{"--name", "Jira 🔗 integration"}, ExitOK, ""},
		{"256-character name", []string{"--name", long}, ExitInvalid, "at most 255"},
		{"February 30", []string{"-E", "2027-02-30"}, ExitInvalid, "not a valid date"},
		{"year zero", []string{"-E", "0000-01-01"}, ExitInvalid, "not in the future"},
		{"far future", []string{"-E", "9999-12-31"}, ExitInvalid, "on or before"},
		{"zero days", []string{"-D", "0d"}, ExitInvalid, "at least one day"},
		{"negative", []string{"-D", "-1d"}, ExitInvalid, "whole positive number"},
		{"fraction", []string{"-D", "1.5d"}, ExitInvalid, "whole positive number"},
		{"99999 days", []string{"-D", "99999d"}, ExitInvalid, "on or before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			r := execute(t, url, fake.MaintainerToken, "", append([]string{"create", "-R", "acme/web"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s", r.code, tt.code, tt.want, r.stderr)
			}
			if tt.code != ExitOK && srv.CountRequests("POST", "/access_tokens") != 0 {
				t.Fatal("sent")
			}
		})
	}
	// Hosts as people write them.
	_, url := server(t)
	port := strings.TrimPrefix(url, "http://127.0.0.1:")
	for _, h := range []string{url + "/", url + "///", "  " + url + "  ", url + "/api/v4", "http://[::1]:" + port} {
		if strings.HasPrefix(h, "http://[::1]") {
			continue // the test server listens on IPv4 only; NormalizeHost's IPv6 cases are in gitlab/
		}
		r := execute(t, h, fake.MaintainerToken, "", "create", "-R", "acme/web", "--dry-run")
		if r.code != ExitOK {
			t.Fatalf("host %q: %d\n%s", h, r.code, r.stderr)
		}
	}
	for h, want := range map[string]string{"gitlab example.com": "spaces", "ftp://gitlab.example.com": "only https://"} {
		r := execute(t, h, fake.MaintainerToken, "", "create", "-R", "acme/web")
		if r.code != ExitInvalid || !strings.Contains(r.stderr, want) {
			t.Fatalf("host %q: %d\n%s", h, r.code, r.stderr)
		}
	}
	// A pasted credential with spaces and newlines around it.
	_, url = server(t)
	r := execute(t, url, "", " \t"+fake.MaintainerToken+" \r\n\n", "create", "--token-stdin", "-R", "acme/web", "--dry-run")
	if r.code != ExitOK {
		t.Fatalf("padded credential: %d\n%s", r.code, r.stderr)
	}
}

// A line on stdin longer than any token is refused before anything is
// sent, and reading it stops at the bound (`check < /dev/zero` must end).
func TestAnOverlongStdinLineIsRefused(t *testing.T) {
	srv, url := server(t)
	long := strings.Repeat("A", 1<<20) + "\n"
	r := execute(t, url, "", long, "create", "--token-stdin", "-R", "acme/web", "--dry-run")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "longer than") {
		t.Fatalf("overlong credential: %d\n%s", r.code, r.stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for a refused credential", n)
	}
	line, err := readLine(strings.NewReader(strings.Repeat("x", maxLine) + "\nrest"))
	if err != nil || len(line) != maxLine+1 {
		t.Fatalf("a line of exactly maxLine bytes: %d, %v", len(line), err)
	}
}
