package wizard

import (
	"fmt"
	"image/color"
	"reflect"
	"slices"
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

// At 80x24 the result scrolls: end shows the rotate command, home the
// token again, the wheel and the arrows move it, and the help says so.
func TestEveryScreenScrolls(t *testing.T) {
	d := stubDriver(&stub{}, 80, 24)
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	scr := d.screen()
	if strings.Contains(scr, "gitlab-token-wizard rotate") || !strings.Contains(scr, "pgup/pgdn scroll") || !strings.Contains(scr, "more lines below") {
		t.Fatalf("top of the result:\n%s", scr)
	}
	d.key("end")
	if scr := d.screen(); !strings.Contains(scr, "gitlab-token-wizard rotate --host https://gitlab.example.com") || !strings.Contains(scr, "--project acme/web 58") {
		t.Fatalf("end:\n%s", scr)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyHome})
	if scr := d.screen(); !strings.Contains(scr, "glpat-••••") {
		t.Fatalf("home:\n%s", scr)
	}
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if d.m.frame.vp.YOffset() == 0 {
		t.Fatal("the wheel did not scroll")
	}
	d.key("up")
	d.key("pgdown")
	if d.m.frame.vp.AtTop() {
		t.Fatal("pgdown did not scroll")
	}
}

// On a list, the arrows move the cursor and the body follows it: the
// highlighted row is always on screen.
func TestTheCursorStaysOnScreen(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 16})
	d.key("enter")
	d.key("enter")
	for i := 0; i < 19; i++ {
		d.key("down")
		if !strings.Contains(d.screen(), "> ") {
			t.Fatalf("after %d downs the cursor is off screen:\n%s", i+1, d.screen())
		}
	}
}

// ? shows every key, where no text input needs the character.
func TestQuestionMarkTogglesTheFullHelp(t *testing.T) {
	d := stubDriver(&stub{}, 100, 30)
	if strings.Contains(d.screen(), "page down") {
		t.Fatal("full help before ?")
	}
	d.key("?")
	if !strings.Contains(d.screen(), "page down") || !strings.Contains(d.screen(), "scroll left") {
		t.Fatalf("after ?:\n%s", d.screen())
	}
	d.key("?")
	if strings.Contains(d.screen(), "page down") {
		t.Fatal("? did not hide the full help")
	}
	for i := 0; i < 3; i++ { // kind, project, name
		d.key("enter")
	}
	d.key("?")
	if strings.Contains(d.screen(), "page down") || !strings.Contains(d.screen(), "Jira integration?") {
		t.Fatalf("? on a text field must type:\n%s", d.screen())
	}
}

// The styles follow the terminal's background, asked for at start; with
// NO_COLOR (any value) nothing is coloured, the help bar included.
func TestBackgroundAndNoColor(t *testing.T) {
	m := New(t.Context(), Options{API: &stub{}, Clock: steps.InstantClock(func() time.Time { return goldenNow })})
	var asked bool
	for _, msg := range messages(m.Init()) {
		asked = asked || reflect.TypeOf(msg) == reflect.TypeOf(tea.RequestBackgroundColor())
	}
	if !asked {
		t.Fatal("Init does not ask for the background colour")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if got, want := m.c.Styles.Title.GetForeground(), steps.NewStyles(false, false).Title.GetForeground(); got != want {
		t.Fatalf("light background: title %v, want %v", got, want)
	}
	d := stubDriver(&stub{}, 80, 24)
	d.send(tea.BackgroundColorMsg{Color: color.White})
	for _, k := range append(enters(8), "?") {
		if v := d.m.View().Content; hasColour(v) {
			t.Fatalf("colour with NO_COLOR before %q: %q", k, v)
		}
		d.key(k)
	}
}

// hasColour reports an SGR colour sequence (30-37, 90-97, 38, 40-47, 48).
func hasColour(s string) bool {
	for _, p := range strings.Split(s, "\x1b[")[1:] {
		end := strings.IndexByte(p, 'm')
		if end < 0 {
			continue
		}
		for _, f := range strings.Split(p[:end], ";") {
			if len(f) == 2 && (f[0] == '3' || f[0] == '4' || f[0] == '9') {
				return true
			}
		}
	}
	return false
}

// Flags seed the request: the steps offer its answers.
func TestFlagsSeedTheRequest(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	d := driverOn(t, ts.URL, fake.OwnerToken)
	_ = srv
	m := New(t.Context(), Options{API: d.m.api, Request: token.Request{Preset: "jira-write", Kind: token.KindGroup, Target: "acme", Name: "Jira for ACME"},
		Clock: steps.InstantClock(time.Now)})
	d = &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	for i := 0; i < 7; i++ {
		d.key("enter")
	}
	scr := d.screen()
	for _, want := range []string{"group        acme", "name         Jira for ACME", "role         Developer", "scopes       api"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("no %q in the review:\n%s", want, scr)
		}
	}
}

