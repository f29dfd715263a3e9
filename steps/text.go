package steps

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// DefaultWidth is the width drawn at before the terminal reports its size.
const DefaultWidth = 79

// doc builds a view line by line: prose is wrapped at the width, while
// commands and addresses are added whole (a break inside them would change
// what a copy pastes). It remembers the lines that must stay on screen,
// from focus to focusEnd: a row and its meaning, a field and its note.
type doc struct {
	width           int
	lines           []string
	focus, focusEnd int
}

func newDoc(width int) *doc {
	if width <= 0 {
		width = DefaultWidth
	}
	return &doc{width: width, focus: -1, focusEnd: -1}
}

// text adds prose, wrapped and styled line by line (a style spanning a line
// break would be lost when the screen scrolls that break out of view).
func (d *doc) text(st lipgloss.Style, s string) { d.hanging("", "", st, s) }

// minHang is the narrowest column prose is drawn in beside a lead (a
// label, a mark); narrower, and a line would hold a word or two.
const minHang = 12

// under is the indent of prose drawn under its lead instead of beside it.
const under = "    "

// fits reports whether prose s reads well in a column w cells wide beside
// a lead: w is at least minHang and holds s's longest word, which would
// otherwise be cut in two. Nothing at all fits anywhere.
func fits(s string, w int) bool {
	longest := 0
	for _, f := range strings.Fields(s) {
		longest = max(longest, ansi.StringWidth(f))
	}
	return longest == 0 || w >= minHang && w >= longest
}

// hanging adds prose after first, continued lines indented by rest. Where
// the column beside first does not fit the prose (a narrow window), first
// gets a line of its own and the prose goes under it, indented: every line
// fits the width, and no letter is cut off at the edge.
func (d *doc) hanging(first, rest string, st lipgloss.Style, s string) {
	lw := ansi.StringWidth(first)
	if lw > len(under) && !fits(s, d.width-lw) {
		d.lines = append(d.lines, strings.TrimRight(first, " "))
		first, rest, lw = under, under, len(under)
	}
	for i, l := range strings.Split(Wrap(s, d.width-lw), "\n") {
		lead := rest
		if i == 0 {
			lead = first
		}
		d.lines = append(d.lines, lead+st.Render(l))
	}
}

// raw adds lines as they are: a command, an address, an input.
func (d *doc) raw(s ...string) {
	for _, l := range s {
		d.lines = append(d.lines, strings.Split(l, "\n")...)
	}
}

func (d *doc) blank() { d.lines = append(d.lines, "") }

// option adds one row of a list: the cursor's row marked, highlighted, and
// remembered as the line to keep on screen.
func (d *doc) option(st *Styles, selected bool, label string) {
	if selected {
		from := len(d.lines)
		d.hanging(st.Cursor.Render("> "), "  ", st.Selected, label)
		d.keep(from)
		return
	}
	d.hanging("  ", "  ", st.Text, label)
}

// row adds one row of a list drawn in columns: the cursor's mark, the
// label padded to col cells (highlighted on the cursor's row, subtle when
// dim), and the detail beside it, its continued lines under it. A label
// wider than its column (GitLab's own usernames, a long path) puts the
// detail on the next line at full width, not into a strip beside it.
// Where the detail's column would be too narrow (a narrow window), the
// detail goes below too, and the label is not padded past the edge.
func (d *doc) row(st *Styles, selected, dim bool, label string, col int, detail string) {
	below := ansi.StringWidth(label) > col || !fits(detail, d.width-(col+3))
	cur, l := "  ", label
	if !below {
		l = pad(label, col)
	}
	switch {
	case selected:
		cur, l = st.Cursor.Render("> "), st.Selected.Render(l)
	case dim:
		l = st.Subtle.Render(l)
	}
	from := len(d.lines)
	if selected {
		defer d.keep(from) // the row, its detail included
	}
	if below {
		d.raw(cur + l)
		if detail != "" {
			d.hanging(under, under, st.Subtle, detail)
		}
		return
	}
	d.hanging(cur+l+" ", pad("", col+3), st.Subtle, detail)
}

// keep makes the lines from line from to the last one added those that
// must stay on screen: the cursor's row with its meaning, a field with the
// note under it (what a key or a paste did is seen where it happened). The
// frame scrolls as little as it takes to show them, their first line when
// they do not all fit.
func (d *doc) keep(from int) { d.focus, d.focusEnd = from, len(d.lines)-1 }

func (d *doc) String() string { return strings.Join(d.lines, "\n") }

// Link draws an address as an OSC 8 hyperlink: whole, and clickable even
// where the screen cuts it at the edge.
func Link(url string) string { return ansi.SetHyperlink(url) + url + ansi.ResetHyperlink() }

// Wrap fits prose to width, breaking each line at spaces only — never inside
// "--flag" or "Content-Type" as hyphen-breaking wrappers do. A word longer
// than the width is cut at the width.
func Wrap(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = wordWrap(l, width)
		}
	}
	return strings.Join(lines, "\n")
}

// wordWrap breaks one line at spaces; trailing spaces past the width are dropped.
func wordWrap(line string, width int) string {
	var out []string
	cur, curW := "", 0
	for i, w := range strings.Split(line, " ") {
		ww := ansi.StringWidth(w)
		sep := 0
		if i > 0 {
			sep = 1
		}
		if curW+sep+ww <= width {
			if i > 0 {
				cur += " "
			}
			cur, curW = cur+w, curW+sep+ww
			continue
		}
		if ww == 0 {
			continue // a space that would pass the edge
		}
		if cur != "" {
			out = append(out, cur)
		}
		cur = w
		for ansi.StringWidth(cur) > width {
			out = append(out, ansi.Truncate(cur, width, ""))
			cur = ansi.TruncateLeft(cur, width, "")
		}
		curW = ansi.StringWidth(cur)
	}
	return strings.Join(append(out, cur), "\n")
}

// pad fills s with spaces to n cells (cells, not characters: wide and
// zero-width characters count as the terminal draws them).
func pad(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// Copied says what a copy key did, honestly: OSC 52 asks the terminal to
// set its clipboard, and some terminals (and tmux without set-clipboard on)
// ignore it without a word.
func Copied(what string) string {
	return "Sent " + what + " to the terminal's clipboard (OSC 52). Paste it to check: some terminals, and tmux without set-clipboard on, ignore it."
}
