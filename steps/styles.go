package steps

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	s := lipgloss.NewStyle
	if noColor {
		return Styles{
			Title: s().Bold(true), Subtle: s(), Selected: s().Bold(true), Cursor: s().Bold(true),
			Error: s().Bold(true), Warn: s().Bold(true), OK: s(), Badge: s().Bold(true).Reverse(true),
			Secret: s().Bold(true), Box: s().Border(lipgloss.NormalBorder()).Padding(0, 1), Key: s().Bold(true), Text: s(),
			Help: help.Styles{ShortKey: s().Bold(true), ShortDesc: s(), ShortSeparator: s(), Ellipsis: s(),
				FullKey: s().Bold(true), FullDesc: s(), FullSeparator: s()},
			Input: inputStyles(s(), nil),
		}
	}
	subtle := s().Foreground(c("#6B6B6B", "#8A8A8A"))
	return Styles{
		Title:    s().Bold(true).Foreground(c("#5A2CA0", "#B794F6")),
		Subtle:   subtle,
		Selected: s().Bold(true).Foreground(c("#1F6FEB", "#79C0FF")),
		Cursor:   s().Foreground(c("#1F6FEB", "#79C0FF")),
		Error:    s().Bold(true).Foreground(c("#B42318", "#FF7B72")),
		Warn:     s().Foreground(c("#9A6700", "#E3B341")),
		OK:       s().Foreground(c("#1A7F37", "#56D364")),
		Badge:    s().Bold(true).Foreground(lipgloss.Color("#000000")).Background(c("#E3B341", "#E3B341")).Padding(0, 1),
		Secret:   s().Bold(true).Foreground(c("#9A6700", "#E3B341")),
		Box:      s().Border(lipgloss.RoundedBorder()).BorderForeground(c("#D0D7DE", "#30363D")).Padding(0, 1),
		Key:      s().Bold(true),
		Text:     s(),
		Help: help.Styles{ShortKey: s().Bold(true), ShortDesc: subtle, ShortSeparator: subtle, Ellipsis: subtle,
			FullKey: s().Bold(true), FullDesc: subtle, FullSeparator: subtle},
		Input: inputStyles(subtle, c("#1F6FEB", "#79C0FF")),
	}
}
