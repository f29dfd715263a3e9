package wizard

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab/fake"
)

// BenchmarkReviewView draws the busiest step, the review, at 80 columns.
func BenchmarkReviewView(b *testing.B) {
	d, _ := newDriver(b, fake.MaintainerToken)
	for i := 0; i < 7; i++ {
		d.key("enter")
	}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	b.ReportAllocs()
	for b.Loop() {
		d.m.refresh() // the frame is drawn when a message arrives; View hands it out
		_ = d.m.View()
	}
}

// BenchmarkKeyPress is one cursor move on the scopes step: Update plus View.
func BenchmarkKeyPress(b *testing.B) {
	d, _ := newDriver(b, fake.MaintainerToken)
	for i := 0; i < 6; i++ {
		d.key("enter")
	}
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ReportAllocs()
	for b.Loop() {
		d.m.Update(down)
		_ = d.m.View()
	}
}

// BenchmarkWizardRoundTrips walks the recommended path (8 keys) against the
// stand-in with and without a delay on every answer, and reports the round
// trips each part waits on — (wall with the delay − wall without) / delay —
// and its requests: the start (sign-in checks and the first project list),
// the seven Enters to the review (the picked project's facts), and the
// create (the POST, then the verification). BENCHMARKS.md records them.
//
//	go test -run '^$' -bench WizardRoundTrips -benchtime 3x ./wizard
func BenchmarkWizardRoundTrips(b *testing.B) {
	const delay = 50 * time.Millisecond
	type parts struct {
		start, review, create time.Duration
		reqs                  [3]int
	}
	walk := func(latency time.Duration) parts {
		srv, url := startFake(b)
		srv.SetLatency(latency)
		var p parts
		t0 := time.Now()
		d := driverOn(b, url, fake.MaintainerToken)
		p.start, p.reqs[0] = time.Since(t0), len(srv.Requests())
		t0 = time.Now()
		for range 7 {
			d.key("enter")
		}
		p.review, p.reqs[1] = time.Since(t0), len(srv.Requests())-p.reqs[0]
		if !strings.Contains(d.screen(), "Review: nothing has been sent yet") {
			b.Fatalf("not at the review:\n%s", d.screen())
		}
		t0 = time.Now()
		d.key("enter")
		p.create, p.reqs[2] = time.Since(t0), len(srv.Requests())-p.reqs[0]-p.reqs[1]
		if srv.CountRequests("POST", "/access_tokens") != 1 || strings.Count(d.screen(), "PASS") != 4 {
			b.Fatalf("not created and verified:\n%s", d.screen())
		}
		return p
	}
	var fast, slow parts
	for b.Loop() {
		fast, slow = walk(0), walk(delay)
	}
	rounds := func(a, b time.Duration) float64 { return float64(b-a) / float64(delay) }
	b.ReportMetric(rounds(fast.start, slow.start), "rounds-start")
	b.ReportMetric(rounds(fast.review, slow.review), "rounds-to-review")
	b.ReportMetric(rounds(fast.create, slow.create), "rounds-create")
	b.ReportMetric(float64(slow.reqs[0]), "requests-start")
	b.ReportMetric(float64(slow.reqs[1]), "requests-to-review")
	b.ReportMetric(float64(slow.reqs[2]), "requests-create")
}
