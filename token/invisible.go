package token

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gitlab-token-wizard/internal/safe"
)

// Characters that draw as nothing, or change how the text around them is
// drawn, let two token names differ where nobody can see it ("Jira" and
// "Jira\u200b"), or make a name read differently from what it holds (a
// right-to-left override). They are refused in the names and descriptions
// a user gives, and shown escaped ("<U+200B>") in text from the server.

// invisibleNames names the ones people meet, for messages.
var invisibleNames = map[rune]string{
	0x00AD: "soft hyphen", 0x034F: "combining grapheme joiner", 0x061C: "Arabic letter mark",
	0x180E: "Mongolian vowel separator", 0x200B: "zero-width space", 0x200C: "zero-width non-joiner",
	0x200D: "zero-width joiner", 0x200E: "left-to-right mark", 0x200F: "right-to-left mark",
	0x202A: "left-to-right embedding", 0x202B: "right-to-left embedding", 0x202C: "pop directional formatting",
	0x202D: "left-to-right override", 0x202E: "right-to-left override", 0x2060: "word joiner",
	0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate", 0x2068: "first strong isolate",
	0x2069: "pop directional isolate", 0x3164: "Hangul filler", 0xFEFF: "zero-width no-break space",
	0xFFA0: "halfwidth Hangul filler", 0x115F: "Hangul choseong filler", 0x1160: "Hangul jungseong filler",
}

// (The rule of what is invisible is internal/safe's IsInvisible, shared
// with the sanitizing of server text and the scrubber.)

// FirstInvisible returns the first character of s that cannot be seen or
// reorders the text around it, and whether there is one. A zero-width
// joiner inside an emoji is not one.
func FirstInvisible(s string) (rune, bool) {
	if isASCII(s) {
		return 0, false
	}
	rs := []rune(s)
	for i, c := range rs {
		if safe.InvisibleAt(rs, i) {
			return c, true
		}
	}
	return 0, false
}

// DescribeRune names c for a message: "U+202E (right-to-left override)".
func DescribeRune(c rune) string {
	if n, ok := invisibleNames[c]; ok {
		return fmt.Sprintf("%U (%s)", c, n)
	}
	if c >= 0xE0000 && c <= 0xE007F {
		return fmt.Sprintf("%U (a tag character)", c)
	}
	return fmt.Sprintf("%U (an invisible formatting character)", c)
}

// checkInvisible refuses a name or description holding an invisible
// character, naming it and why.
func checkInvisible(s, what string) error {
	if c, ok := FirstInvisible(s); ok {
		return fmt.Errorf("the %s contains %s, which cannot be seen: two names would look alike, or the text would read differently from what it holds — remove it (retype the %s rather than paste it)",
			what, DescribeRune(c), what)
	}
	return nil
}

// EscapeInvisible shows every invisible character of s as <U+XXXX>, so
// that text from the server cannot hide a difference or reorder itself.
func EscapeInvisible(s string) string {
	if isASCII(s) || !utf8.ValidString(s) {
		return s // invalid UTF-8 is the sanitizer's to replace
	}
	rs := []rune(s)
	var b strings.Builder
	for i, c := range rs {
		if safe.InvisibleAt(rs, i) {
			fmt.Fprintf(&b, "<%U>", c)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// StripInvisible removes the invisible characters of s (as FirstInvisible
// finds them) and returns the first one removed, if any.
func StripInvisible(s string) (string, rune, bool) {
	first, ok := FirstInvisible(s)
	if !ok {
		return s, 0, false
	}
	rs := []rune(s)
	var b strings.Builder
	for i, c := range rs {
		if !safe.InvisibleAt(rs, i) {
			b.WriteRune(c)
		}
	}
	return b.String(), first, true
}
