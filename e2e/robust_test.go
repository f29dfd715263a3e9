package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// Issue 16 in a real terminal: a choice must be seen before it counts, and
// the wizard behaves as a good citizen of the terminal and its job control.

// standIn starts a stand-in GitLab the test can inspect.
func standIn(t *testing.T) (*fake.Server, string) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// wizardOn is the command line that runs the wizard against url, writing
// its pid to dir/pid first (the shell execs the binary, so it is the
// binary's pid), with the terminal's state printed after it ends.
func wizardOn(dir, url, extraEnv string) string {
	return fmt.Sprintf("sh -c 'echo $$ > %s; exec env NO_COLOR=1 %s GITLAB_HOST=%s GITLAB_TOKEN=%s %s'%s",
		filepath.Join(dir, "pid"), extraEnv, url, fake.MaintainerToken, bin, ttyState)
}

// pid reads the wizard's pid from dir/pid once the shell has written it.
func pid(t *testing.T, dir string) int {
	t.Helper()
	for i := 0; i < 300; i++ {
		if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return n
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the wizard's pid was never written")
	return 0
}

var cursorRow = regexp.MustCompile(`(?m)^> (\S+)`)

// Down past the rows that fit keeps the highlighted row on screen, and
// enter takes the row that is highlighted.
func TestDownPastTheDrawnRowsKeepsTheHighlightOnScreen(t *testing.T) {
	dir := t.TempDir()
	_, url := standIn(t)
	tt := startTerm(t, dir, 80, 24, wizardOn(dir, url, ""))
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?")
	tt.keys("Enter")
	tt.wait("you: Maintainer")
	var picked string
	for i := 1; i <= 25; i++ {
		tt.keys("Down")
		// The selection moves one row per Down; read the screen once it has.
		var scr string
		for j := 0; j < 100; j++ {
			scr = tt.run("capture-pane", "-p", "-t", tt.session)
			if m := cursorRow.FindStringSubmatch(scr); m != nil && m[1] != picked {
				picked = m[1]
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if m := cursorRow.FindStringSubmatch(scr); m == nil {
			t.Fatalf("after %d downs no highlighted row is on screen:\n%s", i, scr)
		}
	}
	tt.keys("Enter")
	tt.wait("Name the token")
	for _, next := range []string{"When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
		tt.keys("Enter")
		tt.wait(next)
	}
	if scr := tt.wait("project      "); !strings.Contains(scr, "project      "+picked) {
		t.Fatalf("highlighted %s, the review says:\n%s", picked, scr)
	}
	tt.keys("C-c")
	restored(t, tt)
}

// Enter held from the first step (a key repeat every 30 ms) walks to the
// review and stops there: no token, and the screen says why. A deliberate
// enter after a look creates one.
func TestHeldEnterFromTheFirstStepCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	srv, url := standIn(t)
	tt := startTerm(t, dir, 100, 34, wizardOn(dir, url, ""))
	tt.wait("What is the token for?")
	extra := -1
	for i := 0; i < 400 && extra != 0; i++ {
		tt.keys("Enter")
		time.Sleep(30 * time.Millisecond) // the key's repeat rate, not a wait for the program
		switch {
		case extra > 0:
			extra--
		case i%5 == 0 && strings.Contains(tt.run("capture-pane", "-p", "-t", tt.session), "Review: nothing has been sent yet"):
			extra = 30 // the key is still held for a second on the review
		}
	}
	if extra != 0 {
		t.Fatalf("the held enter never reached the review:\n%s", tt.run("capture-pane", "-p", "-t", tt.session))
	}
	tt.wait("Look first, then press enter")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("a held enter created %d tokens", n)
	}
	tt.wait("enter create")
	tt.keys("Enter")
	tt.wait("reads the latest commit")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("a deliberate enter: %d creates", n)
	}
	tt.keys("q")
	tt.wait("Leave without keeping the token?")
	tt.keys("x")
	restored(t, tt)
}

