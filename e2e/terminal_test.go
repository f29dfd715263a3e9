package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ttyState is appended to the command line: after the program ends it prints
// whether the terminal is back in its normal mode (echo and canonical input).
const ttyState = `; echo EXIT=$?; echo TTY=$(stty -a | tr ' ;' '\n\n' | grep -x -e echo -e icanon -e -echo -e -icanon | tr '\n' ' '); sleep 30`

// toResult walks the recommended path and creates the token.
func toResult(tt *term) {
	tt.wait("What is the token for?")
	for _, next := range []string{"Which kind of token?", "Which project?", "you: Maintainer", "Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
		if next != "you: Maintainer" {
			tt.keys("Enter")
		}
		tt.wait(next)
	}
	tt.wait("enter create") // offered once the keyboard has rested on the review
	tt.keys("Enter")
	tt.wait("reads the latest commit")
}

func restored(t *testing.T, tt *term) string {
	t.Helper()
	tt.wait("TTY=")
	all := tt.run("capture-pane", "-p", "-J", "-S", "-1000", "-t", tt.session)
	if !strings.Contains(all, "TTY=echo icanon") && !strings.Contains(all, "TTY=icanon echo") {
		t.Fatalf("the terminal was not restored:\n%s", all)
	}
	if alt := strings.TrimSpace(tt.run("display-message", "-p", "-t", tt.session, "#{alternate_on}")); alt != "0" {
		t.Fatalf("still in the alternate screen (%s)", alt)
	}
	return all
}

func TestSIGTERMOnTheResultScreen(t *testing.T) {
	dir := t.TempDir()
	tt := startTerm(t, dir, 100, 34, "env NO_COLOR=1 "+bin+" --demo"+ttyState)
	toResult(tt)
	tt.keys("v")
	screen := tt.wait("v hides it")
	tok := tokenRE.FindString(screen)
	out, err := exec.Command("pkill", "-TERM", "-f", "^"+bin+" --demo$").CombinedOutput()
	if err != nil {
		t.Fatalf("pkill: %v %s", err, out)
	}
	all := restored(t, tt)
	if tok == "" || strings.Contains(all, tok) {
		t.Fatalf("token %q in the scrollback after SIGTERM:\n%s", tok, all)
	}
	if !strings.Contains(all, "was created but not copied or saved; it cannot be shown again") || !strings.Contains(all, "EXIT=130") {
		t.Fatalf("no warning about the lost token:\n%s", all)
	}
}

func TestPanicRestoresTheTerminalAndPrintsNoSecret(t *testing.T) {
	dir := t.TempDir()
	crashBin := filepath.Join(dir, "gitlab-token-wizard-crash")
	if out, err := exec.Command("go", "build", "-ldflags", "-X gitlab-token-wizard/wizard.crashOn=s", "-o", crashBin, "..").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tt := startTerm(t, dir, 100, 34, "env NO_COLOR=1 "+crashBin+" --demo"+ttyState)
	toResult(tt)
	tt.keys("v")
	tok := tokenRE.FindString(tt.wait("v hides it"))
	tt.keys("s") // the deliberate panic
	all := restored(t, tt)
	if tok == "" || strings.Contains(all, tok) {
		t.Fatalf("token %q after the panic:\n%s", tok, all)
	}
	for _, want := range []string{"deliberate panic", "the wizard crashed", "was created but not copied or saved", "EXIT=1"} {
		if !strings.Contains(all, want) {
			t.Fatalf("after the panic, no %q:\n%s", want, all)
		}
	}
	if saved, _ := filepath.Glob(filepath.Join(dir, "gitlab-token-*.txt")); len(saved) != 0 {
		t.Fatalf("saved despite the panic: %v", saved)
	}
}

// TestDumbTerminal: a terminal that cannot draw a screen gets the questions one
// per line (huh's accessible mode), without a single escape sequence, and the
// token goes to a 0600 file, never onto the screen.
func TestDumbTerminal(t *testing.T) {
	dir := t.TempDir()
	tt := startTerm(t, dir, 100, 50, "env TERM=dumb "+bin+" --demo; echo EXIT=$?; sleep 30")
	steps := []struct{ wait, answer string }{
		{"What is the token for?", ""}, {"Which kind of token?", ""}, {"Search for the project", "web"},
		{"Which project?", ""}, {"Token name", ""}, {"Description", ""}, {"When should it expire?", ""}, {"Which role?", ""},
		{"Which scopes?", "0"}, {"Create this token now?", "y"}, {"Where should the token go?", ""}, {"File name", ""},
	}
	for _, s := range steps {
		tt.wait(s.wait)
		if s.answer != "" {
			tt.keys("-l", s.answer)
		}
		tt.keys("Enter")
	}
	tt.wait("EXIT=0")
	all := tt.run("capture-pane", "-e", "-p", "-J", "-S", "-1000", "-t", tt.session)
	if strings.Contains(all, "\x1b") {
		t.Fatalf("escape sequences on a dumb terminal:\n%q", all)
	}
	for _, want := range []string{"PASS  reads the latest commit of acme/web", "Saved to gitlab-token-7.txt (mode 0600)"} {
		if !strings.Contains(all, want) {
			t.Fatalf("no %q:\n%s", want, all)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "gitlab-token-7.txt"))
	st, _ := os.Stat(filepath.Join(dir, "gitlab-token-7.txt"))
	if err != nil || st.Mode().Perm() != 0o600 || strings.Contains(all, strings.TrimSpace(string(b))) {
		t.Fatalf("saved file %q %v, or the token is on the screen", b, err)
	}
}

func TestResizeMidStep(t *testing.T) {
	dir := t.TempDir()
	tt := startTerm(t, dir, 80, 24, "env NO_COLOR=1 "+bin+" --demo"+ttyState)
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?")
	for _, size := range [][2]string{{"40", "12"}, {"200", "60"}, {"80", "24"}} {
		tt.run("resize-window", "-t", tt.session, "-x", size[0], "-y", size[1])
		time.Sleep(300 * time.Millisecond)
		screen := tt.run("capture-pane", "-p", "-t", tt.session)
		if !strings.Contains(screen, "enter") || !strings.Contains(screen, "> project") {
			t.Fatalf("at %sx%s the keys or the selection are gone:\n%s", size[0], size[1], screen)
		}
	}
	tt.keys("Enter")
	tt.wait("Which project?")
	tt.keys("C-c")
	all := restored(t, tt)
	if !strings.Contains(all, "nothing was sent") {
		t.Fatalf("after ctrl+c:\n%s", all)
	}
}
