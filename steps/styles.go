package steps

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style the wizard draws with; View methods use nothing else.
type Styles struct {
	Title, Subtle, Selected, Cursor, Error, Warn, OK, Badge, Secret, Box, Key lipgloss.Style
}

// NewStyles builds the styles for a dark or light background. With noColor
// (NO_COLOR set) it uses bold and underline only.
func NewStyles(isDark, noColor bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	s := lipgloss.NewStyle
	if noColor {
		return Styles{
			Title: s().Bold(true), Subtle: s(), Selected: s().Bold(true), Cursor: s().Bold(true),
			Error: s().Bold(true), Warn: s().Bold(true), OK: s(), Badge: s().Bold(true).Reverse(true),
			Secret: s().Bold(true), Box: s().Border(lipgloss.NormalBorder()).Padding(0, 1), Key: s().Bold(true),
		}
	}
	return Styles{
		Title:    s().Bold(true).Foreground(c("#5A2CA0", "#B794F6")),
		Subtle:   s().Foreground(c("#6B6B6B", "#8A8A8A")),
		Selected: s().Bold(true).Foreground(c("#1F6FEB", "#79C0FF")),
		Cursor:   s().Foreground(c("#1F6FEB", "#79C0FF")),
		Error:    s().Bold(true).Foreground(c("#B42318", "#FF7B72")),
		Warn:     s().Foreground(c("#9A6700", "#E3B341")),
		OK:       s().Foreground(c("#1A7F37", "#56D364")),
		Badge:    s().Bold(true).Foreground(lipgloss.Color("#000000")).Background(c("#E3B341", "#E3B341")).Padding(0, 1),
		Secret:   s().Bold(true).Foreground(c("#9A6700", "#E3B341")),
		Box:      s().Border(lipgloss.RoundedBorder()).BorderForeground(c("#D0D7DE", "#30363D")).Padding(0, 1),
		Key:      s().Bold(true),
	}
}
