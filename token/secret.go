package token

import (
	"fmt"
	"regexp"
)

// Secret holds a token value. Its String and GoString methods mask it, so a
// stray %v in a log or error cannot print it; Reveal is the one way out.
type Secret string

// Reveal returns the value itself. Call it only where the user asked to see,
// copy, save or print the token.
func (s Secret) Reveal() string { return string(s) }

// String returns the masked form.
func (s Secret) String() string { return s.Masked() }

// GoString returns the masked form.
func (s Secret) GoString() string { return s.Masked() }

// MarshalText writes the masked form, so JSON encoding never leaks it by accident.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Masked()), nil }

// knownPrefix matches GitLab's token prefixes (glpat-, gloas-, glrt-,
// glsoat-, ...): public, documented, and what tells a person which kind of
// token they hold. Nothing else of a value is ever shown masked, whatever
// its shape, so a custom or hostile value shows no secret character.
var knownPrefix = regexp.MustCompile(`^gl[a-z]{1,8}-`)

// Masked keeps a GitLab prefix ("glpat-") and hides the rest.
func (s Secret) Masked() string {
	v := string(s)
	if v == "" {
		return ""
	}
	if p := knownPrefix.FindString(v); p != "" && len(v) > len(p)+8 {
		return p + "••••••••"
	}
	return "••••••••"
}

// MaxTokenLen bounds a plausible token: GitLab's longest formats (routable
// tokens with a payload) are under 200 characters.
const MaxTokenLen = 1024

// Plausible reports why a value cannot be a GitLab token, or nil. A value
// from the server is printed, copied and saved only when plausible: printable
// ASCII without spaces, quotes or backslashes, of a bounded length. Anything
// else — escape sequences, newlines, bidi controls, a page of HTML — would
// act on the terminal or the file it lands in.
func (s Secret) Plausible() error {
	v := string(s)
	switch {
	case v == "":
		return fmt.Errorf("sent no value")
	case len(v) > MaxTokenLen:
		return fmt.Errorf("sent a value of %d bytes, longer than any GitLab token", len(v))
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\' || c == '`' {
			return fmt.Errorf("sent a value that is not a plausible token (it holds %s)", describeByte(c))
		}
	}
	return nil
}

func describeByte(c byte) string {
	switch {
	case c == ' ':
		return "a space"
	case c < ' ' || c == 0x7f:
		return fmt.Sprintf("control character 0x%02x", c)
	case c >= 0x80:
		return "non-ASCII characters"
	}
	return fmt.Sprintf("the character %q", c)
}
