package wizard

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// After the token is made, a shows what else expires where it lives, each
// finding with its command; the key is in the help bar, the list scrolls
// with a cursor on the commands, c copies the one under it, esc goes back.
func TestResultShowsWhatElseExpiresThere(t *testing.T) {
	srv, url := startFake(t)
	day := func(n int) string { return token.Today(time.Now()).AddDate(0, 0, n).Format(token.DateLayout) }
	soon := srv.AddResourceToken("project:100", fake.Token{Name: "CI deploy", Scopes: []string{"api"}, AccessLevel: 40, ExpiresAt: day(5)})
	srv.AddResourceToken("project:100", fake.Token{Name: "Backup", Scopes: []string{"read_repository"}, AccessLevel: 20, ExpiresAt: day(200)})
	srv.AddResourceToken("project:101", fake.Token{Name: "Elsewhere", Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: day(3)})
	d := driverOn(t, url, fake.MaintainerToken)
	toResultScreen(t, d)
	if scr := d.screen(); !strings.Contains(scr, "a what expires soon") {
		t.Fatalf("the audit key is not in the help bar:\n%s", scr)
	}
	d.key("a")
	// Commands are broken between their arguments to fit 80 columns (" \"
	// then an indented continuation): read them joined.
	scr := strings.ReplaceAll(d.screen(), " \\\n      ", " ")
	// A demo run's commands say --demo: the stand-in's address changes every run.
	rotate := fmt.Sprintf("gitlab-token-wizard rotate --demo --project acme/web %d -D 90d", soon)
	for _, w := range []string{"What else expires in project acme/web", "1 other token in project acme/web has expired or expires within 30 days",
		`#` + fmt.Sprint(soon) + ` "CI deploy"`, "expires in 5 days", "  > " + rotate, "broad: api scope",
		"gitlab-token-wizard audit --demo --project acme/web", "c copy the command", "esc back to the token"} {
		if !strings.Contains(scr, w) {
			t.Fatalf("audit lacks %q:\n%s", w, scr)
		}
	}
	if strings.Contains(scr, "Backup") || strings.Contains(scr, "Elsewhere") || strings.Contains(scr, "Jira integration") {
		t.Fatalf("the audit shows tokens that do not expire soon there, or the new one:\n%s", scr)
	}
	if got := copyOf(t, d, "c"); got != rotate {
		t.Fatalf("c copied %q", got)
	}
	d.key("down") // the broad finding has no command (a bare revoke would stop what uses it): on to the audit command
	if got := copyOf(t, d, "c"); got != "gitlab-token-wizard audit --demo --project acme/web" {
		t.Fatalf("c copied %q", got)
	}
	d.key("esc")
	if scr := d.screen(); !strings.Contains(scr, "Your new token — shown once") || !strings.Contains(scr, "glpat-••••") {
		t.Fatalf("esc did not go back to the token:\n%s", scr)
	}
	if n := srv.CountRequests("GET", "/projects/acme%2Fweb/access_tokens"); n == 0 {
		t.Fatal("the audit read nothing")
	}
}

// copyOf presses k and returns what it sent to the clipboard.
func copyOf(t *testing.T, d *driver, k string) string {
	t.Helper()
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
	for _, m := range messages(cmd) {
		if reflect.TypeOf(m) == reflect.TypeOf(tea.SetClipboard("")()) {
			return fmt.Sprint(m)
		}
	}
	t.Fatalf("%s copied nothing", k)
	return ""
}

// The audit is a lookup like the others: leaving it cancels it, and its
// late answer changes nothing.
func TestLeavingTheAuditCancelsIt(t *testing.T) {
	api := &stub{holdAudit: true}
	d := stubDriver(api, 80, 24)
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
	var req auditRequestMsg
	for _, m := range messages(cmd) {
		if r, ok := m.(auditRequestMsg); ok {
			req = r
		}
	}
	_, run := d.m.Update(req)
	answered := make(chan tea.Msg, 1)
	go func() { answered <- run() }()
	if scr := d.screen(); !strings.Contains(scr, "reading the tokens of project acme/web") || !strings.Contains(scr, "esc stops it") {
		t.Fatalf("audit screen:\n%s", scr)
	}
	d.key("esc")
	var late tea.Msg
	select {
	case late = <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("leaving the audit did not stop it")
	}
	if a, ok := late.(auditedMsg); !ok || !a.rep.Interrupted {
		t.Fatalf("the audit's answer: %#v", late)
	}
	d.send(late)
	if scr := d.screen(); !strings.Contains(scr, "Your new token — shown once") {
		t.Fatalf("a late answer changed the screen:\n%s", scr)
	}
	if _, ok := d.m.inflight[auditFlight]; ok {
		t.Fatal("the audit is still counted as in flight")
	}
}

