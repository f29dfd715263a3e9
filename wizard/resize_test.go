package wizard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab/fake"
)

// checkFits asserts the screen fits w x h and still shows the keys.
func checkFits(t *testing.T, d *driver, w, h int, where string) {
	t.Helper()
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	scr := d.screen()
	lines := strings.Split(scr, "\n")
	if len(lines) > h {
		t.Fatalf("%s at %dx%d: %d lines:\n%s", where, w, h, len(lines), scr)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Fatalf("%s at %dx%d: a line of width %d: %q", where, w, h, ansi.StringWidth(l), l)
		}
	}
	if !strings.Contains(scr, "enter") && !strings.Contains(scr, "ctrl+c") && !strings.Contains(scr, " q ") {
		t.Fatalf("%s at %dx%d: the keys are gone:\n%s", where, w, h, scr)
	}
}

func TestResizeMidStepKeepsKeysVisible(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	for step := 0; step < 8; step++ {
		where := d.m.title()
		checkFits(t, d, 40, 12, where)
		checkFits(t, d, 200, 60, where)
		if strings.Contains(d.screen(), "more below") {
			t.Fatalf("%s: cut at 200x60:\n%s", where, d.screen())
		}
		d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		d.key("enter")
	}
	// The result, at both sizes, and the token still created exactly once.
	checkFits(t, d, 40, 12, "result")
	checkFits(t, d, 200, 60, "result")
	if n := srv.CountRequests("POST", "/access_tokens"); n != 1 {
		t.Fatalf("creates = %d", n)
	}
	if !strings.Contains(d.screen(), "Your new token") {
		t.Fatalf("not on the result:\n%s", d.screen())
	}
}
