package wizard

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// Issue 16: a choice must be seen before it counts, a token is kept only
// when it is kept, and no action key acts twice.

// manualDriver is the wizard on the stand-in with a clock that moves only
// when the test says: key repeat and pastes are timed without sleeping.
func manualDriver(t *testing.T, cred string) (*driver, *fake.Server, *steps.ManualClock) {
	t.Helper()
	srv, url := startFake(t)
	c, err := gitlab.New(gitlab.Options{Host: url, Token: token.Secret(cred)})
	if err != nil {
		t.Fatal(err)
	}
	clock := steps.NewManualClock(time.Now())
	m := New(context.Background(), Options{API: c, Demo: true, Request: token.Request{Preset: "jira-read"}, SaveDir: t.TempDir(), Clock: clock})
	d := &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	return d, srv, clock
}

// wait lets time pass, delivering the timers that fire.
func (d *driver) wait(clock *steps.ManualClock, dt time.Duration) {
	for _, msg := range clock.Advance(dt) {
		d.send(msg)
	}
}

// Enter held down from the first step (a key repeat every 33 ms) walks up
// to the review but never through it; once the key is let go and the
// keyboard has rested, a deliberate enter creates exactly one token.
func TestHeldEnterNeverCreatesADeliberateOneDoes(t *testing.T) {
	d, srv, clock := manualDriver(t, fake.MaintainerToken)
	for i := 0; i < 60; i++ {
		d.key("enter")
		d.wait(clock, 33*time.Millisecond)
	}
	scr := d.screen()
	if !strings.Contains(scr, "Review: nothing has been sent yet") || !strings.Contains(scr, "Look first, then press enter") ||
		!strings.Contains(scr, "enter look first, then press enter") {
		t.Fatalf("after a held enter:\n%s", scr)
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("a held enter created %d tokens", n)
	}
	d.wait(clock, steps.Quiet)
	if scr := d.screen(); !strings.Contains(scr, "enter create") {
		t.Fatalf("the review does not offer enter after a rest:\n%s", scr)
	}
	d.key("enter")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 || !strings.Contains(d.screen(), "Your new token") {
		t.Fatalf("a deliberate enter: %d creates\n%s", n, d.screen())
	}
}

// At a ready review, an enter right after a paste (the returns that end a
// pasted text) or marked as a key repeat does not count.
func TestPastesAndRepeatsAtTheReviewDoNotCount(t *testing.T) {
	d, srv, clock := manualDriver(t, fake.MaintainerToken)
	for i := 0; i < 7; i++ {
		d.key("enter")
		d.wait(clock, time.Second) // a person reading each step
	}
	d.wait(clock, steps.Quiet)
	d.send(tea.PasteMsg{Content: "Jira integration\r\r"})
	d.key("enter")
	d.send(tea.KeyPressMsg{Code: tea.KeyEnter, IsRepeat: true})
	d.wait(clock, steps.Quiet)
	d.send(tea.KeyPressMsg{Code: tea.KeyEnter, IsRepeat: true})
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("%d creates from a paste's returns or a repeat", n)
	}
	d.wait(clock, steps.Quiet)
	d.key("enter")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("creates = %d", n)
	}
}

// After c, leaving still asks (the copy may have gone nowhere), and says to
// paste it first; after a save it does not.
func TestLeavingAfterACopyStillAsks(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	toResultScreen(t, d)
	d.key("c")
	d.key("q")
	scr := d.screen()
	if d.m.quitting || !strings.Contains(scr, "Paste it somewhere first to check the copy worked") {
		t.Fatalf("q after c:\n%s", scr)
	}
	d.key("n")
	d.key("s")
	d.key("enter")
	d.key("q")
	if !d.m.quitting {
		t.Fatalf("q after a save asked again:\n%s", d.screen())
	}
	d, _ = newDriver(t, fake.MaintainerToken)
	toResultScreen(t, d)
	d.key("c")
	d.key("q")
	d.key("y")
	want := "If the copy did not reach your clipboard, revoke it"
	if !d.m.quitting || !strings.Contains(d.m.Summary, want) || !strings.Contains(d.m.Summary, "gitlab-token-wizard revoke") {
		t.Fatalf("leaving after a copy, the summary: %q", d.m.Summary)
	}
}

