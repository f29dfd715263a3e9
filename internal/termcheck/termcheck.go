// Package termcheck tells tests whether text is safe to have drawn: the only
// escape sequences allowed are the ones the program itself uses (SGR colours
// and attributes, OSC 8 hyperlinks); nothing may retitle the window, write the
// clipboard, move the cursor, clear the screen or reorder text.
package termcheck

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"gitlab-token-wizard/internal/safe"
)

var allowed = regexp.MustCompile(`\x1b\[[0-9;:]*m|\x1b\]8;[^\x1b\x07]*(\x1b\\|\x07)`)

// Problem describes the first unsafe thing in s, or returns "".
func Problem(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	rest := allowed.ReplaceAllString(s, "")
	for i, c := range rest {
		switch {
		case c == '\n' || c == '\t':
		case c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0):
			return fmt.Sprintf("control character %U at byte %d near %q", c, i, context(rest, i))
		case safe.IsBidi(c):
			return fmt.Sprintf("bidi control %U at byte %d near %q", c, i, context(rest, i))
		}
	}
	return ""
}

func context(s string, i int) string {
	a, b := max(0, i-20), min(len(s), i+20)
	return s[a:b]
}
