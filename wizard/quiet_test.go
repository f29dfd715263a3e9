package wizard

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// Report 12-16-b #1: enters pressed every 200 ms while "Creating…" runs
// must not dismiss the screen saying a token was made and its value lost;
// the review after it says what this run made, counts it among the tokens
// of that name, and does not say that nothing was sent.
func TestEntersDuringTheCreateDoNotDismissTheOrphanScreen(t *testing.T) {
	d, srv, clock := manualDriver(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenReset, Times: 1})
	for i := 0; i < 7; i++ {
		d.key("enter")
		d.wait(clock, time.Second)
	}
	d.key("enter") // the deliberate create; its failure screen appears at once
	flat := func() string { return strings.Join(strings.Fields(d.screen()), " ") }
	if !strings.Contains(flat(), "GitLab did create token") {
		t.Fatalf("no orphan screen:\n%s", d.screen())
	}
	for i := 0; i < 5; i++ { // the enters that kept coming
		d.key("enter")
		d.wait(clock, 200*time.Millisecond)
	}
	if !strings.Contains(flat(), "GitLab did create token") || !strings.Contains(flat(), "Look first, then press a key") {
		t.Fatalf("the orphan screen was dismissed by keys pressed before it could be read:\n%s", d.screen())
	}
	d.wait(clock, steps.Quiet)
	d.key("enter") // read, then go back: to the review
	scr := flat()
	if strings.Contains(scr, "nothing has been sent yet") || strings.Contains(scr, "Nothing was sent yet") ||
		!strings.Contains(scr, "this run already made") || !strings.Contains(scr, "whose value was lost: still active") ||
		!strings.Contains(scr, "revoke") {
		t.Fatalf("the review after an orphan:\n%s", d.screen())
	}
	if !strings.Contains(d.screen(), "gitlab-token-wizard revoke --demo --project acme/web 7") {
		t.Fatalf("the orphan's revoke command is not whole on one line:\n%s", d.screen())
	}
	if !strings.Contains(scr, "already has 1 active token(s) named") {
		t.Fatalf("no same-name warning for the orphan:\n%s", d.screen())
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("%d creates", n)
	}
}

// Report 12-16-b #2: leaving after a failed write names what the run made
// — the service account with its id, an orphan token with its revoke
// command — from the record of writes, never "nothing was created".
func TestLeavingAfterAFailureNamesWhatWasMade(t *testing.T) {
	t.Run("service account", func(t *testing.T) {
		d, srv := accountDriver(t)
		srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/members", Kind: fake.FaultStatus, Status: 500, Times: 1})
		toAccountStep(t, d)
		d.key("enter")
		d.key("enter")
		toAccountReview(t, d)
		d.key("enter")
		d.key("enter") // leave the failure screen
		if strings.Contains(d.screen(), "nothing has been sent yet") {
			t.Fatalf("after the account was made:\n%s", d.screen())
		}
		d.key("ctrl+c")
		s := d.m.Summary
		if srv.CountRequests("POST", "/service_accounts") != 1 || strings.Contains(s, "nothing was created") ||
			!strings.Contains(s, "Service account @") || !strings.Contains(s, "(id ") || !strings.Contains(s, "created by this run") {
			t.Fatalf("summary on leaving: %q", s)
		}
	})
	t.Run("orphan token", func(t *testing.T) {
		d, srv := newDriver(t, fake.MaintainerToken)
		srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
		for i := 0; i < 8; i++ {
			d.key("enter")
		}
		d.key("enter") // back to the review, the orphan not revoked
		d.key("ctrl+c")
		s := d.m.Summary
		if strings.Contains(s, "nothing was created") || !strings.Contains(s, "Token 7") || !strings.Contains(s, "still active") ||
			!strings.Contains(s, "revoke") {
			t.Fatalf("summary on leaving: %q", s)
		}
	})
}

// Report 12-16-b #3: after pgdn has scrolled the cursor's row out of view,
// space does not tick it unseen: it brings the row back and says so; only
// a second press acts, on a row the user sees.
func TestARowOffScreenIsShownBeforeItIsActedOn(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	for i := 0; i < 6; i++ {
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Which scopes?") {
		t.Fatalf("not at the scopes step:\n%s", d.screen())
	}
	d.key("pgdown")
	d.key("pgdown")
	if strings.Contains(d.screen(), "read_api") {
		t.Skipf("read_api still in view at 60x15:\n%s", d.screen())
	}
	d.send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	scr := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(scr, "back in view") || !strings.Contains(scr, "read_api") {
		t.Fatalf("space on a hidden row:\n%s", d.screen())
	}
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Review") || !strings.Contains(scr, "read_api") {
		t.Fatalf("read_api was unticked unseen:\n%s", scr)
	}
}

// Report 12-16-b #4: after a refusal at the target step, the run goes on
// with the questions never answered (name, expiry, role, scopes), not
// straight to the review.
func TestAFixAtTheTargetAsksTheQuestionsNotYetAnswered(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.key("enter") // purpose
	d.key("enter") // project
	d.typeText("shop")
	d.key("enter") // widgets/shop: GitLab.com Free
	if scr := d.screen(); !strings.Contains(scr, "GitLab.com Free") {
		t.Fatalf("no refusal:\n%s", scr)
	}
	d.key("enter") // back to the project step
	for range "shop" {
		d.key("backspace")
	}
	d.typeText("acme/web")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Name the token") {
		t.Fatalf("after a new project, the name was never asked:\n%s", scr)
	}
	for i := 0; i < 4; i++ {
		d.key("enter") // name, expiry, role, scopes
	}
	if scr := d.screen(); !strings.Contains(scr, "Review: nothing has been sent yet") || !strings.Contains(scr, "acme/web") {
		t.Fatalf("not at the review:\n%s", scr)
	}
}

