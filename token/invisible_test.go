package token

import (
	"strings"
	"testing"
	"time"
)

// Names that differ only where nobody can see are refused, in every mode
// (the wizard, the accessible prompts and create all validate with
// ValidateName); an emoji joined with a zero-width joiner is not such a case.
func TestInvisibleCharactersInNamesAreRefused(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"zero-width space", "Jira\u200bintegration", "U+200B (zero-width space)"},
		{"word joiner", "Jira\u2060", "U+2060 (word joiner)"},
		{"tag character", "Jira\U000E0041", "U+E0041 (a tag character)"},
		{"bidi override", "Jira\u202Egnp", "U+202E"},
		{"byte order mark", "\ufeffJira", "U+FEFF"},
		{"soft hyphen", "Ji\u00adra", "U+00AD (soft hyphen)"},
		{"Hangul filler", "Jira\u3164", "U+3164 (Hangul filler)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateName(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ValidateName(%q) = %v, want a refusal naming %s", tt.in, err, tt.want)
			}
			if err := ValidateDescription(tt.in); err == nil {
				t.Fatalf("ValidateDescription(%q) accepted it", tt.in)
			}
		})
	}
	for _, ok := range []string{"Jira 👩\u200d💻", "❤\ufe0f\u200d🔥 deploy", "日本語のトークン", "café", "cafe\u0301"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v", ok, err)
		}
	}
	r := Request{Kind: KindProject, Target: "acme/web", Name: "Jira\u200b", Role: RoleReporter, Scopes: []Scope{"read_api"},
		ExpiresAt: DefaultExpiry(time.Now())}
	if err := r.Validate(Limits{CallerRole: RoleMaintainer}, time.Now()); err == nil || !strings.Contains(err.Error(), "U+200B") {
		t.Fatalf("Validate = %v", err)
	}
}

// Text from the server shows what cannot be seen, escaped; the rest, emoji
// joiners included, is left as it is.
func TestEscapeInvisible(t *testing.T) {
	for in, want := range map[string]string{
		"acme/web":          "acme/web",
		"acme/w\u200beb":    "acme/w<U+200B>eb",
		"x\u202Egnp.exe":    "x<U+202E>gnp.exe",
		"a\U000E0041b":      "a<U+E0041>b",
		"👩\u200d💻 dev":      "👩\u200d💻 dev",
		"\u200dlead joiner": "<U+200D>lead joiner",
	} {
		if got := EscapeInvisible(in); got != want {
			t.Errorf("EscapeInvisible(%q) = %q, want %q", in, got, want)
		}
	}
}

// The hand-off names the token as text: an emoji as itself, not Go's escapes.
func TestHandOffPrintsNamesAsText(t *testing.T) {
	h := HandOff{Kind: KindProject, ID: 7, Name: "👩\u200d💻 Jira", Target: "on acme/web", Grant: "Reporter, read_api",
		Expires: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC), Masked: "glpat-••••••••"}
	s := h.String()
	if !strings.Contains(s, "\"👩\u200d💻 Jira\"") || strings.Contains(s, `\u200d`) {
		t.Fatalf("hand-off = %s", s)
	}
	if got := Quote("a\u200bb"); got != `"a<U+200B>b"` {
		t.Fatalf("Quote = %s", got)
	}
}
