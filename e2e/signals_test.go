package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// A signal while a create is in flight — the terminal closed (HUP), kill
// (TERM), ctrl+\ (QUIT), ctrl+c (INT) — must not end the run blind: the
// orphan check runs (bounded) and stderr names the token GitLab made, with
// the command that revokes it.
func TestSignalDuringCreateReportsTheToken(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			srv, ts, err := fake.Start("demo")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(ts.Close)
			srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenHang})
			cmd := exec.Command(bin, "create", "-R", "acme/web", "--host", ts.URL)
			cmd.Env = append(os.Environ(), "GITLAB_TOKEN="+fake.MaintainerToken)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(20 * time.Second); srv.CountRequests("POST", "/access_tokens") == 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					t.Fatalf("the create was never sent:\n%s", stderr.String())
				}
			}
			_ = cmd.Process.Signal(sig)
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 4 {
				t.Fatalf("exit: %v\n%s", err, stderr.String())
			}
			id := srv.Tokens("project:100")[0].ID
			for _, want := range []string{"GitLab did create token", "gitlab-token-wizard revoke --host " + ts.URL + " --project acme/web " + itoa(id)} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if stdout.Len() != 0 || strings.Contains(stderr.String(), "goroutine ") {
				t.Fatalf("stdout %q; stderr:\n%s", stdout.String(), stderr.String())
			}
		})
	}
}
func itoa(i int) string { return strconv.Itoa(i) }