// A personal token lives in no project or group: no audit key.
func TestNoAuditForAPersonalToken(t *testing.T) {
	if label, _, _ := auditOf(token.Request{Kind: token.KindPersonal, Target: "@me"}, ""); label != "" {
		t.Fatalf("label %q", label)
	}
	label, o, c := auditOf(token.Request{Kind: token.KindServiceAccount, Target: "integrations"}, "https://gitlab.com")
	if label != "group integrations" || o.Group != "integrations" || o.Project != "" || c.String() != "gitlab-token-wizard audit --group integrations" {
		t.Fatalf("service account: %q %+v %q", label, o, c)
	}
}

// auditAt80 is the audit of the group integrations over the result of a
// stub at 80x24, its command 80 columns long on one line (a line's last
// column is left free, and the cursor takes four).
func auditAt80(t *testing.T, report *gitlab.AuditReport) *driver {
	t.Helper()
	d := stubDriver(&stub{report: report}, 80, 24)
	for _, k := range enters(8) {
		d.key(k)
	}
	r, ok := d.m.screen.(*result)
	if !ok {
		t.Fatalf("not on the result:\n%s", d.screen())
	}
	r.info.auditLabel, r.info.audit, r.info.auditCommand = auditOf(token.Request{Kind: token.KindServiceAccount, Target: "integrations"}, d.m.api.BaseURL())
	r.keys.Audit.SetEnabled(true)
	d.key("a")
	return d
}

// The audit command is broken between its arguments to fit 80 columns,
// never cut at the edge: the whole group name is on screen, and c copies
// the command on one line.
func TestTheAuditCommandFitsTheWidth(t *testing.T) {
	d := auditAt80(t, nil)
	scr := d.screen()
	want := "gitlab-token-wizard audit --host https://gitlab.example.com --group integrations"
	if !strings.Contains(scr, "Nothing else in group integrations expires") || !strings.Contains(scr, "  > gitlab-token-wizard audit") {
		t.Fatalf("audit screen:\n%s", scr)
	}
	if !strings.Contains(strings.ReplaceAll(flat(scr), ` \ `, " "), want) {
		t.Fatalf("the command is not whole on screen:\n%s", scr)
	}
	var rest bool
	for _, l := range strings.Split(scr, "\n") {
		if ansi.StringWidth(l) >= 80 {
			t.Fatalf("a line of %d columns: %q", ansi.StringWidth(l), l)
		}
		rest = rest || strings.HasPrefix(l, "      --group integrations")
	}
	if !rest {
		t.Fatalf("the continued line is not indented under the command:\n%s", scr)
	}
	if got := copyOf(t, d, "c"); got != want {
		t.Fatalf("c copied %q", got)
	}
}

// ↑ and ↓ move between commands: offered only when there is more than
// one, so that the help never names keys that do nothing.
func TestAuditOffersUpAndDownOnlyForSeveralCommands(t *testing.T) {
	d := auditAt80(t, nil)
	if scr := d.screen(); strings.Contains(scr, "previous command") || strings.Contains(scr, "next command") || !strings.Contains(scr, "c copy the command") {
		t.Fatalf("one command, yet ↑/↓ offered:\n%s", scr)
	}
	soon := token.Found{Where: token.Place{Kind: token.KindGroup, Path: "integrations"}, ID: 9, Name: "CI", Scopes: []string{"read_api"},
		Role: token.RoleReporter, ExpiresAt: goldenNow.AddDate(0, 0, 5), Active: true}
	d = auditAt80(t, &gitlab.AuditReport{Tokens: []token.Found{soon}})
	scr := d.screen()
	if !strings.Contains(scr, "↑ previous command") || !strings.Contains(scr, "↓ next command") {
		t.Fatalf("several commands, no ↑/↓:\n%s", scr)
	}
	first := copyOf(t, d, "c")
	d.key("down")
	if got := copyOf(t, d, "c"); got == first {
		t.Fatalf("↓ did not move to the next command: %q", got)
	}
}

// An audit that could not read everything says so under its verdict:
// "nothing else expires" alone would be a false comfort.
func TestAuditScreenSaysWhatItCouldNotRead(t *testing.T) {
	srv, url := startFake(t)
	d := driverOn(t, url, fake.MaintainerToken)
	toResultScreen(t, d)
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Status: 400, Body: `{"message":"400 Bad request"}`})
	d.key("a")
	scr := flat(d.screen())
	if !strings.Contains(scr, "Incomplete: GitLab failed to list the tokens of 1 place there; the audit command at the end names them.") {
		t.Fatalf("audit:\n%s", d.screen())
	}
}