// Report 12-16-b #5: scrolled to the end at 80x24, the result screen grown
// to 120x40 shows its top (or says what is above), never hides it unsaid.
func TestAGrownWindowDoesNotHideTheTop(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Your new token") {
		t.Fatalf("not at the result:\n%s", d.screen())
	}
	d.key("end")
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	scr := d.screen()
	if !strings.Contains(scr, "▲") && d.m.frame.vp.YOffset() != 0 {
		t.Fatalf("the top is hidden and nothing says so:\n%s", scr)
	}
	if d.m.frame.vp.YOffset() > 0 && d.m.frame.vp.YOffset()+d.m.frame.vp.Height() > d.m.frame.vp.TotalLineCount() {
		t.Fatalf("blank lines below the body while its top is hidden (offset %d, height %d, %d lines):\n%s",
			d.m.frame.vp.YOffset(), d.m.frame.vp.Height(), d.m.frame.vp.TotalLineCount(), scr)
	}
}

// Report 12-16-b #6: the busy sentence is wrapped at words, not cut at the
// edge, at 80 and 40 columns.
func TestTheBusyTextIsWrappedNotCut(t *testing.T) {
	for _, w := range []int{80, 40} {
		d := stubDriver(&stub{}, w, 24)
		d.m.state = stateCreating
		d.m.busy.text = "Giving it Reporter on group integrations… (sent once each) (keys are ignored until GitLab answers)"
		d.m.refresh()
		scr := d.screen()
		if !strings.Contains(strings.Join(strings.Fields(scr), " "), "(keys are ignored until GitLab answers)") {
			t.Fatalf("at %d columns the busy text is cut:\n%s", w, scr)
		}
	}
}

// Report 12-16-b #7: the full help opened on one step does not follow the
// user to the next, least of all to a search where ? is text.
func TestTheFullHelpClosesWithItsStep(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	d.key("?")
	if !strings.Contains(d.screen(), "fewer keys") {
		t.Fatalf("? did not open the full help:\n%s", d.screen())
	}
	d.key("enter")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which project?") || strings.Contains(scr, "fewer keys") || d.m.frame.full {
		t.Fatalf("the full help stayed open on the search:\n%s", scr)
	}
}

// Report 12-16-b #8: a held s opens the save prompt once, and the presses
// that came with it are not typed into the path.
func TestAHeldSDoesNotTypeIntoTheSavePath(t *testing.T) {
	d, _, clock := manualDriver(t, fake.MaintainerToken)
	for i := 0; i < 8; i++ {
		d.key("enter")
		d.wait(clock, time.Second)
	}
	if !strings.Contains(d.screen(), "Your new token") {
		t.Fatalf("not at the result:\n%s", d.screen())
	}
	for i := 0; i < 5; i++ {
		d.key("s")
		d.wait(clock, 33*time.Millisecond)
	}
	p, ok := d.m.screen.(*result).modal.(*savePrompt)
	if !ok {
		t.Fatalf("no save prompt:\n%s", d.screen())
	}
	if v := p.input.Value(); strings.HasSuffix(v, "s") {
		t.Fatalf("the held s was typed into the path: %q", v)
	}
	d.wait(clock, steps.Quiet)
	d.key("x")
	if v := p.input.Value(); !strings.HasSuffix(v, "x") {
		t.Fatalf("a key after a rest is not typed: %q", v)
	}
}

// Report 12-16-b #8: leaving while the revoke of the sign-in token has no
// answer says that whether it was revoked is unknown, and how to check.
func TestLeavingDuringTheSignInRevokeSaysItIsUnknown(t *testing.T) {
	srv, url := startFake(t)
	short := srv.AddPersonalToken(2, "for the wizard", []string{"api"}, token.Today(time.Now()).AddDate(0, 0, 1).Format(token.DateLayout))
	d := driverOn(t, url, short)
	toResultScreen(t, d)
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
	if msg, ok := cmd().(revokeSelfMsg); !ok {
		t.Fatalf("k asked %#v", msg)
	} else {
		d.m.Update(msg) // the DELETE is sent; GitLab never answers (its command is dropped)
	}
	d.key("q")
	d.key("y")
	s := d.m.Summary
	if !strings.Contains(s, "whether it is revoked is unknown") || !strings.Contains(s, "/api/v4/personal_access_tokens/self") {
		t.Fatalf("summary: %q", s)
	}
}

// On a step that takes text a space is typed, never held back as a key
// that acts on a hidden row (the off-screen rule swallowed it).
func TestASpaceTypedInASearchIsTypedWhateverTheScroll(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	d.key("enter") // purpose
	d.key("enter") // kind: project
	d.typeText("service")
	if !strings.Contains(d.screen(), "service-01") {
		t.Fatalf("no results:\n%s", d.screen())
	}
	d.key("pgdown")
	d.key("pgdown")
	if !d.m.frame.focusHidden() {
		t.Fatalf("the search line is still in view; this test would prove nothing:\n%s", d.screen())
	}
	d.send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	d.typeText("x")
	if scr := d.screen(); strings.Contains(scr, "back in view") || !strings.Contains(scr, "service x") {
		t.Fatalf("the space was held back:\n%s", scr)
	}
}
