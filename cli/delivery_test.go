package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// fullStdout fails every write, as /dev/full or a closed pipe does.
type fullStdout struct{ err error }

func (f fullStdout) Write([]byte) (int, error) { return 0, f.err }

// A token whose delivery to stdout fails is not lost: it goes to a new
// private file, and the run fails naming the file and the revoke command
// (it exited 0 with the value gone, or 2, "nothing was sent").
func TestAFailedStdoutNeverLosesTheToken(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, tt := range []struct {
		name string
		args []string
		err  error
	}{
		{"create, text, disk full", []string{"create", "-R", "acme/web", "--no-verify"}, syscall.ENOSPC},
		{"create, JSON, reader gone", []string{"create", "-R", "acme/web", "--no-verify", "-F", "json", "--name", "json one"}, syscall.EPIPE},
		{"rotate", []string{"rotate", "-R", "acme/web", "ID", "--no-verify"}, syscall.EPIPE},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			if tt.args[0] == "rotate" {
				id := srv.AddResourceToken("project:100", fake.Token{Name: "old", Scopes: []string{"read_api"}, AccessLevel: 20,
					ExpiresAt: time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")})
				tt.args[3] = strconv.Itoa(id)
			}
			var errb bytes.Buffer
			env := Env{In: strings.NewReader(""), Out: fullStdout{tt.err}, Err: &errb, Now: time.Now, IsTerminal: func(any) bool { return false },
				Getenv: func(k string) string {
					return map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}[k]
				}, OrphanWindow: testOrphanWindow}
			code := Execute(context.Background(), env, tt.args)
			msg := errb.String()
			m := regexp.MustCompile(`it was saved to (\S+) \(mode 0600\) instead`).FindStringSubmatch(msg)
			if code != ExitFailure || m == nil || !strings.Contains(msg, "revoke") || !strings.Contains(msg, "stdout could not take it") {
				t.Fatalf("exit %d:\n%s", code, msg)
			}
			saved, err := os.ReadFile(m[1])
			st, _ := os.Stat(m[1])
			var live []string
			for _, tk := range srv.Tokens("project:100") {
				if !tk.Revoked {
					live = append(live, tk.Value)
				}
			}
			if err != nil || st.Mode().Perm() != 0o600 || !strings.HasPrefix(string(saved), "glpat-") || !strings.Contains(strings.Join(live, " "), strings.TrimSpace(string(saved))) {
				t.Fatalf("saved %q (%v), live tokens %d", saved, err, len(live))
			}
			if strings.Contains(msg, strings.TrimSpace(string(saved))) || filepath.Dir(m[1]) == "." {
				t.Fatalf("the value is on stderr, or the file is here:\n%s", msg)
			}
		})
	}
}

// A saved token's JSON that stdout cannot take is not saved again: the value
// is in its file already (a second copy went to a temporary folder).
func TestASavedTokenIsNotSavedTwice(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, url := server(t)
	saved := filepath.Join(t.TempDir(), "tok")
	var errb bytes.Buffer
	env := Env{In: strings.NewReader(""), Out: fullStdout{syscall.ENOSPC}, Err: &errb, Now: time.Now, IsTerminal: func(any) bool { return false },
		Getenv: func(k string) string {
			return map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}[k]
		}, OrphanWindow: testOrphanWindow}
	code := Execute(context.Background(), env, []string{"create", "-R", "acme/web", "--no-verify", "-F", "json", "--save", saved})
	entries, _ := os.ReadDir(tmp)
	if code != ExitFailure || !strings.Contains(errb.String(), "is saved in "+saved) || strings.Contains(errb.String(), "instead") || len(entries) != 0 {
		t.Fatalf("exit %d, %d entries in the temporary folder:\n%s", code, len(entries), errb.String())
	}
	if b, err := os.ReadFile(saved); err != nil || !strings.HasPrefix(string(b), "glpat-") {
		t.Fatalf("saved %q, %v", b, err)
	}
}

// list into a pipe whose reader left ends quietly with 141, as a run killed
// by SIGPIPE would (SIGPIPE is ignored, so the write fails): not exit 2,
// "invalid input", with an error.
func TestABrokenPipeEndsQuietly(t *testing.T) {
	srv, url := server(t)
	for i := range 3 {
		srv.AddResourceToken("project:100", fake.Token{Name: fmt.Sprintf("t%d", i), Scopes: []string{"read_api"}, AccessLevel: 20,
			ExpiresAt: time.Now().UTC().AddDate(0, 0, 40).Format("2006-01-02")})
	}
	var errb bytes.Buffer
	env := Env{In: strings.NewReader(""), Out: fullStdout{syscall.EPIPE}, Err: &errb, Now: time.Now, IsTerminal: func(any) bool { return false },
		Getenv: func(k string) string {
			return map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}[k]
		}, OrphanWindow: testOrphanWindow}
	for _, args := range [][]string{{"list", "-R", "acme/web", "--all"}, {"list", "-R", "acme/web", "--all", "-F", "json"}} {
		errb.Reset()
		if code := Execute(context.Background(), env, args); code != ExitBrokenPipe || strings.Contains(errb.String(), "error") {
			t.Fatalf("%v: exit %d\n%s", args, code, errb.String())
		}
	}
}
