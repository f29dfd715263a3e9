package wizard

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// driver runs the model synchronously: it executes commands and feeds their
// messages back, leaving out spinner ticks (which would loop forever). No
// command waits: cursors do not blink, and the clock is instant, so a
// debounce fires at once; a request to the stand-in is answered before the
// command returns.
type driver struct {
	t testing.TB
	m *Model
}

func (d *driver) send(msg tea.Msg) {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		msg, queue = queue[0], queue[1:]
		switch msg := msg.(type) {
		case nil, spinner.TickMsg:
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				queue = append(queue, d.run(c))
			}
			continue
		}
		_, cmd := d.m.Update(msg)
		queue = append(queue, d.run(cmd))
	}
}

func (d *driver) run(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}

func (d *driver) key(k string) {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		msg = tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+c":
		msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "up":
		msg = tea.KeyPressMsg{Code: tea.KeyUp}
	case "tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "pgdown":
		msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "end":
		msg = tea.KeyPressMsg{Code: tea.KeyEnd}
	case "backspace":
		msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
	default:
		msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
	}
	d.send(msg)
}

func (d *driver) screen() string { return ansi.Strip(d.m.View().Content) }

func newDriver(t testing.TB, cred string) (*driver, *fake.Server) {
	t.Helper()
	srv, url := startFake(t)
	return driverOn(t, url, cred), srv
}

// driverOn starts the wizard against a running stand-in, signed in with cred.
func driverOn(t testing.TB, base, cred string) *driver {
	t.Helper()
	// The demo stand-in models GitLab.com's plans (widgets is on Free).
	c, err := gitlab.New(gitlab.Options{Host: base, Token: token.Secret(cred), GitLabCom: true})
	if err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), Options{API: c, Demo: true, Request: token.Request{Preset: "jira-read"}, SaveDir: t.TempDir(),
		Clock: steps.InstantClock(time.Now)})
	d := &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	return d
}

func TestRecommendedPathWithDoubleEnter(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	if !strings.Contains(d.screen(), "What is the token for?") || !strings.Contains(d.screen(), "DEMO") {
		t.Fatalf("first screen:\n%s", d.screen())
	}
	for i := 0; i < 7; i++ {
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Review: nothing has been sent yet") || !strings.Contains(d.screen(), "PRIVATE-TOKEN: $GITLAB_TOKEN") {
		t.Fatalf("review:\n%s", d.screen())
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("%d creates before the review", n)
	}
	// Two quick Enters: the second arrives while the model is creating or showing the result.
	_, c1 := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	_, c2 := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	d.send(d.run(c1))
	d.send(d.run(c2))
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("creates = %d", n)
	}
	nt, _ := d.m.Result()
	scr := d.screen()
	if nt == nil || strings.Contains(scr, nt.Value.Reveal()) || !strings.Contains(scr, "glpat-••••") {
		t.Fatalf("token not masked:\n%s", scr)
	}
	if strings.Count(d.screen(), "PASS") != 4 {
		t.Fatalf("verification:\n%s", d.screen())
	}
	d.key("v")
	if !strings.Contains(d.screen(), nt.Value.Reveal()) {
		t.Fatal("reveal did not show the token")
	}
	d.key("q")
	if !strings.Contains(d.screen(), "Leave without keeping the token?") {
		t.Fatalf("quit without copy did not ask:\n%s", d.screen())
	}
	d.key("n")
	d.key("s")
	d.key("enter") // the proposed file
	if _, kept := d.m.Result(); !kept || !strings.Contains(d.m.noticeText(), "mode 0600") {
		t.Fatalf("save: %q", d.m.noticeText())
	}
	if strings.Contains(d.m.Summary, nt.Value.Reveal()) || !strings.Contains(d.m.Summary, "acme/web") {
		t.Fatalf("summary = %q", d.m.Summary)
	}
}

