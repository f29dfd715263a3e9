package steps

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// Text inputs never draw an invisible character raw (a pasted right-to-left
// override reorders the whole line): it is left out, and the step says so.
func TestInputsLeaveOutInvisibleCharacters(t *testing.T) {
	s := NewName(common, "", "")
	s.Init()
	s.Update(tea.PasteMsg{Content: "Jira\u202e42 \u200bintegration"})
	v := view(s)
	if s.value(0) != "Jira42 integration" || strings.ContainsRune(v, 0x202e) || !strings.Contains(v, "Left out U+202E (right-to-left override)") {
		t.Fatalf("value %q, view:\n%s", s.value(0), v)
	}
	press(t, s, "type:x")
	if strings.Contains(view(s), "Left out") {
		t.Fatal("the note outlived the next edit")
	}
	s.Update(tea.KeyPressMsg{Code: 0x2060, Text: "\u2060"})
	if s.value(0) != "Jira42 integrationx" || !strings.Contains(view(s), "U+2060 (word joiner)") {
		t.Fatalf("typed word joiner: %q\n%s", s.value(0), view(s))
	}

	g := NewGuide(common, "https://gitlab.example.com/-/user_settings/personal_access_tokens", token.Request{Kind: token.KindPersonal, Name: "Jira", Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(now)}, now)
	g.Init()
	g.Update(tea.PasteMsg{Content: strings.Repeat("x", 10_000)})
	if n := len(g.Pasted()); n != MaxSecretLen || !strings.Contains(view(g), "The paste was cut to 4096 characters") {
		t.Fatalf("guided paste kept %d characters:\n%s", n, view(g))
	}
}
