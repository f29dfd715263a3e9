package steps

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles is every style the wizard draws with; View methods use nothing else.
type Styles struct {
	Title, Subtle, Selected, Cursor, Error, Warn, OK, Badge, Secret, Box, Key lipgloss.Style
	// Text is plain text: prose drawn through the same wrapping as styled text.
	Text lipgloss.Style
	// Help styles the help bar, and Input the text inputs, so that they
	// follow the background and NO_COLOR too.
	Help  help.Styles
	Input textinput.Styles
}

// Palette is the set of colours a terminal can show.
type Palette int

// The palettes.
const (
	// PaletteFull is for terminals with 256 colours or more.
	PaletteFull Palette = iota
	// PaletteANSI is for terminals with the 16 ANSI colours only, such as
	// the Linux console (TERM=linux): the full palette's greys would become
	// black there, unreadable on its black background, so it uses none —
	// subtle text, separators and borders are drawn in the plain colour.
	PaletteANSI
	// PaletteNone uses bold, reverse and underline only (NO_COLOR).
	PaletteNone
)

// inputStyles are the text inputs' styles: placeholder in subtle, and a
// cursor that does not blink (a blinking cursor redraws the screen twice a
// second: noise for a screen reader and over SSH).
func inputStyles(subtle lipgloss.Style, cursor color.Color) textinput.Styles {
	st := lipgloss.NewStyle()
	state := textinput.StyleState{Text: st, Placeholder: subtle, Suggestion: subtle, Prompt: st}
	return textinput.Styles{Focused: state, Blurred: state, Cursor: textinput.CursorStyle{Color: cursor, Shape: tea.CursorBlock}}
}

// NewStyles builds the styles for a dark or light background. With noColor
// (NO_COLOR set to anything) it uses bold, reverse and underline only.
func NewStyles(isDark, noColor bool) Styles {
	if noColor {
		return StylesFor(isDark, PaletteNone)
	}
	return StylesFor(isDark, PaletteFull)
}

// StylesFor builds the styles of palette p for a dark or light background.
// Every colour keeps a contrast of at least 4.5:1 with the background
// (TestContrast measures it on both).
func StylesFor(isDark bool, p Palette) Styles {
	switch p {
	case PaletteNone:
		return plainStyles()
	case PaletteANSI:
		return ansiStyles(isDark)
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	s := lipgloss.NewStyle
	subtle := s().Foreground(c("#6B6B6B", "#8A8A8A"))
	return Styles{
		Title:    s().Bold(true).Foreground(c("#5A2CA0", "#B794F6")),
		Subtle:   subtle,
		Selected: s().Bold(true).Foreground(c("#0969DA", "#79C0FF")),
		Cursor:   s().Foreground(c("#0969DA", "#79C0FF")),
		Error:    s().Bold(true).Foreground(c("#B42318", "#FF7B72")),
		Warn:     s().Foreground(c("#8A6100", "#E3B341")),
		OK:       s().Foreground(c("#1A7F37", "#56D364")),
		Badge:    s().Bold(true).Foreground(lipgloss.Color("#000000")).Background(lipgloss.Color("#E3B341")).Padding(0, 1),
		Secret:   s().Bold(true).Foreground(c("#8A6100", "#E3B341")),
		// The border frames the token: as readable as subtle text.
		Box:  s().Border(lipgloss.RoundedBorder()).BorderForeground(c("#6B6B6B", "#8A8A8A")).Padding(0, 1),
		Key:  s().Bold(true),
		Text: s(),
		Help: help.Styles{ShortKey: s().Bold(true), ShortDesc: subtle, ShortSeparator: subtle, Ellipsis: subtle,
			FullKey: s().Bold(true), FullDesc: subtle, FullSeparator: subtle},
		Input: inputStyles(subtle, c("#0969DA", "#79C0FF")),
	}
}

// plainStyles use no colour at all.
func plainStyles() Styles {
	s := lipgloss.NewStyle
	return Styles{
		Title: s().Bold(true), Subtle: s(), Selected: s().Bold(true), Cursor: s().Bold(true),
		Error: s().Bold(true), Warn: s().Bold(true), OK: s(), Badge: s().Bold(true).Reverse(true),
		Secret: s().Bold(true), Box: s().Border(lipgloss.NormalBorder()).Padding(0, 1), Key: s().Bold(true), Text: s(),
		Help: help.Styles{ShortKey: s().Bold(true), ShortDesc: s(), ShortSeparator: s(), Ellipsis: s(),
			FullKey: s().Bold(true), FullDesc: s(), FullSeparator: s()},
		Input: inputStyles(s(), nil),
	}
}

// ansiStyles use the 16 ANSI colours, picked for contrast with the Linux
// console's VGA palette (on black) or a light terminal's (on white); never
// black or grey, which some consoles draw as black. Subtle text is plain:
// it is told apart by what surrounds it.
func ansiStyles(isDark bool) Styles {
	s := lipgloss.NewStyle
	pick := func(light, dark int) color.Color {
		if isDark {
			return ansi.BasicColor(dark)
		}
		return ansi.BasicColor(light)
	}
	st := plainStyles()
	st.Title = s().Bold(true).Foreground(pick(5, 13))
	st.Selected = s().Bold(true).Foreground(pick(4, 6))
	st.Cursor = s().Foreground(pick(4, 6))
	st.Error = s().Bold(true).Foreground(pick(1, 9))
	st.Warn = s().Foreground(pick(3, 11))
	st.Secret = s().Bold(true).Foreground(pick(3, 11))
	st.OK = s().Foreground(pick(4, 2))
	st.Input = inputStyles(s(), pick(4, 6))
	return st
}
