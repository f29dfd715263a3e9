package e2e

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// A signal from outside (the terminal closed, kill, ctrl+\, an INT sent by
// another process) while the result screen holds a token: one nobody can
// have kept — never revealed, copied or saved — is revoked and stderr says
// so; one the user may have kept is left alone and named with the exact
// command that revokes it. The terminal is restored in every case.
func TestSignalOnTheResultScreen(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGINT} {
		t.Run("unseen/"+sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			srv, url := standIn(t)
			tt := startTerm(t, dir, 100, 34, wizardOn(dir, url, ""))
			toResult(tt)
			if err := syscall.Kill(pid(t, dir), sig); err != nil {
				t.Fatal(err)
			}
			all := restored(t, tt)
			ts := srv.Tokens("project:100")
			if len(ts) != 1 || !ts[0].Revoked || !strings.Contains(all, "Revoked token 7: the run ended before it was revealed, copied or saved") ||
				!strings.Contains(all, "EXIT=130") {
				t.Fatalf("tokens %+v; screen:\n%s", ts, all)
			}
		})
	}
	for _, kept := range []struct{ name, key, want string }{
		{"revealed", "v", "was created but not copied or saved; it cannot be shown again"},
		{"copied", "c", "was copied but not saved"},
	} {
		t.Run(kept.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			srv, url := standIn(t)
			tt := startTerm(t, dir, 100, 34, wizardOn(dir, url, ""))
			toResult(tt)
			tt.keys(kept.key)
			if kept.key == "v" {
				tokenRE.FindString(tt.wait("v hides it"))
			} else {
				tt.wait("OSC 52")
			}
			if err := syscall.Kill(pid(t, dir), syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			all := strings.Join(strings.Fields(restored(t, tt)), " ")
			cmd := fmt.Sprintf("gitlab-token-wizard revoke --host %s --project acme/web 7", url)
			if ts := srv.Tokens("project:100"); len(ts) != 1 || ts[0].Revoked || !strings.Contains(all, kept.want) || !strings.Contains(all, cmd) {
				t.Fatalf("tokens %+v; screen:\n%s", ts, all)
			}
			if tok := tokenRE.FindString(all); tok != "" {
				t.Fatalf("the token is in the scrollback: %s", tok)
			}
		})
	}
	// A signal while the create is in flight.
	for _, tc := range []struct {
		name      string
		listHangs bool
		want      []string
	}{
		// The answer is awaited (the orphan check, bounded) and the token
		// GitLab made is named.
		{"during the create", false, []string{"GitLab did create token", "revoke --host URL --project acme/web"}},
		// The create and its check outlast the wait (the list hangs too):
		// not "it failed", but where the token may still appear.
		{"during a create that outlasts the wait", true, []string{"GitLab had not answered the create after 20s", "may still appear. Look for it with",
			"list --host URL --project acme/web", "revoke --host URL --project acme/web TOKEN_ID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			srv, url := standIn(t)
			srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenHang})
			tt := startTerm(t, dir, 100, 34, wizardOn(dir, url, ""))
			toCreate(tt)
			if tc.listHangs {
				srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenHang})
			}
			if err := syscall.Kill(pid(t, dir), syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			all := strings.Join(strings.Fields(restored(t, tt)), " ")
			for _, want := range tc.want {
				if want = strings.ReplaceAll(want, "URL", url); !strings.Contains(all, want) {
					t.Fatalf("lacks %q; screen:\n%s", want, all)
				}
			}
			if strings.Contains(all, "it failed") {
				t.Fatalf("an unknown outcome called a failure:\n%s", all)
			}
		})
	}
}

// toCreate walks the wizard's recommended path and presses enter on the
// review: the create is sent.
func toCreate(tt *term) {
	tt.wait("What is the token for?")
	tt.wait("What is the token for?")
	for _, next := range []string{"Which kind of token?", "Which project?", "you: Maintainer", "Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
		if next != "you: Maintainer" {
			tt.keys("Enter")
		}
		tt.wait(next)
	}
	tt.wait("enter create")
	tt.keys("Enter")
	tt.wait("Creating the token")
}

// Review finding 3: after x (revoke, then leave) a GitLab that never
// answered the DELETE kept the wizard on "Revoking the token…" until
// --timeout, q and ctrl+c doing nothing. q stops the wait at once, exits
// 130, and names the commands that check and revoke the token.
func TestStopWaitingForAHangingRevoke(t *testing.T) {
	dir := t.TempDir()
	srv, url := standIn(t)
	srv.AddFault(fake.Fault{Method: "DELETE", PathSuffix: "/access_tokens/7", Kind: fake.FaultCommitThenHang})
	tt := startTerm(t, dir, 80, 24, strings.Replace(wizardOn(dir, url, ""), bin, bin+" --timeout 60s", 1))
	toResult(tt)
	tt.keys("q")
	tt.wait("Leave without keeping the token?")
	tt.keys("x")
	scr := tt.wait("Revoking the token")
	if !strings.Contains(scr, "q stop waiting") || strings.Contains(scr, "save to file") {
		t.Fatalf("the help while revoking:\n%s", scr)
	}
	start := time.Now()
	tt.keys("q")
	all := strings.Join(strings.Fields(restored(t, tt)), " ")
	if waited := time.Since(start); waited > 20*time.Second {
		t.Fatalf("q took %s to leave", waited)
	}
	for _, want := range []string{"it may or may not be revoked", "EXIT=130",
		"gitlab-token-wizard list --host " + url + " --project acme/web",
		"gitlab-token-wizard revoke --host " + url + " --project acme/web 7"} {
		if !strings.Contains(all, want) {
			t.Fatalf("lacks %q:\n%s", want, all)
		}
	}
}