// pressAll presses k n times before any answer comes back (as a held or
// hammered key does), then lets the answers in.
func (d *driver) pressAll(k string, n int) {
	var cmds []tea.Cmd
	for i := 0; i < n; i++ {
		_, cmd := d.m.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		d.send(d.run(c))
	}
}

// An action in flight or done ignores its key: a second s writes no second
// file, k and x send one DELETE each, r on a failure sends one create.
func TestRepeatedActionKeysActOnce(t *testing.T) {
	srv, url := startFake(t)
	short := srv.AddPersonalToken(2, "for the wizard", []string{"api"}, token.Today(time.Now()).AddDate(0, 0, 1).Format(token.DateLayout))
	d := driverOn(t, url, short)
	toResultScreen(t, d)
	for i := 0; i < 10; i++ {
		d.key("s")
		d.key("enter")
	}
	if files, _ := filepath.Glob(filepath.Join(d.m.opts.SaveDir, "gitlab-token-*")); len(files) != 1 {
		t.Fatalf("s, enter ×10 wrote %v", files)
	}
	d.pressAll("k", 4)
	if n := srv.CountRequests("DELETE", "/personal_access_tokens/self"); n != 1 || strings.Contains(d.screen(), "Could not revoke") {
		t.Fatalf("k ×4 sent %d revokes:\n%s", n, d.screen())
	}

	// x: the orphan of a lost answer revoked once.
	d, srv = newDriver(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	d.pressAll("x", 5)
	if n := srv.CountRequests("DELETE", "/access_tokens/7"); n != 1 || strings.Contains(d.screen(), "Revoke failed") {
		t.Fatalf("x ×5 sent %d revokes:\n%s", n, d.screen())
	}

	// r: a retry after a lost answer creates once, however often r is pressed.
	srv, url = startFake(t)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 503, Times: 1})
	c, err := gitlab.New(gitlab.Options{Host: url, Token: fake.MaintainerToken, OrphanWindow: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	d = &driver{t: t, m: New(context.Background(), Options{API: c, Request: token.Request{Preset: "jira-read"}, Clock: steps.InstantClock(time.Now)})}
	d.send(d.run(d.m.Init()))
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	if !strings.Contains(strings.Join(strings.Fields(d.screen()), " "), "Press r to look once more") {
		t.Fatalf("no retry offered:\n%s", d.screen())
	}
	d.pressAll("r", 3)
	if n := srv.CountRequests("POST", "/access_tokens"); n != 2 || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("r ×3 after one lost answer: %d creates in all, %d tokens", n, len(srv.Tokens("project:100")))
	}
}

// ctrl+o opens one browser however long it is held: the next waits for the first.
func TestHeldCtrlOOpensOneBrowser(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	toGuide(t, d)
	opened := 0
	d.m.opts.OpenURL = func(string) bool { opened++; return true }
	before := opened
	var cmds []tea.Cmd
	for i := 0; i < 5; i++ {
		_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		d.send(d.run(c))
	}
	if opened-before != 1 {
		t.Fatalf("ctrl+o ×5 opened %d browsers", opened-before)
	}
}

// Two esc presses that arrive together are read as alt+esc: it goes back
// as esc does, and no help asks for a double press.
func TestAltEscIsEsc(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.key("enter")
	d.key("enter")
	if !strings.Contains(d.screen(), "Which project?") {
		t.Fatalf("not on the project step:\n%s", d.screen())
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyEscape, Mod: tea.ModAlt})
	if scr := d.screen(); !strings.Contains(scr, "Which kind of token?") || strings.Contains(strings.ToLower(scr), "twice") {
		t.Fatalf("alt+esc on the search:\n%s", scr)
	}
}

// A paste longer than the field takes (a whole file in the credential
// field) is cut, and the screen says why; what is kept stays masked.
func TestLongPastesAreCutAndSaySo(t *testing.T) {
	m := New(context.Background(), Options{Connect: func(string, token.Secret) (API, error) { return nil, os.ErrNotExist },
		Request: token.Request{Preset: "jira-read"}, Clock: steps.InstantClock(time.Now), NoColor: true})
	d := &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	d.send(tea.PasteMsg{Content: strings.Repeat("glpat-", 2_000_000)}) // 12 MB
	si := d.m.flow.built[steps.SignIn].(*steps.SignInStep)
	flat := strings.Join(strings.Fields(d.screen()), " ")
	if n := len(si.Credential()); n != steps.MaxSecretLen || !strings.Contains(flat, "The paste was cut to 4096 characters") ||
		strings.Contains(d.screen(), "glpat-glpat") {
		t.Fatalf("credential of %d characters:\n%s", n, d.screen())
	}
	d.key("shift+tab") // the host field
	d.send(tea.PasteMsg{Content: "https://" + strings.Repeat("a", 10_000)})
	if h := d.m.flow.built[steps.SignIn].(*steps.SignInStep); !strings.Contains(strings.Join(strings.Fields(d.screen()), " "), "takes at most 2048") {
		t.Fatalf("host paste not cut:\n%s", d.screen())
	} else if _, err := h.Host(); err == nil {
		t.Log("the cut host still normalizes")
	}
}

