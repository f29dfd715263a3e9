// Package e2e drives the real binary in tmux, as a person would: keys by
// send-keys, the screen read by capture-pane. It needs tmux (.ci/run installs
// it and sets E2E_REQUIRED=1); without tmux the terminal tests skip.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

func tmux(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

var tokenRE = regexp.MustCompile(`glpat-[A-Za-z0-9_-]{20}`)

// bin is the binary under test, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gtw-e2e")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "gitlab-token-wizard")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTmux skips the test when tmux is missing, so that `go test ./...`
// passes on a machine with only Go; with E2E_REQUIRED=1 (as .ci/run sets)
// a missing tmux fails it instead.
func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		msg := "tmux is not installed, so the end-to-end test cannot drive a terminal: apt-get install -y tmux (.ci/run does this)"
		if os.Getenv("E2E_REQUIRED") == "1" {
			t.Fatal(msg + "; E2E_REQUIRED=1 makes this a failure")
		}
		t.Skip(msg + "; set E2E_REQUIRED=1 to make this a failure")
	}
}

// term is one tmux session running a command line, in its own tmux server.
type term struct {
	t       *testing.T
	socket  string
	session string
	dir     string
}

// startTerm runs command in a new tmux session of width x height in dir.
func startTerm(t *testing.T, dir string, width, height int, command string) *term {
	t.Helper()
	requireTmux(t)
	tt := &term{t: t, socket: filepath.Join(dir, "tmux.sock"), session: "e2e", dir: dir}
	tt.run("new-session", "-d", "-s", tt.session, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-c", dir, command)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", tt.socket, "kill-server").Run() })
	return tt
}

func (tt *term) run(args ...string) string {
	return tmux(tt.t, append([]string{"-S", tt.socket}, args...)...)
}
func (tt *term) keys(k ...string)        { tt.run(append([]string{"send-keys", "-t", tt.session}, k...)...) }
func (tt *term) wait(want string) string { return waitForS(tt.t, tt.socket, tt.session, want) }

// paste pastes s as a terminal paste (bracketed), as a person pasting a token does.
func (tt *term) paste(s string) {
	tt.run("set-buffer", "-b", "e2e", s)
	tt.run("paste-buffer", "-p", "-b", "e2e", "-t", tt.session)
}

func TestWizardInTmux(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "debug.log")
	tt := startTerm(t, dir, 100, 34, "env NO_COLOR=1 "+bin+" --demo --debug "+logPath+"; echo EXIT=$?; sleep 30")
	tm, wait := tt.run, tt.wait
	session := tt.session

	wait("What is the token for?")
	steps := []string{"Which kind of token?", "Which project?", "Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"}
	for _, next := range steps {
		tm("send-keys", "-t", session, "Enter")
		wait(next)
		if next == "Which project?" {
			wait("you: Maintainer") // the search results, before Enter picks the first
		}
	}
	wait("enter create") // the review takes enter once the keyboard has rested
	tm("send-keys", "-t", session, "Enter")
	screen := wait("reads the latest commit of acme/web")
	if tokenRE.MatchString(screen) || !strings.Contains(screen, "glpat-••••") {
		t.Fatalf("token visible before reveal:\n%s", screen)
	}
	tm("send-keys", "-t", session, "v")
	screen = wait("v hides it")
	tok := tokenRE.FindString(screen)
	if tok == "" {
		t.Fatalf("reveal showed no token:\n%s", screen)
	}
	tm("send-keys", "-t", session, "s")
	wait("mode 0600")
	wait("enter save")                      // keys count once the keyboard has rested
	tm("send-keys", "-t", session, "Enter") // the proposed file, in this (non-git) folder
	wait("Saved to")
	tm("send-keys", "-t", session, "q")
	wait("EXIT=0")
	all := tm("capture-pane", "-p", "-S", "-1000", "-t", session)
	if strings.Contains(all, tok) {
		t.Fatalf("the token is in the scrollback after exit:\n%s", all)
	}
	if !strings.Contains(all, "Created project access token") {
		t.Fatalf("no summary line after exit:\n%s", all)
	}
	saved, err := filepath.Glob(filepath.Join(dir, "gitlab-token-*.txt"))
	if err != nil || len(saved) != 1 {
		t.Fatalf("saved files: %v %v", saved, err)
	}
	st, _ := os.Stat(saved[0])
	b, _ := os.ReadFile(saved[0])
	if st.Mode().Perm() != 0o600 || strings.TrimSpace(string(b)) != tok {
		t.Fatalf("saved file mode %v content %q", st.Mode(), b)
	}
	// The debug log of the whole run: private, and without either secret.
	st, _ = os.Stat(logPath)
	log, _ := os.ReadFile(logPath)
	if st == nil || st.Mode().Perm() != 0o600 || !strings.Contains(string(log), "/access_tokens") {
		t.Fatalf("debug log: %v\n%s", st, log)
	}
	if strings.Contains(string(log), tok) || strings.Contains(string(log), fake.MaintainerToken) {
		t.Fatal("a secret is in the debug log")
	}
}

func waitForS(t *testing.T, socket, session, want string) string {
	t.Helper()
	var screen string
	for i := 0; i < 300; i++ {
		out, _ := exec.Command("tmux", "-S", socket, "capture-pane", "-p", "-t", session).CombinedOutput()
		screen = string(out)
		if strings.Contains(screen, want) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("screen never showed %q:\n%s", want, screen)
	return ""
}

func TestNoTTYPointsAtCreate(t *testing.T) {
	cmd := exec.Command("go", "run", "..", "--demo")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "create --project") {
		t.Fatalf("no-TTY run: %v\n%s", err, out)
	}
}
