package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// waitGone waits until the screen no longer shows gone, and returns it.
func (tt *term) waitGone(gone string) string {
	tt.t.Helper()
	var screen string
	for i := 0; i < 300; i++ {
		out, _ := exec.Command("tmux", "-S", tt.socket, "capture-pane", "-p", "-t", tt.session).CombinedOutput()
		if screen = string(out); !strings.Contains(screen, gone) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	tt.t.Fatalf("the screen still shows %q:\n%s", gone, screen)
	return ""
}

// In tmux, the wizard path to a service-account token on --demo: alice
// owns the group integrations and maintains acme/web. The review lists
// every write — the account, its membership, the token — before enter
// sends them; the result shows the account, the membership and the token,
// masked, verified; a shows what else expires in the group.
func TestServiceAccountWizardInTmux(t *testing.T) {
	dir := t.TempDir()
	tt := startTerm(t, dir, 100, 40, "env NO_COLOR=1 "+bin+" --demo; echo EXIT=$?; sleep 30")
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("service account (recommended for more than one project)")
	tt.keys("Down", "Down", "Down", "Enter")
	tt.wait("Which group owns the service account?")
	tt.wait("you: Owner")
	tt.keys("integrations")
	tt.waitGone("widgets")
	tt.wait("> integrations")
	tt.keys("Enter")
	tt.wait("Which service account?")
	tt.wait("integrations has no service account yet")
	tt.keys("Enter")
	tt.wait("Create a service account")
	tt.keys("Tab", "Tab", "jira-admins@example.com")
	tt.waitGone("without an email")
	tt.keys("Enter")
	tt.wait("Where does the service account get access?")
	tt.keys("web")
	tt.waitGone("acme/platform/api")
	tt.wait("[ ] project acme/web")
	// One key at a time, each seen on screen: a row acts only once it is
	// on screen under the cursor (a Tab that arrives before the Down's
	// redraw only brings the row into view).
	tt.keys("Down")
	tt.wait("> [ ] project acme/web")
	tt.keys("Tab")
	tt.wait("Ticked: project acme/web")
	tt.keys("Enter")
	for _, next := range []string{"Name the token", "When should it expire?", "Which role?", "Which scopes?", "Review: nothing has been sent yet"} {
		tt.wait(next)
		tt.keys("Enter")
	}
	screen := tt.wait("enter create") // the review takes enter once the keyboard has rested
	for _, w := range []string{"account      @jira-integration — new: created by this run", "email        jira-admins@example.com",
		"access       Reporter on project acme/web", "Enter sends these 3 writes, in order, each once",
		"1. create the service account @jira-integration in integrations", "2. give it Reporter on project acme/web",
		`3. create its token "Jira integration" (read_api`, "--service-account jira-integration", "# the service account"} {
		if !strings.Contains(screen, w) {
			t.Fatalf("the review lacks %q:\n%s", w, screen)
		}
	}
	tt.keys("Enter")
	screen = tt.wait("PASS  acts as a user: @jira-integration")
	if tokenRE.MatchString(screen) || !strings.Contains(screen, "glpat-••••") {
		t.Fatalf("token visible before reveal:\n%s", screen)
	}
	for _, w := range []string{"Its service account", "Service account @jira-integration", "created by this run", "project acme/web: Reporter",
		"reads the latest commit of acme/web", "a what expires soon"} {
		if !strings.Contains(screen, w) {
			t.Fatalf("the result lacks %q:\n%s", w, screen)
		}
	}
	tt.keys("a")
	tt.wait("What else expires in group integrations")
	tt.wait("Nothing else in group integrations expires within 30 days")
	tt.keys("Escape")
	tt.wait("Your new token — shown once")
	tt.keys("s")
	tt.wait("mode 0600")
	tt.wait("enter save") // keys count once the keyboard has rested
	tt.keys("Enter")
	tt.wait("Saved to")
	tt.keys("q")
	all := strings.ReplaceAll(tt.wait("EXIT=0"), "\n", "") // the shell wraps what is printed after exit
	if !strings.Contains(all, "Created service-account token") || !strings.Contains(all, "--group integrations --service-account jira-integration") {
		t.Fatalf("no summary after exit:\n%s", all)
	}
}
