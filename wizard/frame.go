package wizard

// The frame every screen is drawn in: a header, the title, the body in a
// viewport that scrolls (keys, wheel), the latest notice, and the help drawn
// from the bindings. Nothing is ever cut off for good: what does not fit is
// one key away, and the help says which.

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/steps"
)

// ScrollKeyMap holds the keys that scroll the body. Up and down scroll only
// where the screen has no use for them (a list moves its cursor instead);
// home, end, left and right only where no text input has the keyboard.
type ScrollKeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Left, Right key.Binding
	// Hint stands for the vertical ones in the short help, Sideways for
	// left and right when a line (a long command or address) runs past the edge.
	Hint, Sideways key.Binding
	// Help toggles the full help.
	Help key.Binding
}

// DefaultScrollKeyMap returns the scroll keys.
func DefaultScrollKeyMap() ScrollKeyMap {
	return ScrollKeyMap{
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "scroll left")),
		Right:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "scroll right")),
		Hint:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
		Sideways: key.NewBinding(key.WithKeys("right"), key.WithHelp("←/→", "see long lines")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
	}
}

type frame struct {
	c *steps.Common
	// width and height are the window's; height is 0 until the terminal
	// reports its size, and then everything is drawn, unscrolled.
	width, height int
	vp            viewport.Model
	keys          ScrollKeyMap
	help          help.Model
	full          bool // the full help is shown
	// title and focus are what the body was last scrolled for: a new title
	// starts at the top, a moved cursor is scrolled into view.
	title string
	focus [2]int
	// wide is set when a line of the body runs past the edge.
	wide bool
	out  string
}