func TestBackKeepsAnswersAndCtrlCSendsNothing(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	d.key("down") // jira-write
	d.key("enter")
	d.key("enter") // kind
	d.key("enter") // project acme/web
	d.key("esc")   // back to project
	d.key("esc")   // back to kind
	d.key("esc")   // back to purpose
	if !strings.Contains(d.screen(), "> Jira integration: also create branches") {
		t.Fatalf("purpose choice lost:\n%s", d.screen())
	}
	d.key("ctrl+c")
	if !d.m.quitting || !strings.Contains(d.m.Summary, "nothing was sent") {
		t.Fatalf("ctrl+c: quitting=%v summary=%q", d.m.quitting, d.m.Summary)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

func TestRoleStepOffersOnlyGrantableRoles(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	for i := 0; i < 5; i++ {
		d.key("enter")
	}
	scr := d.screen()
	if !strings.Contains(scr, "Which role") || strings.Contains(scr, "Owner") || !strings.Contains(scr, "You are Maintainer here") {
		t.Fatalf("role step:\n%s", scr)
	}
	d.key("down")
	d.key("down")
	if !strings.Contains(d.screen(), "more than \"jira-read\" needs") {
		t.Fatalf("no warning for Maintainer:\n%s", d.screen())
	}
}

func TestCommitThen502OffersRevoke(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	// The words may wrap anywhere between them: read the screen as one line.
	if flat := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(flat, "GitLab did create token") || !strings.Contains(flat, "x revoke") {
		t.Fatalf("orphan screen:\n%s", d.screen())
	}
	d.key("x")
	if ts := srv.Tokens("project:100"); len(ts) != 1 || !ts[0].Revoked {
		t.Fatalf("orphan not revoked: %+v", ts)
	}
}

func TestJumpFromReviewComesBackToReview(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	for i := 0; i < 7; i++ {
		d.key("enter")
	}
	d.key("e") // expiry
	if !strings.Contains(d.screen(), "When should it expire?") {
		t.Fatalf("jump to expiry:\n%s", d.screen())
	}
	d.key("down") // 90 days
	d.key("enter")
	scr := d.screen()
	if !strings.Contains(scr, "Review: nothing has been sent yet") || !strings.Contains(scr, "in 90 days") {
		t.Fatalf("after changing the expiry, want the review again with 90 days:\n%s", scr)
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("%d creates", n)
	}
}

func TestInvalidRequestIsSentBackToTheStepThatFixesIt(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	for i := 0; i < 6; i++ { // purpose, kind, project, name, expiry, role
		d.key("enter")
	}
	d.m.req.Role = token.RoleOwner // as if the caller's role had dropped since the role step
	d.key("enter")                 // scopes: the request is checked before the review
	if !strings.Contains(d.screen(), "cannot grant Owner") || !strings.Contains(d.screen(), "back to the role step") {
		t.Fatalf("want a refusal naming the role step:\n%s", d.screen())
	}
	d.key("enter")
	if !strings.Contains(d.screen(), "Which role") {
		t.Fatalf("enter should open the role step:\n%s", d.screen())
	}
	d.key("enter")
	if !strings.Contains(d.screen(), "Review: nothing has been sent yet") || !strings.Contains(d.screen(), "Reporter") {
		t.Fatalf("after fixing the role, want the review:\n%s", d.screen())
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("%d creates", n)
	}
}

func TestCtrlCAtEveryStep(t *testing.T) {
	for at := 0; at <= 8; at++ {
		d, srv := newDriver(t, fake.MaintainerToken)
		for i := 0; i < at; i++ {
			d.key("enter")
		}
		where := d.m.title()
		d.key("ctrl+c")
		if at < 8 {
			// Before the create: the program ends and nothing was sent.
			if !d.m.quitting || !strings.Contains(d.m.Summary, "nothing was") {
				t.Fatalf("ctrl+c on %q: quitting=%v summary=%q", where, d.m.quitting, d.m.Summary)
			}
			for _, r := range srv.Requests() {
				if r.Method != "GET" {
					t.Fatalf("ctrl+c on %q: %s %s was sent", where, r.Method, r.Path)
				}
			}
			continue
		}
		// After the create: a warning that the token cannot be shown again, and a choice.
		if d.m.quitting || !strings.Contains(d.screen(), "GitLab will never show it again") {
			t.Fatalf("ctrl+c on the result:\n%s", d.screen())
		}
		d.key("ctrl+c") // a second ctrl+c goes back to the token, it does not lose it
		if d.m.quitting || !strings.Contains(d.screen(), "shown once") {
			t.Fatalf("second ctrl+c:\n%s", d.screen())
		}
	}
}

func TestSaveNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	save := func(v token.Secret) savedMsg {
		return saveTo(saveRequest{path: SuggestSavePath(7, dir)}, v)().(savedMsg)
	}
	first := save(token.Secret("glpat-first-value-000000"))
	second := save(token.Secret("glpat-second-value-00000"))
	if first.err != nil || second.err != nil || first.path == second.path {
		t.Fatalf("saves: %+v %+v", first, second)
	}
	for path, want := range map[string]string{first.path: "glpat-first-value-000000\n", second.path: "glpat-second-value-00000\n"} {
		b, err := os.ReadFile(path)
		st, _ := os.Stat(path)
		if err != nil || string(b) != want || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %q %v %v", path, b, st.Mode(), err)
		}
	}
	// A path that exists, typed by hand, is refused, not overwritten.
	if again := saveTo(saveRequest{path: first.path}, "glpat-third-value-000000")().(savedMsg); again.err == nil {
		t.Fatal("an existing file was written again")
	}
	if b, _ := os.ReadFile(first.path); string(b) != "glpat-first-value-000000\n" {
		t.Fatalf("overwritten: %q", b)
	}
}

func TestSamePurposeAgainKeepsTheRoleChosenSince(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	for i := 0; i < 5; i++ { // purpose, kind, project, name, expiry
		d.key("enter")
	}
	d.key("down") // Developer instead of Reporter
	d.key("enter")
	for i := 0; i < 6; i++ { // back to the purpose
		d.key("esc")
	}
	if !strings.Contains(d.screen(), "What is the token for?") {
		t.Fatalf("not on the purpose:\n%s", d.screen())
	}
	for i := 0; i < 7; i++ {
		d.key("enter")
	}
	if scr := d.screen(); !strings.Contains(scr, "Review: nothing has been sent yet") || !strings.Contains(scr, "role         Developer") {
		t.Fatalf("the role chosen since was lost:\n%s", scr)
	}
}

// onlyGETs fails when anything but a read was sent to GitLab.
func onlyGETs(t *testing.T, srv *fake.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

// toGuide walks a Maintainer (no administrator) to the guided personal path.
func toGuide(t *testing.T, d *driver) {
	t.Helper()
	d.m.opts.OpenURL = func(string) bool { return true }
	d.key("enter")
	d.key("down")
	d.key("down")
	for i := 0; i < 5; i++ { // personal, repo, name, expiry, scopes
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Create the token in GitLab") {
		t.Fatalf("not on the guide:\n%s", d.screen())
	}
}

// noticeText is the notice on screen: the screen's, or the root's for a step.
func (m *Model) noticeText() string {
	if m.state == stateScreen {
		return m.screen.Notice().text
	}
	return m.notice.text
}

// verification is the result screen's verification, nil before it arrived.
func (m *Model) verification() *gitlab.Verification {
	if r, ok := m.screen.(*result); ok {
		return r.verification
	}
	return nil
}
