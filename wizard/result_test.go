package wizard

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// toResultScreen creates the recommended token on the stand-in.
func toResultScreen(t *testing.T, d *driver) {
	t.Helper()
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Your new token") {
		t.Fatalf("not on the result:\n%s", d.screen())
	}
}

// typeText replaces what the focused input holds with s.
func typeText(d *driver, s string) {
	for i := 0; i < 300; i++ {
		d.key("backspace")
	}
	for _, c := range s {
		d.send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
}

// The save prompt proposes a file outside any git work tree; a path inside
// one is written only when confirmed; a second s writes no second copy.
func TestSaveAsksWhereAndGuardsGitWorkTrees(t *testing.T) {
	repo, other := t.TempDir(), t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o700); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(repo, "docs")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if WorkTree(sub) != repo || WorkTree(other) != "" {
		t.Fatalf("work trees: %q %q", WorkTree(sub), WorkTree(other))
	}
	if got := SuggestSavePath(7, sub, other); filepath.Dir(got) != other {
		t.Fatalf("suggested %s, inside the work tree", got)
	}

	d, _ := newDriver(t, fake.MaintainerToken)
	d.m.opts.SaveDir = sub
	toResultScreen(t, d)
	d.key("s")
	inTree := filepath.Join(sub, "token.txt")
	typeText(d, inTree)
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Save inside a git work tree?") || !strings.Contains(scr, repo) {
		t.Fatalf("no question about the work tree:\n%s", scr)
	}
	if _, err := os.Stat(inTree); err == nil {
		t.Fatal("written before the answer")
	}
	d.key("n")
	if !strings.Contains(d.screen(), "Save the token to a new file") {
		t.Fatalf("n did not go back to the path:\n%s", d.screen())
	}
	d.key("enter")
	d.key("y")
	if b, err := os.ReadFile(inTree); err != nil || !strings.HasPrefix(string(b), "glpat-") || d.m.Outcome().SavedPath != inTree {
		t.Fatalf("after y: %q %v %+v", b, err, d.m.Outcome())
	}
	d.key("s")
	if n := d.m.noticeText(); !strings.Contains(n, "Already saved to "+inTree) || strings.Contains(d.screen(), "Save the token to a new file") {
		t.Fatalf("a second s: %q\n%s", n, d.screen())
	}
	if files, _ := filepath.Glob(filepath.Join(sub, "*")); len(files) != 1 {
		t.Fatalf("files: %v", files)
	}
}

// Leaving without the token: y leaves it, printing the command that
// revokes it; x revokes it first.
func TestLeavingWithoutTheToken(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	toResultScreen(t, d)
	d.key("q")
	d.key("y")
	want := "gitlab-token-wizard revoke --demo --project acme/web 7"
	if !d.m.quitting || !strings.Contains(d.m.Summary, want) || srv.Tokens("project:100")[0].Revoked {
		t.Fatalf("y: summary %q", d.m.Summary)
	}

	d, srv = newDriver(t, fake.MaintainerToken)
	toResultScreen(t, d)
	d.key("q")
	d.key("x")
	ts := srv.Tokens("project:100")
	if !d.m.quitting || !d.m.Outcome().Revoked || len(ts) != 1 || !ts[0].Revoked || !strings.Contains(d.m.Summary, "Revoked on leaving") {
		t.Fatalf("x: quitting=%v tokens %+v summary %q", d.m.quitting, ts, d.m.Summary)
	}
	if n := srv.CountRequests("DELETE", "/access_tokens/7"); n != 1 {
		t.Fatalf("%d revokes", n)
	}
}

// After exit, nothing shown on the result is lost: the summary, the
// hand-off, the saved file's full path, the exact rotate command.
func TestExitSummaryKeepsWhatTheResultShowed(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	toResultScreen(t, d)
	nt, _ := d.m.Result()
	d.key("s")
	d.key("enter")
	d.key("q")
	s, path := d.m.Summary, d.m.Outcome().SavedPath
	for _, want := range []string{"Created project access token 7", "Hand-off: project token id 7", "Saved to " + path,
		"gitlab-token-wizard rotate --demo --project acme/web 7", "Test connection"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}
	if !filepath.IsAbs(path) || strings.Contains(s, nt.Value.Reveal()) {
		t.Fatalf("path %q, or the secret in:\n%s", path, s)
	}
}

// Copy keys send whole commands and texts over OSC 52, and say honestly
// that they were sent to the terminal's clipboard.
func TestCopyKeys(t *testing.T) {
	d, _ := newDriver(t, fake.MaintainerToken)
	for i := 0; i < 7; i++ {
		d.key("enter")
	}
	base := d.m.api.BaseURL()
	clip := func(k string) string {
		t.Helper()
		_, cmd := d.m.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		for queue := messages(cmd); len(queue) > 0; queue = queue[1:] {
			if reflect.TypeOf(queue[0]) == reflect.TypeOf(tea.SetClipboard("")()) {
				return fmt.Sprint(queue[0])
			}
			_, next := d.m.Update(queue[0])
			queue = append(queue, messages(next)...)
		}
		t.Fatalf("%s copied nothing", k)
		return ""
	}
	if got := clip("c"); got != d.m.req.CommandLine(token.DemoHost) || !strings.Contains(got, " --demo ") {
		t.Fatalf("c copied %q", got)
	}
	if !strings.Contains(d.screen(), "Sent the create command to the terminal's clipboard (OSC 52)") {
		t.Fatalf("notice:\n%s", d.screen())
	}
	if got := clip("u"); got != d.m.req.CurlCommand(base).String() || !strings.Contains(got, "PRIVATE-TOKEN: $GITLAB_TOKEN") {
		t.Fatalf("u copied %q", got)
	}
	d.key("enter")
	if got := clip("h"); got != d.m.handOff().String() || !strings.Contains(got, "project token id 7") {
		t.Fatalf("h copied %q", got)
	}
	if _, kept := d.m.Result(); kept {
		t.Fatal("copying the hand-off kept the token")
	}
	nt, _ := d.m.Result()
	if got := clip("c"); got != nt.Value.Reveal() || !strings.Contains(d.m.noticeText(), "terminal's clipboard") {
		t.Fatalf("c on the result copied %q; notice %q", got, d.m.noticeText())
	}
}

