package steps

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// The custom expiry's error once vanished 0.2 s after it appeared: a cursor
// blink fell through to the input and cleared it. Only an edit clears it now.
func TestCustomExpiryErrorStaysUntilAnEdit(t *testing.T) {
	s := NewExpiry(common, now, token.Limits{}, time.Time{})
	s.Init()
	press(t, s, "up", "type:2027-02-30", "enter")
	if !strings.Contains(view(s), "not a valid date") {
		t.Fatalf("no error:\n%s", view(s))
	}
	for _, msg := range []tea.Msg{cursor.BlinkMsg{}, struct{}{}, tea.WindowSizeMsg{Width: 80, Height: 24}} {
		s.Update(msg)
		if !strings.Contains(view(s), "not a valid date") {
			t.Fatalf("a %T cleared the error:\n%s", msg, view(s))
		}
	}
	press(t, s, "backspace")
	if strings.Contains(view(s), "not a valid date") {
		t.Fatalf("an edit kept the stale error:\n%s", view(s))
	}
}

// Shift+tab on the name step goes back to the previous field, as in any
// form; it does not leave the step.
func TestShiftTabOnTheNameStepGoesToThePreviousField(t *testing.T) {
	s := NewName(common, "Jira", "")
	s.Init()
	press(t, s, "tab") // to the description
	_, cmd := s.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if cmd != nil {
		if _, back := cmd().(BackMsg); back {
			t.Fatal("shift+tab left the step")
		}
	}
	msg := press(t, s, "type:X", "enter")
	var r token.Request
	apply(t, msg, &r)
	if r.Name != "JiraX" || r.Description != "" {
		t.Fatalf("shift+tab did not go back to the name: %+v", r)
	}
	if msg := press(t, s, "esc"); msg != (BackMsg{Step: Name}) {
		t.Fatalf("esc = %#v", msg)
	}
}

// After a pasted token passed, the help says what enter does now.
func TestGuideHelpFollowsTheVerdict(t *testing.T) {
	s := NewGuide(common, "https://gitlab.example.com/-/user_settings/personal_access_tokens?name=Jira&scopes=read_api",
		token.Request{Kind: token.KindPersonal, Scopes: []token.Scope{"read_api"}, ExpiresAt: now.AddDate(0, 0, 30)}, now)
	s.Init()
	if h := enabledHelp(s.ShortHelp()); !strings.Contains(h, "enter check the token") || strings.Contains(h, "finish") {
		t.Fatalf("before: %s", h)
	}
	s.Update(tea.PasteMsg{Content: "glpat-pasted-000"})
	press(t, s, "enter")
	s.Update(CheckedMsg{To: Address{Step: Guide, Seq: s.seq}, V: gitlab.Verification{Checks: []gitlab.Check{{Name: "scopes", OK: true, Detail: "read_api"}}}})
	if h := enabledHelp(s.ShortHelp()); strings.Contains(h, "check the token") || !strings.Contains(h, "enter finish") {
		t.Fatalf("after ready: %s", h)
	}
	if !strings.Contains(view(s), "Press enter to finish") {
		t.Fatalf("view:\n%s", view(s))
	}
}

// The Owner rule's hint names one esc, which is all it takes.
func TestOwnerRuleHintNeedsOneEsc(t *testing.T) {
	s := NewSearch(common, ModeGroup, "", gitlab.User{})
	s.Init()
	s.Update(ResultsMsg{To: Address{Step: Target, Seq: s.seq}, Projects: []gitlab.Project{{Path: "acme/platform", Role: token.RoleMaintainer}}})
	press(t, s, "enter")
	if v := view(s); strings.Contains(v, "twice") || !strings.Contains(v, "esc goes back to the kind of token") {
		t.Fatalf("hint:\n%s", v)
	}
	if msg := press(t, s, "esc"); msg != (BackMsg{Step: Target}) {
		t.Fatalf("one esc = %#v", msg)
	}
}