// A project search matches the group's path too: "widgets" finds widgets/shop.
func TestSearchMatchesTheNamespacePath(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	d.key("enter")
	d.key("enter")
	for _, c := range "widgets" {
		d.send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	if !strings.Contains(d.screen(), "widgets/shop") {
		t.Fatalf("widgets found nothing:\n%s", d.screen())
	}
	rs := srv.Requests()
	if last := rs[len(rs)-1]; last.Path != "/api/v4/projects" || last.Query.Get("search_namespaces") != "true" {
		t.Fatalf("last request %s %v", last.Path, last.Query)
	}
}

// A changed answer rebuilds what depends on it: new scopes, a new form link.
func TestAChangedAnswerRebuildsTheGuide(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	toGuide(t, d)
	if !strings.Contains(strings.ReplaceAll(d.screen(), "\n", ""), "scopes=read_api") {
		t.Fatalf("guide:\n%s", d.screen())
	}
	d.key("esc") // to the scopes
	d.key("down")
	d.key(" ") // api too
	d.key("enter")
	if scr := strings.ReplaceAll(d.screen(), "\n", ""); !strings.Contains(scr, "scopes=read_api,api") {
		t.Fatalf("the link kept the old scopes:\n%s", d.screen())
	}
}

// A command argument wider than the window (a long project's URL) is never
// broken: it runs past the edge, the help says so, and → brings it in view.
func TestLongLinesScrollSideways(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.key("enter")
	d.key("enter")
	for _, c := range "tools/cli" {
		d.send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	for i := 0; i < 5; i++ { // the project, name, expiry, role, scopes
		d.key("enter")
	}
	url := "/api/v4/projects/acme%2Fplatform%2Ftools%2Fcli/access_tokens"
	scr := d.screen()
	if !strings.Contains(scr, "Review: nothing has been sent yet") || strings.Contains(scr, url) || !strings.Contains(scr, "←/→ see long lines") {
		t.Fatalf("review at 80 columns:\n%s", scr)
	}
	for i := 0; i < 3; i++ {
		d.send(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	if scr := d.screen(); !strings.Contains(scr, "cli/access_tokens") {
		t.Fatalf("→ did not bring the end of the URL in view:\n%s", scr)
	}
}

// Review finding 7: the full help listed "↑ up" and "↑ scroll up" for the
// same key on a list; at 60x15 it cut off the scroll column and ? itself;
// and ? kept the label "all keys" once they were all shown. Every column
// is drawn (on more rows where the width ends), a key the screen takes
// for itself is not listed again as a scroll key, and open, ? says it
// shows fewer keys.
func TestFullHelpIsWholeAndListsEachKeyOnce(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {40, 24}, {100, 30}} {
		t.Run(fmt.Sprint(size[0], "x", size[1]), func(t *testing.T) {
			d := stubDriver(&stub{}, size[0], size[1])
			if !strings.Contains(d.screen(), "? all keys") {
				t.Fatalf("the short help:\n%s", d.screen())
			}
			d.key("?")
			scr := d.screen()
			flat := strings.Join(strings.Fields(scr), " ")
			for _, want := range []string{"↑ up", "↓ down", "pgup page up", "pgdn page down", "home top", "end bottom", "→ scroll right", "ctrl+c quit", "? fewer keys"} {
				if !strings.Contains(flat, want) {
					t.Errorf("no %q in the full help:\n%s", want, scr)
				}
			}
			for _, twice := range []string{"scroll up", "scroll down", "all keys"} {
				if strings.Contains(flat, twice) {
					t.Errorf("%q in the full help:\n%s", twice, scr)
				}
			}
			for _, l := range strings.Split(scr, "\n") {
				if ansi.StringWidth(l) > size[0] {
					t.Errorf("line %q is wider than the window", l)
				}
			}
		})
	}
	// Where nothing takes up and down (the result screen), they scroll.
	d := stubDriver(&stub{}, 100, 30)
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	d.key("?")
	if scr := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(scr, "↑ scroll up") || !strings.Contains(scr, "↓ scroll down") {
		t.Fatalf("the result's full help:\n%s", scr)
	}
}

// A row drawn on two lines (at 40 columns the role goes under the path) is
// scrolled into view whole, going down or up: the cursor's row is never
// cut from its meaning at the foot of the window.
func TestTheCursorsRowIsShownWhole(t *testing.T) {
	var ps []gitlab.Project
	for i := range 20 {
		ps = append(ps, gitlab.Project{ID: int64(i + 1), Path: fmt.Sprintf("acme/platform/service-%02d", i+1), Role: token.RoleMaintainer})
	}
	d := stubDriver(&stub{projects: ps}, 40, 24)
	d.key("enter")
	d.key("enter")
	move := func(k string, n int) {
		for i := 0; i < n; i++ {
			d.key(k)
			lines := strings.Split(d.screen(), "\n")
			at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "> acme/platform/service-") })
			if at < 0 || at+1 >= len(lines) || strings.TrimSpace(lines[at+1]) != "you: Maintainer" {
				t.Fatalf("after %s ×%d the cursor's row is not whole on screen:\n%s", k, i+1, d.screen())
			}
		}
	}
	move("down", 19)
	move("up", 19)
}

// At 40 columns nothing runs past the edge: a long title wraps, and a text
// input fits the window, what is typed scrolling inside it (a field 50
// cells wide hid the end of the query, the cursor with it).
func TestNarrowWindowsCutNoLetters(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 24})
	wide := func(where string) {
		t.Helper()
		for _, l := range strings.Split(d.screen(), "\n") {
			if ansi.StringWidth(l) > 40 {
				t.Fatalf("%s: line %q is %d cells, wider than the window:\n%s", where, l, ansi.StringWidth(l), d.screen())
			}
		}
	}
	d.key("enter")
	d.key("enter")
	for _, c := range "acme/platform/tools/cli-and-more" {
		d.send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	wide("the search")
	if !strings.Contains(d.screen(), "cli-and-more") {
		t.Fatalf("the end of the query is not on screen:\n%s", d.screen())
	}

	d, _ = newDriver(t, fake.MaintainerToken)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 24})
	toGuide(t, d)
	wide("the guide")
	if flat := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(flat, "Create the token in GitLab, then paste it here") {
		t.Fatalf("the title is cut:\n%s", d.screen())
	}
}