// v pressed while scrolled down brings the token's box into view: the
// value is never revealed off screen, where the user does not look.
func TestRevealScrollsTheTokenIntoView(t *testing.T) {
	d := stubDriver(&stub{}, 80, 24)
	for _, k := range enters(8) {
		d.key(k)
	}
	d.key("pgdown")
	if scr := d.screen(); strings.Contains(scr, "┌") || !strings.Contains(scr, "lines above") {
		t.Fatalf("pgdn did not scroll the token out of view:\n%s", scr)
	}
	d.key("v")
	if scr := d.screen(); !strings.Contains(scr, "│ glpat-ExampleExampleExample │") || !strings.Contains(scr, "v hides it") {
		t.Fatalf("v revealed the token off screen:\n%s", scr)
	}
	d.key("pgdown")
	if scr := d.screen(); strings.Contains(scr, "glpat-ExampleExampleExample") {
		t.Fatalf("the revealed token holds the screen at the top:\n%s", scr)
	}
	d.key("v")
	d.key("v")
	if scr := d.screen(); !strings.Contains(scr, "glpat-ExampleExampleExample") {
		t.Fatalf("v again revealed the token off screen:\n%s", scr)
	}
}

// The save prompt's input has the guard of every other field: a paste of
// a very long line is cut to the longest path there can be, and an
// invisible character is left out, each said below the input.
func TestSavePathPasteIsBounded(t *testing.T) {
	d := stubDriver(&stub{}, 80, 24)
	for _, k := range enters(8) {
		d.key(k)
	}
	d.key("s")
	p, ok := d.m.screen.(*result).modal.(*savePrompt)
	if !ok {
		t.Fatalf("no save prompt:\n%s", d.screen())
	}
	before := len([]rune(p.input.Value()))
	d.send(tea.PasteMsg{Content: strings.Repeat("/very/long", 1_000_000)}) // 10 MB
	if n := len([]rune(p.input.Value())); n != steps.MaxPathLen {
		t.Fatalf("the path holds %d characters (%d before the paste)", n, before)
	}
	if scr := flat(d.screen()); !strings.Contains(scr, fmt.Sprintf("The paste was cut to %d characters", steps.MaxPathLen-before)) {
		t.Fatalf("the cut is not said:\n%s", d.screen())
	}
	d.key("esc")
	d.key("s")
	d.send(tea.PasteMsg{Content: "\u202etxt.exe"})
	p = d.m.screen.(*result).modal.(*savePrompt)
	if v := p.input.Value(); strings.ContainsRune(v, 0x202e) || !strings.HasSuffix(v, "txt.exe") ||
		!strings.Contains(flat(d.screen()), "Left out U+202E (right-to-left override)") {
		t.Fatalf("path %q:\n%s", v, d.screen())
	}
}

// Review finding 3: after x (revoke, then leave), a GitLab that never
// answers the DELETE kept the user on "Revoking the token…" until
// --timeout, q and ctrl+c doing nothing while the help still offered them
// and s. Now the help offers only q, which stops the wait: the revoke's
// outcome is said to be unknown, with the commands that check and revoke it.
func TestStopWaitingForTheRevokeOnLeaving(t *testing.T) {
	for _, stop := range []string{"q", "ctrl+c"} {
		t.Run(stop, func(t *testing.T) {
			d, _ := newDriver(t, fake.MaintainerToken)
			toResultScreen(t, d)
			d.key("q")
			// x: the revoke goes out; its command is never run, as a server
			// that never answers never ends it.
			_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
			_, cmd = d.m.Update(d.run(cmd)) // the answer: leave, revoking
			_, revoke := d.m.Update(d.run(cmd))
			if revoke == nil {
				t.Fatal("x sent no revoke")
			}
			scr := d.screen()
			if !strings.Contains(scr, "Revoking the token…") || !strings.Contains(scr, "q stop waiting") ||
				strings.Contains(scr, "save to file") || strings.Contains(scr, "q finish") {
				t.Fatalf("while revoking:\n%s", scr)
			}
			d.key("s")
			if strings.Contains(d.screen(), "Save the token to a new file") {
				t.Fatal("s opened the save prompt for a token being revoked")
			}
			d.key(stop)
			if !d.m.quitting || !d.m.Outcome().RevokeStopped || d.m.Outcome().Revoked {
				t.Fatalf("%s did not leave: quitting=%v outcome %+v", stop, d.m.quitting, d.m.Outcome())
			}
			for _, want := range []string{"may or may not be revoked",
				"gitlab-token-wizard list --demo --project acme/web",
				"gitlab-token-wizard revoke --demo --project acme/web 7"} {
				if !strings.Contains(d.m.Summary, want) {
					t.Errorf("no %q in the summary:\n%s", want, d.m.Summary)
				}
			}
		})
	}
}