// Text from the server shows its invisible characters escaped, so that
// two projects whose names differ only invisibly look different.
func TestServerTextShowsInvisibleCharacters(t *testing.T) {
	d := stubDriver(&stub{projects: []gitlab.Project{{ID: 1, Path: "acme/web", Role: token.RoleMaintainer},
		{ID: 2, Path: "acme/w\u200beb", Role: token.RoleMaintainer}, {ID: 3, Path: "acme/\u202egnp.exe", Role: token.RoleMaintainer}}}, 100, 30)
	d.key("enter")
	d.key("enter")
	scr := d.screen()
	for _, want := range []string{"acme/w<U+200B>eb", "acme/<U+202E>gnp.exe"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("no %q:\n%s", want, scr)
		}
	}
	if strings.ContainsRune(scr, 0x202E) || strings.ContainsRune(scr, 0x200B) {
		t.Fatal("an invisible character reached the screen")
	}
}

// Cells, not characters: wide, combining and zero-width names keep the
// search's columns aligned; the token's frame is whole at any width.
func TestCellsEverywhere(t *testing.T) {
	names := []string{"acme/web", "acme/日本語のプロジェクト", "acme/ｆｕｌｌｗｉｄｔｈ", "acme/cafe\u0301s"}
	var ps []gitlab.Project
	for i, n := range names {
		ps = append(ps, gitlab.Project{ID: int64(i + 1), Path: n, Role: token.RoleMaintainer})
	}
	d := stubDriver(&stub{projects: ps}, 100, 30)
	d.key("enter")
	d.key("enter")
	col := -1
	for _, l := range strings.Split(d.screen(), "\n") {
		if i := strings.Index(l, "you: Maintainer"); i >= 0 {
			w := ansi.StringWidth(l[:i])
			if col >= 0 && w != col {
				t.Fatalf("the detail column moves (%d, %d cells):\n%s", col, w, d.screen())
			}
			col = w
		}
	}
	if col < 0 {
		t.Fatalf("no results:\n%s", d.screen())
	}
	st := steps.NewStyles(true, false)
	long := strings.Repeat("x", 60)
	for _, width := range []int{20, 30, 40, 41, 80} {
		box := tokenBox(&st, long, width)
		for _, l := range strings.Split(box, "\n") {
			if plain := ansi.Strip(l); plain != long && ansi.StringWidth(plain) > width {
				t.Fatalf("at %d columns a frame line is %d wide:\n%s", width, ansi.StringWidth(plain), box)
			}
		}
		if !strings.Contains(box, long) {
			t.Fatalf("at %d columns the value was broken:\n%s", width, box)
		}
	}
}

// slowSignIn is a GitLab whose pre-flight answers only when cancelled.
type slowSignIn struct{ stub }

func (s *slowSignIn) Preflight(ctx context.Context) (gitlab.Preflight, error) {
	<-ctx.Done()
	return gitlab.Preflight{}, ctx.Err()
}