// With stderr redirected to a file the wizard does not start: enter ×8
// creates nothing, and the terminal says why.
func TestStderrToAFileCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	srv, url := standIn(t)
	errFile := filepath.Join(dir, "stderr.txt")
	tt := startTerm(t, dir, 100, 30, fmt.Sprintf("env GITLAB_HOST=%s GITLAB_TOKEN=%s %s 2>%s%s", url, fake.MaintainerToken, bin, errFile, ttyState))
	tt.keys("Enter", "Enter", "Enter", "Enter", "Enter", "Enter", "Enter", "Enter")
	all := restored(t, tt)
	b, _ := os.ReadFile(errFile)
	if !strings.Contains(all, "EXIT=2") || !strings.Contains(strings.Join(strings.Fields(all), " "), "stderr is not a terminal") ||
		!strings.Contains(string(b), "nothing is asked or created") {
		t.Fatalf("screen:\n%s\nstderr file:\n%s", all, b)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Fatalf("%d requests sent, the first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// Review finding 8: the accessible mode's prompts follow the same rule —
// with stderr thrown away, piped answers created a token nobody saw asked
// for and printed it. Now it refuses: exit 2, nothing sent or printed.
func TestAccessibleWithStderrThrownAwayCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	srv, url := standIn(t)
	tt := startTerm(t, dir, 100, 30, fmt.Sprintf(`printf '\n\n\n\n\n\n\n\n\ny\n2\n' | env GITLAB_HOST=%s GITLAB_TOKEN=%s %s --accessible 2>/dev/null%s`,
		url, fake.MaintainerToken, bin, ttyState))
	all := restored(t, tt)
	if !strings.Contains(all, "EXIT=2") || !strings.Contains(strings.Join(strings.Fields(all), " "), "nobody would see them") || tokenRE.MatchString(all) {
		t.Fatalf("screen:\n%s", all)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Fatalf("%d requests sent, the first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// A second s writes no second file holding the secret.
func TestASecondSWritesNoSecondFile(t *testing.T) {
	dir := t.TempDir()
	_, url := standIn(t)
	tt := startTerm(t, dir, 100, 34, wizardOn(dir, url, ""))
	toResult(tt)
	tt.keys("s")
	tt.wait("Save the token to a new file")
	tt.wait("enter save") // keys count once the keyboard has rested
	tt.keys("Enter")
	tt.wait("Saved to")
	tt.keys("s")
	tt.wait("Already saved to")
	tt.keys("s", "Enter", "s", "Enter")
	tt.keys("q")
	restored(t, tt)
	if files, _ := filepath.Glob(filepath.Join(dir, "gitlab-token-*")); len(files) != 1 {
		t.Fatalf("files holding the token: %v", files)
	}
}

// procState is the process's state letter in /proc (T: stopped).
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	if i := strings.LastIndex(s, ") "); i >= 0 && i+2 < len(s) {
		return s[i+2 : i+3]
	}
	return ""
}

// An external SIGTSTP gives the terminal back (main screen, echo, canonical
// input) before the wizard stops; SIGCONT takes it again and redraws. The
// window title the user had is back after the run.
func TestSIGTSTPGivesTheTerminalBackAndSIGCONTRedraws(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to see that the process stopped")
	}
	dir := t.TempDir()
	_, url := standIn(t)
	tt := startTerm(t, dir, 100, 30, `printf '\033]2;before-the-wizard\033\\'; `+wizardOn(dir, url, ""))
	tt.wait("What is the token for?")
	p := pid(t, dir)
	ttyPath := strings.TrimSpace(tt.run("display-message", "-p", "-t", tt.session, "#{pane_tty}"))
	if err := syscall.Kill(p, syscall.SIGTSTP); err != nil {
		t.Fatal(err)
	}
	for i := 0; procState(p) != "T"; i++ {
		if i > 300 {
			t.Fatalf("the wizard did not stop (state %q)", procState(p))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if alt := strings.TrimSpace(tt.run("display-message", "-p", "-t", tt.session, "#{alternate_on}")); alt != "0" {
		t.Fatalf("stopped in the alternate screen (%s)", alt)
	}
	out, err := exec.Command("stty", "-a", "-F", ttyPath).CombinedOutput()
	if err != nil || !regexp.MustCompile(`(^|[ ;\n])echo([ ;\n]|$)`).Match(out) || !regexp.MustCompile(`(^|[ ;\n])icanon([ ;\n]|$)`).Match(out) {
		t.Fatalf("stopped with the terminal raw: %v\n%s", err, out)
	}
	if err := syscall.Kill(p, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	for i := 0; strings.TrimSpace(tt.run("display-message", "-p", "-t", tt.session, "#{alternate_on}")) != "1"; i++ {
		if i > 300 {
			t.Fatal("continued, but the screen was not drawn again")
		}
		time.Sleep(20 * time.Millisecond)
	}
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?") // the keyboard is the wizard's again
	tt.keys("C-c")
	restored(t, tt)
	if title := strings.TrimSpace(tt.run("display-message", "-p", "-t", tt.session, "#{pane_title}")); title != "before-the-wizard" {
		t.Fatalf("window title after the run: %q", title)
	}
}

// On the Linux console's 16 colours, nothing is drawn in black or grey (the
// help's separators were black on black there).
func TestTERMLinuxDrawsNoBlackOrGrey(t *testing.T) {
	dir := t.TempDir()
	tt := startTerm(t, dir, 100, 30, "env TERM=linux "+bin+" --demo"+ttyState)
	tt.wait("What is the token for?")
	scr := tt.run("capture-pane", "-e", "-p", "-t", tt.session)
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(30|90)m`), regexp.MustCompile(`38;5;(0|8|2[3-4][0-9]|25[0-5])\b`), regexp.MustCompile(`38;2;`)} {
		if m := bad.FindString(scr); m != "" {
			t.Fatalf("black or grey on TERM=linux (%q):\n%q", m, scr)
		}
	}
	if !strings.Contains(scr, "enter") {
		t.Fatalf("no help:\n%s", scr)
	}
	tt.keys("C-c")
	restored(t, tt)
}

// NO_COLOR with any value (not only 1) leaves no colour on the screen, the
// help bar and the text inputs included.
func TestNoColorWithAnyValue(t *testing.T) {
	tt := startTerm(t, t.TempDir(), 100, 30, "env NO_COLOR=yes "+bin+" --demo"+ttyState)
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?")
	tt.keys("Enter")
	tt.wait("you: Maintainer") // a text input and the help on screen
	scr := tt.run("capture-pane", "-e", "-p", "-t", tt.session)
	if m := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-8]|9[0-7]|4[0-8]|10[0-7])(;[0-9;]*)?m`).FindString(scr); m != "" {
		t.Fatalf("a colour with NO_COLOR=yes (%q):\n%q", m, scr)
	}
	tt.keys("C-c")
	restored(t, tt)
}
