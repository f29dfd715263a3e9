package wizard

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
)

// messages runs cmd and the commands of any batch it returns.
func messages(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	b, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{msg}
	}
	var out []tea.Msg
	for _, c := range b {
		out = append(out, messages(c)...)
	}
	return out
}

// toSearch walks from the purpose to the project search, leaving the
// search's request to GitLab unsent: it returns the command that sends it.
func toSearch(t *testing.T, d *driver) tea.Cmd {
	t.Helper()
	d.key("enter")                                            // purpose
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // kind
	var search tea.Cmd
	queue := messages(cmd)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		_, next := d.m.Update(msg)
		if _, ok := msg.(steps.SearchRequestMsg); ok {
			search = next
			continue
		}
		queue = append(queue, messages(next)...)
	}
	if search == nil || !strings.Contains(d.screen(), "searching…") {
		t.Fatalf("no search in flight:\n%s", d.screen())
	}
	return search
}

func projectSearches(srv *fake.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == "GET" && r.Path == "/api/v4/projects" {
			n++
		}
	}
	return n
}

// Esc while a search is in flight: its answer, arriving after the user
// left, goes to the search step (not to the kind step now shown), and
// coming back shows it without asking GitLab again.
func TestEscDuringASearchKeepsItsLateAnswer(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	search := toSearch(t, d)
	d.key("esc")
	if !strings.Contains(d.screen(), "Which kind of token?") {
		t.Fatalf("esc did not go back:\n%s", d.screen())
	}
	d.send(search()) // the late answer
	if scr := d.screen(); !strings.Contains(scr, "Which kind of token?") || strings.Contains(scr, "acme/web") {
		t.Fatalf("the answer went to the kind step:\n%s", scr)
	}
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "acme/web") || strings.Contains(scr, "searching…") {
		t.Fatalf("back on the search, its answer is not shown:\n%s", scr)
	}
	if n := projectSearches(srv); n != 1 {
		t.Fatalf("%d searches, want the one", n)
	}
}

// An answer never delivered (lost) is asked for again on return; a late
// answer for a step built anew since (another kind) is dropped, not shown
// in the new step.
func TestLostAndStaleSearchAnswers(t *testing.T) {
	d, srv := newDriver(t, fake.OwnerToken)
	search := toSearch(t, d)
	d.key("esc")
	d.key("down") // group: the project search is dropped
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which group?") || !strings.Contains(scr, "acme") {
		t.Fatalf("group search:\n%s", scr)
	}
	d.send(search()) // the project search's answer, late
	if scr := d.screen(); strings.Contains(scr, "acme/web") {
		t.Fatalf("a project answer shown in the group search:\n%s", scr)
	}

	d2, _ := newDriver(t, fake.MaintainerToken)
	toSearch(t, d2) // never answered
	d2.key("esc")
	d2.key("enter")
	if scr := d2.screen(); !strings.Contains(scr, "acme/web") {
		t.Fatalf("a lost answer was not asked for again:\n%s", scr)
	}
	_ = srv
}

// A new query cancels the search in flight: never more than one per step.
func TestANewQueryCancelsTheSearchInFlight(t *testing.T) {
	api := &stub{}
	d := stubDriver(api, 80, 24)
	d.key("enter")
	d.key("enter")
	api.hold, api.started = true, make(chan struct{})
	first := make(chan tea.Msg, 1)
	type1 := func(r rune) tea.Cmd {
		var search tea.Cmd
		_, cmd := d.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		for queue := messages(cmd); len(queue) > 0; queue = queue[1:] {
			_, next := d.m.Update(queue[0])
			if _, ok := queue[0].(steps.SearchRequestMsg); ok {
				search = next
				continue
			}
			queue = append(queue, messages(next)...)
		}
		return search
	}
	search := type1('a')
	go func() { first <- search() }()
	<-api.started // the first search reached GitLab
	second := type1('b')
	var stale tea.Msg
	select {
	case stale = <-first:
	case <-time.After(5 * time.Second):
		t.Fatal("the first search was not cancelled")
	}
	if r, ok := stale.(steps.ResultsMsg); !ok || !errors.Is(r.Err, context.Canceled) {
		t.Fatalf("first search ended with %#v", stale)
	}
	d.send(stale)
	if !d.m.flow.built[steps.Target].(*steps.SearchStep).Busy() {
		t.Fatalf("the cancelled answer was taken for the latest:\n%s", d.screen())
	}
	api.hold = false
	d.send(second())
	if scr := d.screen(); !strings.Contains(scr, "acme/web") || api.most.Load() != 1 || len(d.m.inflight) != 0 {
		t.Fatalf("most searches at once %d, in flight %d:\n%s", api.most.Load(), len(d.m.inflight), scr)
	}
	if q := strings.Join(api.queries, ","); q != ",a,ab" {
		t.Fatalf("queries %q", q)
	}
}