// Ctrl+C while the sign-in is being checked (a server that never answers)
// cancels the lookup and ends the run at once: lookups change nothing.
func TestCtrlCCancelsTheSignInLookup(t *testing.T) {
	m := New(context.Background(), Options{Connect: func(string, token.Secret) (API, error) { return &slowSignIn{}, nil },
		Host: "https://gitlab.example.com", Request: token.Request{Preset: "jira-read"}, Clock: steps.InstantClock(time.Now), NoColor: true})
	d := &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	d.send(tea.PasteMsg{Content: "glpat-0123456789abcdefghij"})
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	_, cmd = d.m.Update(d.run(cmd)) // the sign-in's Done: the lookup starts
	if d.m.state != stateBusy {
		t.Fatalf("no lookup in flight: %v\n%s", d.m.state, d.screen())
	}
	d.key("ctrl+c")
	if !d.m.quitting || !strings.Contains(d.m.Summary, "nothing was sent") {
		t.Fatalf("ctrl+c during the sign-in: quitting=%v summary=%q", d.m.quitting, d.m.Summary)
	}
	done := make(chan struct{})
	go func() {
		for _, msg := range messages(cmd) {
			d.m.Update(msg)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled lookup never ended")
	}
}

// Review finding 6: a cut paste says the field's own reason (a host is not
// a token), and the note is on screen where the paste went — at 80x24 the
// guided step's field is at the foot of a long screen, its note below it.
func TestAPasteCutSaysTheFieldsReasonInView(t *testing.T) {
	m := New(context.Background(), Options{Connect: func(string, token.Secret) (API, error) { return nil, os.ErrNotExist },
		Request: token.Request{Preset: "jira-read"}, Clock: steps.InstantClock(time.Now), NoColor: true})
	d := &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.key("shift+tab") // the host field
	d.send(tea.PasteMsg{Content: "https://" + strings.Repeat("a", 100_000)})
	flat := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(flat, "takes at most 2048 (a GitLab address is rarely longer than 100 characters, so a longer paste is not one address)") ||
		strings.Contains(flat, "token") && strings.Contains(flat, "not one token") {
		t.Fatalf("host paste note:\n%s", d.screen())
	}

	g, _ := newDriver(t, fake.MaintainerToken)
	g.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	toGuide(t, g)
	g.send(tea.PasteMsg{Content: strings.Repeat("x", 100_000)})
	flat = strings.Join(strings.Fields(g.screen()), " ")
	if !strings.Contains(flat, "The paste was cut to 4096 characters: this field takes at most 4096 (a GitLab token is about 50 characters, so a longer paste is not one token). Check what you copied.") {
		t.Fatalf("the guided paste's note is not on screen at 80x24:\n%s", g.screen())
	}
	if !strings.Contains(g.screen(), "New token: ") {
		t.Fatalf("the field the note is about scrolled away:\n%s", g.screen())
	}
}

// Review finding 4: k sent one revoke but said nothing while it was in
// flight, and a later k was dropped without a word (the key disabled and
// hidden). k now says it is revoking; pressed again it says the request is
// under way, then that the token is already revoked, and the help names
// where it stands. The orphan's x on a failure does the same.
func TestARepeatedActionKeySaysWhereItStands(t *testing.T) {
	srv, url := startFake(t)
	short := srv.AddPersonalToken(2, "for the wizard", []string{"api"}, token.Today(time.Now()).AddDate(0, 0, 1).Format(token.DateLayout))
	d := driverOn(t, url, short)
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	toResultScreen(t, d)
	_, revoke := d.m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"}) // its answer held back
	if scr := d.screen(); !strings.Contains(scr, "Revoking the token you signed in with…") || !strings.Contains(scr, "k revoking your sign-in token…") {
		t.Fatalf("k in flight:\n%s", scr)
	}
	_, again := d.m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
	if again != nil || !strings.Contains(d.screen(), "Already revoking the token you signed in with") {
		t.Fatalf("a second k in flight (sent %v):\n%s", again != nil, d.screen())
	}
	d.send(d.run(revoke))
	d.key("k")
	if scr := d.screen(); !strings.Contains(scr, "already revoked: nothing more to do") || !strings.Contains(scr, "k sign-in token revoked") {
		t.Fatalf("k once revoked:\n%s", scr)
	}
	if n := srv.CountRequests("DELETE", "/personal_access_tokens/self"); n != 1 {
		t.Fatalf("%d revokes", n)
	}

	d, srv = newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	_, revoke = d.m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	d.key("x")
	if scr := d.screen(); !strings.Contains(scr, "Already revoking the orphaned token") || !strings.Contains(scr, "x revoking the orphan…") {
		t.Fatalf("a second x in flight:\n%s", scr)
	}
	d.send(d.run(revoke))
	d.key("x")
	if scr := d.screen(); !strings.Contains(scr, "The orphaned token is already revoked") || !strings.Contains(scr, "x orphan revoked") ||
		strings.Contains(scr, "Press x to revoke") {
		t.Fatalf("x once revoked:\n%s", scr)
	}
	if n := srv.CountRequests("DELETE", "/access_tokens/7"); n != 1 {
		t.Fatalf("%d revokes of the orphan", n)
	}
}
