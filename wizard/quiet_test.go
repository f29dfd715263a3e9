package wizard

import (
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
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
	if !strings.Contains(scr, "already has 1 active token(s) named") {
		t.Fatalf("no same-name warning for the orphan:\n%s", d.screen())
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("%d creates", n)
	}
}
