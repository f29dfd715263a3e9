package wizard

import (
	"testing"

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
