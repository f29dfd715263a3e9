package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// The screens as a person sees them at 80x24 and 100x30: nothing out of
// reach, commands whole or continued between arguments.

var hostRE = regexp.MustCompile(`@ (127\.0\.0\.1:\d+)`)

// joinCommand reads a command that starts on a line beginning with start,
// following " \" continuations; it fails when a line is cut at the edge.
func joinCommand(t *testing.T, screen, start string, cols int) string {
	t.Helper()
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, start) {
			continue
		}
		cmd := l
		for j := i; strings.HasSuffix(strings.TrimRight(lines[j], " "), " \\"); j++ {
			if len([]rune(strings.TrimRight(lines[j], " "))) >= cols {
				t.Fatalf("a continued line reaches the edge (%d columns), so it may be cut:\n%s", cols, lines[j])
			}
			cmd = strings.TrimSuffix(cmd, " \\") + " " + strings.TrimSpace(lines[j+1])
		}
		return cmd
	}
	t.Fatalf("no line starts with %q:\n%s", start, screen)
	return ""
}

func TestReviewCommandsAreWholeOrContinued(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			tt := startTerm(t, t.TempDir(), size[0], size[1], "env NO_COLOR=1 "+bin+" --demo"+ttyState)
			tt.wait("What is the token for?")
			host := hostRE.FindStringSubmatch(tt.wait("@ 127.0.0.1"))[1]
			for _, next := range []string{"Which kind of token?", "Which project?", "Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
				tt.keys("Enter")
				tt.wait(next)
			}
			screen := tt.wait("curl --request POST")
			r := token.Request{Kind: token.KindProject, Target: "acme/web", Name: "Jira integration", Role: token.RoleReporter,
				Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(time.Now())}
			base := "http://" + host
			// The tool's own command says --demo (the stand-in's address is
			// gone after the run); curl names the address.
			if got, want := joinCommand(t, screen, "gitlab-token-wizard create", size[0]), r.CommandLine(token.DemoHost); got != want {
				t.Fatalf("create command on screen:\n%s\nwant\n%s\n%s", got, want, screen)
			}
			if got, want := joinCommand(t, screen, "curl --request POST", size[0]), r.CurlCommand(base).String(); got != want {
				t.Fatalf("curl on screen:\n%s\nwant\n%s\n%s", got, want, screen)
			}
			tt.keys("C-c")
			restored(t, tt)
		})
	}
}

// At 80x24 the result does not fit: it scrolls down to the whole rotate
// command, and after exit the summary keeps the command and the file.
func TestResultScrollsToTheRotateCommand(t *testing.T) {
	dir := t.TempDir()
	tt := startTerm(t, dir, 80, 24, "env NO_COLOR=1 "+bin+" --demo"+ttyState)
	tt.wait("@ 127.0.0.1")
	toResult(tt)
	// A demo run's command says --demo: the stand-in's address is gone after it.
	want := "gitlab-token-wizard rotate --demo --project acme/web 7"
	screen := tt.wait("more lines below (pgdn)")
	if strings.Contains(screen, "gitlab-token-wizard rotate") {
		t.Fatalf("the result fits at 80x24 after all; this test would prove nothing:\n%s", screen)
	}
	tt.keys("PgDn")
	tt.keys("PgDn")
	screen = tt.wait("gitlab-token-wizard rotate")
	if got := joinCommand(t, screen, "gitlab-token-wizard rotate", 80); got != want {
		t.Fatalf("rotate command on screen:\n%s\nwant\n%s\n%s", got, want, screen)
	}
	tt.keys("s")
	tt.wait("Save the token to a new file")
	tt.wait("enter save") // keys count once the keyboard has rested
	tt.keys("Enter")
	tt.wait("Saved to")
	tt.keys("q")
	all := restored(t, tt)
	for _, w := range []string{"Hand-off: project token id 7", "Saved to " + dir + "/gitlab-token-7.txt (mode 0600).", want} {
		if !strings.Contains(strings.ReplaceAll(all, "\n", ""), w) {
			t.Fatalf("after exit, no %q:\n%s", w, all)
		}
	}
}

// Esc while a slow search is in flight, then back: the answer is not lost
// and not given to another step; the results show.
func TestEscDuringASlowSearchThenBack(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	srv.SetLatency(1500 * time.Millisecond)
	tt := startTerm(t, t.TempDir(), 80, 24, "env NO_COLOR=1 GITLAB_HOST="+ts.URL+" GITLAB_TOKEN="+fake.MaintainerToken+" "+bin+ttyState)
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?")
	tt.keys("Enter")
	tt.wait("searching…")
	tt.keys("Escape")
	screen := tt.wait("Which kind of token?")
	if strings.Contains(screen, "acme/web") {
		t.Fatalf("the search's answer reached the kind step:\n%s", screen)
	}
	tt.keys("Enter")
	tt.wait("Which project?")
	tt.wait("you: Maintainer")
	tt.keys("C-c")
	restored(t, tt)
}

// Ctrl+C at the first accessible prompt ends the run with 130, nothing sent.
func TestAccessibleCtrlCAtTheFirstPrompt(t *testing.T) {
	tt := startTerm(t, t.TempDir(), 100, 30, "env TERM=dumb "+bin+" --demo"+ttyState)
	tt.wait("What is the token for?")
	tt.keys("C-c")
	all := restored(t, tt)
	if !strings.Contains(all, "EXIT=130") || !strings.Contains(all, "nothing was sent") {
		t.Fatalf("after ctrl+c:\n%s", all)
	}
}

// Ctrl+C at the hidden paste prompt (echo off while it waits): exit 130,
// and the terminal's echo is back.
func TestAccessibleCtrlCAtTheHiddenPrompt(t *testing.T) {
	tt := startTerm(t, t.TempDir(), 100, 40, "env TERM=dumb "+bin+" --demo"+ttyState)
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?")
	tt.keys("3", "Enter")
	tt.wait("Which project will Jira read?")
	tt.keys("-l", "acme/web")
	tt.keys("Enter")
	for _, q := range []string{"Token name", "Description", "When should it expire?", "Which scopes?"} {
		tt.wait(q)
		tt.keys("Enter")
	}
	tt.wait("Paste the new token (it is not shown)")
	tt.keys("C-c")
	all := restored(t, tt)
	if !strings.Contains(all, "EXIT=130") || !strings.Contains(all, "no token was checked") {
		t.Fatalf("after ctrl+c:\n%s", all)
	}
}
