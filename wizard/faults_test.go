package wizard

import (
	"context"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// The fault table of issue 5, in the wizard: a real program against the
// stand-in, the screen read through a terminal emulator.

func press(p *program, s string) { p.Send(tea.KeyPressMsg{Code: rune(s[0]), Text: s}) }

// toReview walks the recommended path to the review.
func toReview(t *testing.T, p *program) {
	t.Helper()
	waitText(t, p, "What is the token for?")
	for _, next := range []string{"Which kind of token?", "Which project?", "you: Maintainer", "Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
		if next != "you: Maintainer" {
			enter(p)
		}
		waitText(t, p, next)
	}
	// Enter creates once the keyboard has rested after the review appeared;
	// the help offers it then.
	waitText(t, p, "enter create")
}

func faultServer(t *testing.T, f *fake.Fault) (*fake.Server, string) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	if f != nil {
		srv.AddFault(*f)
	}
	return srv, ts.URL
}

func TestWizardWithTwoSecondLatency(t *testing.T) {
	t.Parallel()
	srv, url := faultServer(t, nil)
	srv.SetLatency(2 * time.Second)
	p := startOn(t, gitlab.Options{Host: url, Token: fake.MaintainerToken})
	waitText(t, p, "Checking your GitLab credential") // progress while the pre-flight waits
	toReview(t, p)
	enter(p)
	waitText(t, p, "Creating the token…")
	enter(p) // ignored while in flight
	waitText(t, p, "reads the latest commit")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("POSTs %d, tokens %d", n, len(srv.Tokens("project:100")))
	}
}

func TestWizardCreateTimeoutFindsTheOrphan(t *testing.T) {
	t.Parallel()
	srv, url := faultServer(t, &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenHang})
	p := startOn(t, gitlab.Options{Host: url, Token: fake.MaintainerToken, Timeout: time.Second})
	toReview(t, p)
	enter(p)
	waitText(t, p, "GitLab did create token")
	waitText(t, p, "did not answer in time")
	waitText(t, p, "x revoke the orphan") // the help offers it once the keyboard has rested
	press(p, "x")
	waitText(t, p, "The orphaned token was revoked")
	if ts := srv.Tokens("project:100"); len(ts) != 1 || !ts[0].Revoked || srv.CountRequests("POST", "/access_tokens") != 1 {
		t.Fatalf("tokens %+v", ts)
	}
}

func TestWizard5xxOffersRetryNeverAutomatic(t *testing.T) {
	t.Parallel()
	srv, url := faultServer(t, &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 503, Times: 1})
	p := startOn(t, gitlab.Options{Host: url, Token: fake.MaintainerToken})
	toReview(t, p)
	enter(p)
	waitText(t, p, "Press r to look once more")
	if strings.Contains(p.screen(), "Nothing was created") {
		t.Fatal("a 503 is no proof that nothing was created")
	}
	time.Sleep(300 * time.Millisecond)
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("retried on its own: %d POSTs", n)
	}
	waitText(t, p, "r try the create again") // offered once the keyboard has rested
	press(p, "r")
	waitText(t, p, "reads the latest commit")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 2 || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("POSTs %d, tokens %d", n, len(srv.Tokens("project:100")))
	}
}

func TestWizard429WaitsThenRetriesOnce(t *testing.T) {
	t.Parallel()
	srv, url := faultServer(t, &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 1, Times: 1})
	p := startOn(t, gitlab.Options{Host: url, Token: fake.MaintainerToken})
	toReview(t, p)
	enter(p)
	waitText(t, p, "reads the latest commit")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 2 || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("POSTs %d, tokens %d", n, len(srv.Tokens("project:100")))
	}
}

func TestWizardResetMidResponseIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv, url := faultServer(t, &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenReset})
	p := startOn(t, gitlab.Options{Host: url, Token: fake.MaintainerToken})
	toReview(t, p)
	enter(p)
	waitText(t, p, "The create request did not finish cleanly")
	waitText(t, p, "GitLab did create token")
	if n := len(srv.Tokens("project:100")); n != 1 {
		t.Fatalf("tokens %d", n)
	}
}

// signInProgram starts the wizard on its sign-in step for host.
func signInProgram(t *testing.T, host string, o gitlab.Options) *program {
	t.Helper()
	m := New(context.Background(), Options{Host: host, Request: token.Request{Preset: "jira-read"}, SaveDir: t.TempDir(), NoColor: true,
		Connect: func(h string, cred token.Secret) (API, error) {
			o.Host, o.Token = h, cred
			return gitlab.New(o)
		}})
	p := startModel(t, m)
	waitText(t, p, "Sign in to GitLab")
	p.Send(tea.PasteMsg{Content: "  " + fake.MaintainerToken + "\n"})
	enter(p)
	return p
}

func TestWizardSignInNetworkFailuresNameTheHost(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	p := signInProgram(t, "http://"+dead, gitlab.Options{})
	waitText(t, p, "nothing answered at "+dead)
	p.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	p.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	p = signInProgram(t, "https://gitlab.nonexistent.invalid", gitlab.Options{Timeout: 5 * time.Second})
	waitText(t, p, "gitlab.nonexistent.invalid")
	if s := p.screen(); !strings.Contains(s, "Sign in to GitLab") {
		t.Fatalf("not back on the sign-in step:\n%s", s)
	}
}

func TestWizardSelfSignedSuggestsCAFile(t *testing.T) {
	t.Parallel()
	srv, _ := fake.New("demo")
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	p := signInProgram(t, ts.URL, gitlab.Options{})
	waitText(t, p, "--ca-file")
	if len(srv.Requests()) != 0 {
		t.Fatal("a request went over an unverified connection")
	}
}

func TestNoRetryOfferedWhenGitLabCreatedButSentNoValue(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 201,
		Body: `{"id":7,"name":"Jira integration","scopes":["read_api"],"active":true}`})
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	scr := d.screen()
	if !strings.Contains(scr, "sent no value") || strings.Contains(scr, "press r") || strings.Contains(scr, "r try the create again") {
		t.Fatalf("a token exists, yet a retry is offered:\n%s", scr)
	}
	d.key("r")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("creates = %d", n)
	}
}
