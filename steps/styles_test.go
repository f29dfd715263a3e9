package steps

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// vga is the Linux console's palette (TERM=linux) for the 16 ANSI colours.
var vga = [16]color.RGBA{
	{0, 0, 0, 255}, {0xAA, 0, 0, 255}, {0, 0xAA, 0, 255}, {0xAA, 0x55, 0, 255}, {0, 0, 0xAA, 255}, {0xAA, 0, 0xAA, 255}, {0, 0xAA, 0xAA, 255}, {0xAA, 0xAA, 0xAA, 255},
	{0x55, 0x55, 0x55, 255}, {0xFF, 0x55, 0x55, 255}, {0x55, 0xFF, 0x55, 255}, {0xFF, 0xFF, 0x55, 255}, {0x55, 0x55, 0xFF, 255}, {0xFF, 0x55, 0xFF, 255}, {0x55, 0xFF, 0xFF, 255}, {0xFF, 0xFF, 0xFF, 255},
}

// rgb is the colour c shows: an ANSI colour as the Linux console draws it.
func rgb(c color.Color) color.RGBA {
	switch c := c.(type) {
	case ansi.BasicColor:
		return vga[c]
	case ansi.IndexedColor:
		if c < 16 {
			return vga[c]
		}
	}
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.RGBA) float64 {
	f := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*f(c.R) + 0.7152*f(c.G) + 0.0722*f(c.B)
}

// contrast is WCAG 2's contrast ratio of two colours, 1 to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// colours lists every colour a palette draws text or borders in, by the
// style that uses it; nil entries (no colour: the terminal's own) are left out.
func colours(st Styles) map[string]color.Color {
	out := map[string]color.Color{}
	add := func(name string, c color.Color) {
		if _, none := c.(lipgloss.NoColor); c != nil && !none {
			out[name] = c
		}
	}
	for name, s := range map[string]lipgloss.Style{"Title": st.Title, "Subtle": st.Subtle, "Selected": st.Selected, "Cursor": st.Cursor,
		"Error": st.Error, "Warn": st.Warn, "OK": st.OK, "Secret": st.Secret, "Key": st.Key, "Text": st.Text,
		"Help.ShortKey": st.Help.ShortKey, "Help.ShortDesc": st.Help.ShortDesc, "Help.ShortSeparator": st.Help.ShortSeparator,
		"Help.Ellipsis": st.Help.Ellipsis, "Help.FullKey": st.Help.FullKey, "Help.FullDesc": st.Help.FullDesc, "Help.FullSeparator": st.Help.FullSeparator,
		"Input.Placeholder": st.Input.Focused.Placeholder, "Input.Text": st.Input.Focused.Text, "Input.Prompt": st.Input.Focused.Prompt} {
		add(name, s.GetForeground())
		add(name+" background", s.GetBackground())
	}
	add("Box border", st.Box.GetBorderTopForeground())
	add("Input.Cursor", st.Input.Cursor.Color)
	return out
}

// TestContrast measures every style of every palette against the
// backgrounds it is drawn on: at least 4.5:1 (WCAG AA for text), borders
// and the cursor included. The badge is measured against its own colour.
func TestContrast(t *testing.T) {
	white, paper := color.RGBA{0xFF, 0xFF, 0xFF, 255}, color.RGBA{0xF6, 0xF8, 0xFA, 255}
	black, editor := color.RGBA{0, 0, 0, 255}, color.RGBA{0x1E, 0x1E, 0x1E, 255}
	tests := []struct {
		palette Palette
		dark    bool
		bgs     []color.RGBA
	}{
		{PaletteFull, false, []color.RGBA{white, paper}},
		{PaletteFull, true, []color.RGBA{black, editor}},
		{PaletteANSI, false, []color.RGBA{white}},
		{PaletteANSI, true, []color.RGBA{black}}, // the Linux console
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("palette %d dark %v", tt.palette, tt.dark), func(t *testing.T) {
			st := StylesFor(tt.dark, tt.palette)
			cs := colours(st)
			if len(cs) < 5 {
				t.Fatalf("only %d colours found: the test no longer reads the styles", len(cs))
			}
			for name, c := range cs {
				for _, bg := range tt.bgs {
					if r := contrast(rgb(c), bg); r < 4.5 {
						t.Errorf("%s %v on %v: contrast %.2f, want at least 4.5", name, rgb(c), bg, r)
					}
				}
				if tt.palette == PaletteANSI {
					if b, ok := c.(ansi.BasicColor); ok && (b == 0 || b == 8) {
						t.Errorf("%s is ANSI %d, black or grey: black on the console's black", name, b)
					}
				}
			}
			if fg, bg := st.Badge.GetForeground(), st.Badge.GetBackground(); !isNone(fg) && !isNone(bg) {
				if r := contrast(rgb(fg), rgb(bg)); r < 4.5 {
					t.Errorf("badge contrast %.2f", r)
				}
			}
		})
	}
}

// TestNoColorAndTheLinuxConsole: NO_COLOR leaves no colour anywhere, and
// the ANSI palette draws the help's separators and descriptions in the
// terminal's own colour (TERM=linux showed them black on black).
func TestNoColorAndTheLinuxConsole(t *testing.T) {
	for _, dark := range []bool{true, false} {
		if cs := colours(StylesFor(dark, PaletteNone)); len(cs) != 0 {
			t.Errorf("NO_COLOR palette has colours: %v", cs)
		}
		h := StylesFor(dark, PaletteANSI).Help
		for name, s := range map[string]lipgloss.Style{"ShortSeparator": h.ShortSeparator, "ShortDesc": h.ShortDesc, "FullSeparator": h.FullSeparator, "FullDesc": h.FullDesc} {
			if !isNone(s.GetForeground()) {
				t.Errorf("ANSI palette: help %s has colour %v", name, s.GetForeground())
			}
		}
	}
}

func isNone(c color.Color) bool {
	_, none := c.(lipgloss.NoColor)
	return c == nil || none
}
