package wizard

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// These run the wizard in a real Bubble Tea program (teatest), keys sent as
// a terminal would, and assert the final model and what GitLab received.

// program is a teatest run whose output is fed to a terminal emulator, so
// tests read the screen as a person sees it (the renderer sends only changes).
type program struct {
	*teatest.TestModel
	mu  sync.Mutex
	emu *vt.Emulator
}

// screen is the emulated terminal's text.
func (p *program) screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.emu.String()
}

func startProgram(t *testing.T, cred string) (*program, *fake.Server) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return startOn(t, gitlab.Options{Host: ts.URL, Token: token.Secret(cred)}), srv
}

// startOn runs the wizard signed in with the client options o.
func startOn(t *testing.T, o gitlab.Options) *program {
	t.Helper()
	if o.OrphanWindow == 0 {
		o.OrphanWindow = 200 * time.Millisecond // tests that need the real window set it
	}
	c, err := gitlab.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return startModel(t, New(context.Background(), Options{API: c, Demo: true, Request: token.Request{Preset: "jira-read"}, SaveDir: t.TempDir(), NoColor: true}))
}

func startModel(t *testing.T, m *Model) *program {
	t.Helper()
	p := &program{TestModel: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 40)), emu: vt.NewEmulator(100, 40)}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() { _, _ = io.Copy(io.Discard, p.emu) }() // the emulator's replies to queries
	go func() {
		buf := make([]byte, 4096)
		for {
			select {
			case <-stop:
				return
			default:
			}
			n, err := p.Output().Read(buf)
			if n > 0 {
				// A terminal's line discipline turns \n into \r\n (onlcr); the emulator gets raw bytes.
				p.mu.Lock()
				_, _ = p.emu.Write(bytes.ReplaceAll(buf[:n], []byte("\n"), []byte("\r\n")))
				p.mu.Unlock()
			}
			if err != nil || n == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	return p
}

// waitText waits until the screen shows text, also when it is wrapped.
func waitText(t *testing.T, p *program, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(p.screen(), text) || strings.Contains(strings.Join(strings.Fields(p.screen()), " "), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the screen never showed %q:\n%s", text, p.screen())
}

func enter(p *program) { p.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) }

func TestProgramRecommendedPath(t *testing.T) {
	tm, srv := startProgram(t, fake.MaintainerToken)
	waitText(t, tm, "What is the token for?")
	for _, next := range []string{"Which kind of token?", "Which project?", "you: Maintainer", "Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
		if next != "you: Maintainer" {
			enter(tm)
		}
		waitText(t, tm, next)
	}
	waitText(t, tm, "enter create") // the review takes enter once the keyboard has rested
	// Two Enters in a row at the review: one token.
	enter(tm)
	enter(tm)
	waitText(t, tm, "reads the latest commit")
	tm.Send(tea.KeyPressMsg{Code: 's', Text: "s"})
	waitText(t, tm, "Save the token to a new file")
	waitText(t, tm, "enter save") // keys count once the keyboard has rested
	enter(tm)                     // the proposed file
	waitText(t, tm, "Saved to")
	waitText(t, tm, "mode 0600")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	nt, kept := final.Result()
	if nt == nil || !kept || final.verification() == nil || !final.verification().OK() {
		t.Fatalf("final model: token %+v kept %v verification %+v", nt, kept, final.verification())
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("creates = %d", n)
	}
	var create fake.Recorded
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			create = r
		}
	}
	for _, want := range []string{`"access_level":20`, `"scopes":["read_api"]`, `"name":"Jira integration"`, `"expires_at":"` + token.DefaultExpiry(time.Now()).Format(token.DateLayout)} {
		if !strings.Contains(create.Body, want) {
			t.Fatalf("create body lacks %s: %s", want, create.Body)
		}
	}
}

func TestProgramCtrlCBeforeReviewSendsNothing(t *testing.T) {
	tm, srv := startProgram(t, fake.MaintainerToken)
	waitText(t, tm, "What is the token for?")
	enter(tm)
	waitText(t, tm, "Which kind of token?")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if nt, _ := final.Result(); nt != nil || !strings.Contains(final.Summary, "nothing was sent") {
		t.Fatalf("final: %+v %q", nt, final.Summary)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

func TestProgramGroupTokenForAnOwner(t *testing.T) {
	tm, srv := startProgram(t, fake.OwnerToken)
	waitText(t, tm, "What is the token for?")
	enter(tm)
	waitText(t, tm, "Which kind of token?")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	enter(tm)
	waitText(t, tm, "you: Owner")
	for _, next := range []string{"Name the token", "When should it expire?", "Which role", "Which scopes?", "Review: nothing has been sent yet"} {
		enter(tm)
		waitText(t, tm, next)
	}
	waitText(t, tm, "enter create")
	enter(tm)
	waitText(t, tm, "lists the projects of group acme")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	waitText(t, tm, "Leave without keeping the token?")
	tm.Send(tea.KeyPressMsg{Code: 'y', Text: "y"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if nt, kept := final.Result(); nt == nil || kept || final.req.Kind != token.KindGroup {
		t.Fatalf("final: %+v kept=%v req=%+v", nt, kept, final.req)
	}
	if n := srv.CountRequests("POST", "/groups/acme/access_tokens"); n != 1 {
		t.Fatalf("group creates = %d", n)
	}
}
