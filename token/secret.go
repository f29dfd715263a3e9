package token

import "strings"

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

// Masked keeps the well-known prefix ("glpat-") and hides the rest.
func (s Secret) Masked() string {
	v := string(s)
	if v == "" {
		return ""
	}
	if i := strings.IndexByte(v, '-'); i > 0 && i <= 12 {
		return v[:i+1] + "••••••••"
	}
	return "••••••••"
}