// A search answer names its step and query: an answer to an older query,
// or one that arrives after the step was left, is kept or dropped by the
// step itself; coming back with an answer still missing asks again.
func TestSearchReissuesALostAnswerOnReturn(t *testing.T) {
	s := NewSearch(common, ModeProject, "", gitlab.User{})
	first := runBatch(s.Init())
	if len(first) != 1 {
		t.Fatalf("first search: %#v", first)
	}
	// The user leaves before the answer; the answer is lost (cancelled).
	again := runBatch(s.Init())
	req, ok := again[0].(SearchRequestMsg)
	if !ok || req.From.Seq == first[0].(SearchRequestMsg).From.Seq {
		t.Fatalf("no new search on return: %#v", again)
	}
	s.Update(ResultsMsg{To: first[0].(SearchRequestMsg).From, Err: context.Canceled})
	if !s.Busy() {
		t.Fatal("the cancelled answer was taken for the new one")
	}
	s.Update(ResultsMsg{To: req.From, Projects: []gitlab.Project{{Path: "acme/web", Role: token.RoleMaintainer}}})
	if s.Busy() || !strings.Contains(view(s), "acme/web") {
		t.Fatalf("the answer was not shown:\n%s", view(s))
	}
	if got := runBatch(s.Init()); len(got) != 0 {
		t.Fatalf("coming back to results searched again: %#v", got)
	}
}

func enabledHelp(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(out, ", ")
}

// Order is a pure function of the kind, the caller and the sign-in.
func TestOrder(t *testing.T) {
	tests := []struct {
		kind          token.Kind
		admin, signIn bool
		want          string
	}{
		{token.KindProject, false, false, "purpose kind target name expiry role scopes review"},
		{token.KindGroup, true, true, "signin purpose kind target name expiry role scopes review"},
		{token.KindPersonal, true, false, "purpose kind target name expiry scopes review"},
		{token.KindPersonal, false, false, "purpose kind repo name expiry scopes guide"},
	}
	for _, tt := range tests {
		var got []string
		for _, id := range Order(tt.kind, tt.admin, tt.signIn) {
			got = append(got, string(id))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Order(%s, %v, %v) = %s", tt.kind, tt.admin, tt.signIn, got)
		}
	}
}

// A search's error may quote GitLab: its escape sequences and invisible
// characters never reach the screen, in the search and the places step.
func TestSearchErrorsAreServerText(t *testing.T) {
	hostile := errors.New("search projects: GitLab said \x1b]0;owned\x07\x1b[2Jno\u202e access")
	for _, s := range []Step{NewSearch(common, ModeProject, "", gitlab.User{}), NewPlaces(common, "integrations", nil)} {
		var req SearchRequestMsg
		for _, m := range runBatch(s.Init()) {
			if r, ok := m.(SearchRequestMsg); ok {
				req = r
			}
		}
		s.Update(ResultsMsg{To: req.From, Err: hostile})
		raw := s.View()
		if strings.Contains(raw, "\x1b]0;") || strings.Contains(raw, "\x1b[2J") || strings.ContainsRune(raw, '\u202e') ||
			!strings.Contains(view(s), "GitLab said no<U+202E> access") {
			t.Fatalf("%s: the error is drawn raw: %q", s.ID(), raw)
		}
	}
}

// Every list moves its cursor with one rule: up and down wrap round at
// either end; with no rows the key is taken and nothing moves; a disabled
// binding or another key is not a move.
func TestMoveCursor(t *testing.T) {
	nav := DefaultNavKeyMap()
	off := nav.Down
	off.SetEnabled(false)
	tests := []struct {
		name      string
		k         string
		down      key.Binding
		cursor, n int
		want      int
		wantMoved bool
	}{
		{"down", "down", nav.Down, 0, 3, 1, true},
		{"down wraps to the top", "down", nav.Down, 2, 3, 0, true},
		{"up wraps to the bottom", "up", nav.Down, 0, 3, 2, true},
		{"up", "up", nav.Down, 2, 3, 1, true},
		{"no rows", "down", nav.Down, 0, 0, 0, true},
		{"ctrl+n is down", "ctrl+n", nav.Down, 1, 3, 2, true},
		{"another key", "enter", nav.Down, 1, 3, 1, false},
		{"a disabled binding", "down", off, 1, 3, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := keyMsg(tt.k)
			if tt.k == "ctrl+n" {
				k = tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}
			}
			if got, moved := MoveCursor(k, nav.Up, tt.down, tt.cursor, tt.n); got != tt.want || moved != tt.wantMoved {
				t.Fatalf("MoveCursor(%s, %d of %d) = %d, %v; want %d, %v", tt.k, tt.cursor, tt.n, got, moved, tt.want, tt.wantMoved)
			}
		})
	}
}
