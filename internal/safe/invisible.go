package safe

import (
	"fmt"
	"strings"
	"unicode"
)

// Invisible characters draw as nothing, or change how the text around them
// is drawn: zero-width spaces and joiners, word joiners, soft hyphens,
// bidi controls, the tag block, blank fillers. In text from a server they
// could hide a difference between two names, or split a secret so that no
// filter recognises it; they are shown escaped ("<U+200B>").

// IsInvisible reports whether c is invisible or reorders text: Unicode's
// format characters (zero-width, bidi controls, the tag block U+E0000…),
// and the fillers and joiners that draw as blank.
func IsInvisible(c rune) bool {
	switch {
	case unicode.Is(unicode.Cf, c), c == 0x034F, c == 0x115F, c == 0x1160, c == 0x3164, c == 0xFFA0, c == 0x17B4, c == 0x17B5:
		return true
	case c >= 0xE0000 && c <= 0xE0FFF: // tags and their neighbours: unassigned or invisible
		return true
	}
	return false
}

// InvisibleAt reports whether rs[i] is an invisible character that matters:
// a zero-width joiner between two pictographs (👩‍💻) is visible in its effect
// and harmless, and is not one.
func InvisibleAt(rs []rune, i int) bool {
	return IsInvisible(rs[i]) && !emojiJoin(rs, i)
}

func emojiJoin(rs []rune, i int) bool {
	if rs[i] != 0x200D || i == 0 || i == len(rs)-1 {
		return false
	}
	pict := func(c rune) bool {
		return unicode.Is(unicode.So, c) || c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0x1F000 && c <= 0x1FAFF)
	}
	return pict(rs[i-1]) && pict(rs[i+1])
}

// StripInvisible removes every invisible character from s (emoji joins
// kept): what a person reads of s, for comparing it with a known secret.
func StripInvisible(s string) string {
	if isPlain(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, c := range rs {
		if !InvisibleAt(rs, i) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// escapeInvisible shows every invisible character of s as <U+XXXX>.
func escapeInvisible(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, c := range rs {
		if InvisibleAt(rs, i) {
			fmt.Fprintf(&b, "<%U>", c)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
