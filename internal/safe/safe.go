// Package safe makes text from a GitLab server (or any untrusted source) safe
// to draw in a terminal: escape sequences, control and bidi characters and
// invalid UTF-8 are removed, and length is bounded. A hostile server must not
// be able to recolour the screen, retitle the window, write the clipboard
// (OSC 52) or reorder what the user reads.
package safe

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// MaxLen is the default number of characters kept by Line.
const MaxLen = 300

// Text removes escape sequences, control characters (newlines and tabs become
// spaces), bidi controls and invalid UTF-8 from s, and shows the other
// invisible characters escaped ("<U+200B>").
func Text(s string) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch {
		case c == '\n' || c == '\t' || c == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(c), IsBidi(c), c == '\uFEFF':
		default:
			b.WriteRune(c)
		}
	}
	return escapeInvisible(b.String())
}

// Line is Text cut to at most max characters (MaxLen when max <= 0), with an
// ellipsis when cut.
func Line(s string, max int) string {
	if max <= 0 {
		max = MaxLen
	}
	s = Text(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// IsBidi reports whether c is a bidirectional control, which can reorder what a reader sees.
func IsBidi(c rune) bool {
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C
}