// widest is the width of the widest line of s.
func widest(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

func newFrame(c *steps.Common) frame {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SetHorizontalStep(8)
	return frame{c: c, width: steps.DefaultWidth + 1, vp: vp, keys: DefaultScrollKeyMap(), help: help.New(), focus: [2]int{-1, -1}}
}

func (f *frame) resize(w, h int) {
	f.width, f.height = w, h
	f.c.Width = max(w-1, 20) // the last column is left free: some terminals wrap on it
}

func (f *frame) top() { f.vp.GotoTop(); f.vp.SetXOffset(0) }

func (f *frame) scroll(msg tea.Msg) { f.vp, _ = f.vp.Update(msg) }

// scrollKey scrolls for k if k is a scroll key that is enabled now.
func (f *frame) scrollKey(k tea.KeyPressMsg, takesText bool) bool {
	kk := f.keys
	for _, b := range []*key.Binding{&kk.Top, &kk.Bottom, &kk.Left, &kk.Right} {
		b.SetEnabled(!takesText)
	}
	switch {
	case key.Matches(k, kk.Up):
		f.vp.ScrollUp(1)
	case key.Matches(k, kk.Down):
		f.vp.ScrollDown(1)
	case key.Matches(k, kk.PageUp):
		f.vp.PageUp()
	case key.Matches(k, kk.PageDown):
		f.vp.PageDown()
	case key.Matches(k, kk.Top):
		f.top()
	case key.Matches(k, kk.Bottom):
		f.vp.GotoBottom()
	case key.Matches(k, kk.Left):
		f.vp.ScrollLeft(8)
	case key.Matches(k, kk.Right):
		f.vp.ScrollRight(8)
	default:
		return false
	}
	return true
}

// keep scrolls the lines first to last into view, as little as it takes:
// below the view they end it, above it they begin it, and where they do not
// all fit, the first is shown. A cursor moving down a list scrolls a row at
// a time, its meaning with it; a note under a field is seen with the field.
func (f *frame) keep(first, last int) {
	f.vp.SetXOffset(0)
	y, h := f.vp.YOffset(), f.vp.Height()
	if last >= y+h {
		y = last - h + 1
	}
	y = min(y, first)
	f.vp.SetYOffset(y)
}

// focusHidden reports whether the cursor's row (the focus last drawn) is
// out of view: the view was scrolled away from it (pgup/pgdn, the wheel).
func (f *frame) focusHidden() bool {
	if f.height <= 0 || f.focus[0] < 0 {
		return false
	}
	y := f.vp.YOffset()
	return f.focus[0] < y || f.focus[0] >= y+f.vp.Height()
}

// showFocus scrolls the cursor's row back into view.
func (f *frame) showFocus() { f.keep(f.focus[0], f.focus[1]) }

// page is one screenful to draw.
type page struct {
	header, title, body string
	// focus is the body line to keep in view, -1 for none, and focusEnd
	// the last of the lines that go with it (focus when none do).
	focus, focusEnd int
	notice          string
	keys            help.KeyMap
	takesText       bool
	// busy is a request in flight: neither scrolling nor ? apply.
	busy bool
}

// draw lays p out in the window and keeps the result for View.
func (f *frame) draw(p page) {
	if p.title != f.title || p.takesText {
		// The full help belongs to the screen it was opened on; where ? is
		// text it could not be closed with ?, so it is never open there.
		f.full = false
	}
	f.help.Styles, f.help.ShowAll = f.c.Styles.Help, f.full
	width := f.c.Width
	f.vp.SetWidth(width)
	f.vp.SetContent(p.body)
	// Whether the body scrolls decides whether the help names the scroll
	// keys, and the help's height decides the body's: a close estimate is
	// enough (the header, title and gaps take four lines).
	scrolls := f.height > 0 && f.vp.TotalLineCount() > f.height-6
	f.wide = f.height > 0 && widest(p.body) > width
	helpView := f.helpView(p, scrolls)
	header := ansi.Truncate(p.header, width, "…")
	var bottom []string
	if p.notice != "" {
		bottom = append(bottom, ansi.Wrap(p.notice, width, ""))
	}
	bottom = append(bottom, helpView)
	if f.height <= 0 {
		f.out = strings.Join(append([]string{header, "", p.title, "", p.body, ""}, bottom...), "\n")
		return
	}
	bottomLines := strings.Count(strings.Join(bottom, "\n"), "\n") + 1
	// When the window is short the blank lines go first, then the header,
	// then the title: the body and the keys must stay. A title wider than
	// the window is wrapped, not cut.
	title := strings.Split(ansi.Wrap(p.title, width, ""), "\n")
	with := func(lines ...[]string) []string { return slices.Concat(lines...) }
	var top []string
	for _, t := range [][]string{with([]string{header, ""}, title, []string{""}), with([]string{header}, title), title, {}} {
		if len(t)+bottomLines+3 <= f.height {
			top = t
			break
		}
	}
	room := max(f.height-len(top)-bottomLines, 1)
	was := f.vp.Height()
	f.vp.SetHeight(room)
	if f.vp.TotalLineCount() > room && room > 1 {
		f.vp.SetHeight(room - 1) // a line to say there is more
	}
	// A taller window shows more below the view: the view comes down with
	// it rather than leave blank lines below and hide the top unsaid.
	f.vp.SetYOffset(f.vp.YOffset())
	if p.title != f.title {
		f.title, f.focus = p.title, [2]int{-1, -1}
		f.top()
	}
	focus := [2]int{p.focus, max(p.focusEnd, p.focus)}
	if p.focus >= 0 && (focus != f.focus || f.vp.Height() != was) {
		// A moved cursor, or a view that changed size (the full help
		// opened, the window resized), keeps the cursor's row in sight.
		f.keep(focus[0], focus[1])
	}
	f.focus = focus
	lines := append(append([]string{}, top...), f.vp.View())
	if f.vp.Height() < room {
		lines = append(lines, f.c.Styles.Subtle.Render(f.position()))
	}
	f.out = strings.Join(append(lines, bottom...), "\n")
}

// position says where the view is in a body longer than the window.
func (f *frame) position() string {
	above, below := f.vp.YOffset(), f.vp.TotalLineCount()-f.vp.YOffset()-f.vp.Height()
	switch {
	case above == 0:
		return fmt.Sprintf("▼ %d more lines below (pgdn)", below)
	case below <= 0:
		return fmt.Sprintf("▲ %d lines above (pgup)", above)
	}
	return fmt.Sprintf("▲ %d above · ▼ %d below (pgup/pgdn)", above, below)
}

// helpView is the screen's keys, then the frame's: scrolling when the body
// is longer than the window, and ? for every key (or, open, for fewer).
func (f *frame) helpView(p page, scrolls bool) string {
	kk := f.keys
	kk.Hint.SetEnabled(scrolls && !p.busy)
	kk.Sideways.SetEnabled(f.wide && !p.takesText && !p.busy)
	kk.Help.SetEnabled(!p.takesText && !p.busy)
	if !f.full {
		return f.shortHelp(append(p.keys.ShortHelp(), kk.Hint, kk.Sideways, kk.Help))
	}
	kk.Help.SetHelp(kk.Help.Help().Key, "fewer keys")
	scroll := []key.Binding{kk.Up, kk.Down, kk.PageUp, kk.PageDown}
	if !p.takesText {
		scroll = append(scroll, kk.Top, kk.Bottom, kk.Left, kk.Right)
	}
	return f.fullHelp(append(p.keys.FullHelp(), unowned(p.keys, scroll), []key.Binding{kk.Help}))
}

// unowned is the bindings of bs whose keys the screen does not take for
// itself: on a list, up and down move the cursor (the screen scrolls to
// it), so "↑ scroll up" beside "↑ up" would be a key listed twice.
func unowned(keys help.KeyMap, bs []key.Binding) []key.Binding {
	taken := map[string]bool{}
	for _, col := range append(keys.FullHelp(), keys.ShortHelp()) {
		for _, b := range col {
			if b.Enabled() {
				for _, k := range b.Keys() {
					taken[k] = true
				}
			}
		}
	}
	var out []key.Binding
	for _, b := range bs {
		if !slices.ContainsFunc(b.Keys(), func(k string) bool { return !taken[k] }) {
			continue // every key of b is the screen's
		}
		out = append(out, b)
	}
	return out
}

// fullHelp lays the columns of bindings side by side, and on further rows
// where the width ends: no column is dropped (bubbles' help cuts them off
// with an ellipsis, the scroll keys and ? among them).
func (f *frame) fullHelp(groups [][]key.Binding) string {
	h := f.help
	h.SetWidth(0) // one column at a time, never cut
	sep := h.Styles.FullSeparator.Render(h.FullSeparator)
	var rows, cur []string
	curW := 0
	for _, g := range groups {
		col := h.FullHelpView([][]key.Binding{g})
		if col == "" {
			continue // no binding of it is enabled
		}
		w := lipgloss.Width(col)
		if len(cur) > 0 && curW+lipgloss.Width(sep)+w > f.c.Width {
			rows, cur, curW = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, cur...)), nil, 0
		}
		if len(cur) > 0 {
			cur, curW = append(cur, sep), curW+lipgloss.Width(sep)
		}
		cur, curW = append(cur, col), curW+w
	}
	if len(cur) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, cur...))
	}
	return strings.Join(rows, "\n")
}

// shortHelp lays the bindings out on as many lines as the width needs,
// breaking between bindings, never inside one ("copy hand-" / "off").
func (f *frame) shortHelp(bs []key.Binding) string {
	st := f.c.Styles.Help
	sep := st.ShortSeparator.Render(" • ")
	var lines []string
	cur, curW := "", 0
	for _, b := range bs {
		if !b.Enabled() || b.Help().Key == "" {
			continue
		}
		w := ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		item := st.ShortKey.Render(b.Help().Key) + " " + st.ShortDesc.Render(b.Help().Desc)
		switch {
		case cur == "":
			cur, curW = item, w
		case curW+3+w <= f.c.Width:
			cur, curW = cur+sep+item, curW+3+w
		default:
			lines, cur, curW = append(lines, cur), item, w
		}
	}
	return strings.Join(append(lines, cur), "\n")
}
