package wizard

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/internal/termcheck"
)

// Every screen drawn while a hostile server answers (escape sequences,
// OSC 52, bidi, invalid UTF-8, 10 000-character names, nulls, extra fields)
// is safe to draw and fits the window.
func TestHostileServerScreens(t *testing.T) {
	for _, odd := range []bool{false, true} {
		srv, ts, err := fake.Start("hostile")
		if err != nil {
			t.Fatal(err)
		}
		srv.SetHostileJSON(odd)
		d := driverOn(t, ts.URL, fake.MaintainerToken)
		check := func(where string) {
			t.Helper()
			v := d.m.View().Content
			if p := termcheck.Problem(v); p != "" {
				t.Fatalf("odd=%v %s: %s", odd, where, p)
			}
			for _, l := range strings.Split(v, "\n") {
				if w := ansi.StringWidth(l); w > 80 {
					t.Fatalf("odd=%v %s: a line of width %d", odd, where, w)
				}
			}
		}
		check("first screen")
		d.key("enter") // purpose
		d.key("enter") // kind: project
		for _, c := range "evil/" {
			d.key(string(c))
		}
		check("project search")
		if !strings.Contains(d.screen(), "evil/clipboard") {
			t.Fatalf("odd=%v: the hostile projects are not listed:\n%s", odd, d.screen())
		}
		for i := 0; i < 6; i++ { // project, name, expiry, role, scopes, create
			d.key("enter")
			check(d.m.title())
		}
		if nt, _ := d.m.Result(); nt == nil {
			t.Fatalf("odd=%v: no token:\n%s", odd, d.screen())
		}
		check("result")
		d.key("v")
		check("result revealed")
		ts.Close()
	}
}
