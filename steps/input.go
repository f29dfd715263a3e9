package steps

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// Field lengths. A credential or a token is about 50 characters and an
// address rarely passes 100: a few KB is room for any real one, and keeps a
// runaway paste (a whole file, 10 MB) from costing memory and a slow screen
// for every later keystroke, invisibly behind a masked field.
const (
	MaxSecretLen = 4096
	MaxHostLen   = 2048
	// MaxPathLen is Linux's PATH_MAX: no longer path can be opened.
	MaxPathLen = 4096
)

// Limit is how many characters a field takes, and why it takes no more:
// the reason is said when a paste is cut, so it must be the field's own (a
// host is not a token).
type Limit struct {
	Max int
	// Why completes "this field takes at most Max".
	Why string
}

// The fields' limits.
var (
	SecretLimit = Limit{MaxSecretLen, "a GitLab token is about 50 characters, so a longer paste is not one token"}
	HostLimit   = Limit{MaxHostLen, "a GitLab address is rarely longer than 100 characters, so a longer paste is not one address"}
	PathLimit   = Limit{MaxPathLen, "no longer path can be opened"}
	// TextLimit is a token's name or description: more than GitLab
	// keeps, so that the check on enter says what is too long.
	TextLimit = Limit{300, "GitLab keeps at most 255 characters of a name or a description"}
	// AccountLimit is a service account's name, username or email.
	AccountLimit = Limit{255, "GitLab keeps at most 255 characters of it"}
	// SearchLimit is a search: part of a name or path.
	SearchLimit = Limit{255, "a search is part of a name or a path, and no GitLab path is longer"}
	// DateLimit is a date, YYYY-MM-DD, or a number of days.
	DateLimit = Limit{20, "a date is 10 characters, YYYY-MM-DD"}
)

// Input is a text input behind the guard every field has: its Limit, and
// invisible characters left out, with a note that says what was and why.
type Input struct {
	textinput.Model
	limit Limit
}

// Fit makes the input no wider than width cells, its prompt included (and
// at most inputWidth cells of text): what is typed then scrolls inside the
// window instead of running past its edge, and a placeholder is not cut.
func (in *Input) Fit(width int) {
	in.SetWidth(max(min(inputWidth, width-ansi.StringWidth(in.Prompt)-1), 1))
}

// Type gives msg to the input through the guard (screenInput). note says
// what was left out of a key or cut from a paste ("" when nothing was).
func (in *Input) Type(msg tea.Msg) (note string, cmd tea.Cmd) {
	msg, note = screenInput(msg, in.Value(), in.limit)
	if msg == nil {
		return note, nil
	}
	in.Model, cmd = in.Model.Update(msg)
	return note, cmd
}

// ServerText makes text from GitLab fit to draw: its invisible characters
// shown as <U+200B> (a difference nobody can see, or text that reorders
// itself, is shown for what it is), then cleaned of escape sequences and
// controls, and cut to max characters (not cut when max <= 0: error
// reports that name tokens and commands are kept whole).
func ServerText(s string, max int) string {
	if max <= 0 {
		return safe.Text(token.EscapeInvisible(s))
	}
	return safe.Line(token.EscapeInvisible(s), max)
}

// screenInput checks what is about to reach a text input holding value,
// whose limit is lim (Max 0: none): invisible characters (which
// the input would draw raw, reordering the line for a bidi override) are
// dropped, and a paste is cut to the room left. It returns the message to
// give the input (nil when nothing is left of it) and a note that says what
// was dropped or cut, and why.
func screenInput(msg tea.Msg, value string, lim Limit) (tea.Msg, string) {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		if m.Text == "" {
			return msg, ""
		}
		clean, note := dropInvisible(m.Text)
		if clean == "" && note != "" {
			return nil, note
		}
		m.Text = clean
		return m, note
	case tea.PasteMsg:
		// Cut before anything else looks at it: a 10 MB paste is measured once.
		var cut string
		if lim.Max > 0 {
			room := max(lim.Max-utf8.RuneCountInString(value), 0)
			if n := utf8.RuneCountInString(m.Content); n > room {
				m.Content = firstRunes(m.Content, room)
				cut = fmt.Sprintf("The paste was cut to %d characters: this field takes at most %d (%s). Check what you copied.", room, lim.Max, lim.Why)
			}
		}
		clean, note := dropInvisible(m.Content)
		m.Content = clean
		return m, strings.TrimSpace(cut + " " + note)
	}
	return msg, ""
}

// dropInvisible removes the invisible characters from s, saying which.
func dropInvisible(s string) (string, string) {
	clean, c, ok := token.StripInvisible(s)
	if !ok {
		return s, ""
	}
	return clean, fmt.Sprintf("Left out %s: an invisible character would make this read differently from what it holds.", token.DescribeRune(c))
}

// firstRunes is the first n characters of s.
func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}