// Notices carry a severity: a failed save is drawn as an error, not in
// the success style.
func TestNoticeSeverity(t *testing.T) {
	d := stubDriver(&stub{}, 80, 24)
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	d.key("s")
	for range "/tmp/gitlab-token-58.txt" + strings.Repeat("x", 80) {
		d.key("backspace")
	}
	for _, c := range t.TempDir() + "/no/such/folder/t.txt" {
		d.send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	d.key("enter")
	n := d.m.screen.Notice()
	if n.level != levelError || !strings.Contains(n.text, "Could not save") || n.view(&d.m.c.Styles) != d.m.c.Styles.Error.Render(n.text) {
		t.Fatalf("notice %+v", n)
	}
	if !strings.Contains(d.screen(), "Could not save") {
		t.Fatalf("screen:\n%s", d.screen())
	}
}

// Esc on the first step leaves, as its help says, with nothing sent.
func TestEscOnTheFirstStepLeaves(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	if !strings.Contains(d.screen(), "esc quit") || strings.Contains(d.screen(), "esc back") {
		t.Fatalf("help on the first step:\n%s", d.screen())
	}
	d.key("esc")
	if !d.m.quitting || !strings.Contains(d.m.Summary, "nothing was sent") {
		t.Fatalf("esc: quitting=%v summary=%q", d.m.quitting, d.m.Summary)
	}
	onlyGETs(t, srv)
}

// Ctrl+C on the guided step, once GitLab's form was shown: a token may
// exist there, so the summary must not say none was created.
func TestCtrlCOnTheGuidedStepSaysATokenMayExist(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	toGuide(t, d)
	d.key("ctrl+c")
	s := d.m.Summary
	if !d.m.quitting || !d.m.Outcome().Guided || strings.Contains(s, "nothing was sent") || strings.Contains(s, "no token was created") ||
		!strings.Contains(s, "still exists") {
		t.Fatalf("summary %q", s)
	}
}

// A lookup changes nothing: ctrl+c cancels it and leaves; its answer,
// cut short, changes nothing either.
func TestCtrlCCancelsALookup(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.key("enter")
	d.key("enter")
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // pick acme/web: the role lookup starts
	var lookups []tea.Cmd
	for _, msg := range messages(cmd) {
		_, next := d.m.Update(msg)
		lookups = append(lookups, next)
	}
	if d.m.state != stateBusy {
		t.Fatalf("no lookup in flight: %v", d.m.state)
	}
	d.key("ctrl+c")
	if !d.m.quitting || !strings.Contains(d.m.Summary, "nothing was sent") || d.m.busy.cancel != nil {
		t.Fatalf("ctrl+c during a lookup: quitting=%v summary=%q", d.m.quitting, d.m.Summary)
	}
	var answered bool
	for _, c := range lookups {
		for _, msg := range messages(c) {
			if rm, ok := msg.(targetMsg); ok {
				answered = true
				if rm.err == nil {
					t.Fatal("the lookup was not cancelled")
				}
				d.send(rm)
			}
		}
	}
	if !answered || d.m.screen != nil || !strings.Contains(d.m.Summary, "nothing was sent") {
		t.Fatalf("the cut-short answer changed the run: state %v, summary %q", d.m.state, d.m.Summary)
	}
}
