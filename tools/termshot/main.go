// Command termshot turns a terminal capture with colours (tmux capture-pane
// -e -p) into a PNG, so the README can show the wizard as a terminal shows
// it. It replays the capture in a terminal emulator (x/vt) and draws each
// cell with the Go Mono font.
//
//	tmux capture-pane -e -p -t SESSION | go run ./tools/termshot -cols 100 -rows 34 -o docs/wizard.png
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

var (
	background = color.RGBA{0x0d, 0x11, 0x17, 0xff}
	foreground = color.RGBA{0xe6, 0xed, 0xf3, 0xff}
)

func main() {
	cols := flag.Int("cols", 100, "terminal width in cells")
	rows := flag.Int("rows", 34, "terminal height in cells")
	out := flag.String("o", "wizard.png", "PNG file to write")
	size := flag.Float64("size", 15, "font size in points (at 72 dpi)")
	flag.Parse()
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	emu := vt.NewEmulator(*cols, *rows)
	go func() { _, _ = io.Copy(io.Discard, emu) }()
	// capture-pane ends lines with \n only; a terminal would return the carriage too.
	_, _ = emu.Write(bytes.ReplaceAll(bytes.TrimRight(in, "\n"), []byte("\n"), []byte("\r\n")))
	img, err := render(emu, *cols, *rows, *size)
	if err != nil {
		fail(err)
	}
	f, err := os.Create(*out)
	if err != nil {
		fail(err)
	}
	if err := png.Encode(f, img); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "termshot:", err)
	os.Exit(1)
}

func face(ttf []byte, size float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

func render(emu *vt.Emulator, cols, rows int, size float64) (image.Image, error) {
	regular, err := face(gomono.TTF, size)
	if err != nil {
		return nil, err
	}
	bold, err := face(gomonobold.TTF, size)
	if err != nil {
		return nil, err
	}
	adv, _ := regular.GlyphAdvance('M')
	cw := adv.Ceil()
	m := regular.Metrics()
	ch := (m.Ascent + m.Descent).Ceil() + 2
	pad := 16
	img := image.NewRGBA(image.Rect(0, 0, cols*cw+2*pad, rows*ch+2*pad))
	draw.Draw(img, img.Bounds(), &image.Uniform{background}, image.Point{}, draw.Src)
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; x++ {
			c := emu.CellAt(x, y)
			if c == nil {
				continue
			}
			fg, bg := colorOr(c.Style.Fg, foreground), colorOr(c.Style.Bg, background)
			if c.Style.Attrs&uv.AttrReverse != 0 {
				fg, bg = bg, fg
			}
			w := max(c.Width, 1)
			cell := image.Rect(pad+x*cw, pad+y*ch, pad+(x+w)*cw, pad+(y+1)*ch)
			if bg != background {
				draw.Draw(img, cell, &image.Uniform{bg}, image.Point{}, draw.Src)
			}
			if c.Content == "" || c.Content == " " {
				continue
			}
			if boxDrawing(img, cell, []rune(c.Content)[0], fg) {
				continue
			}
			f := regular
			if c.Style.Attrs&uv.AttrBold != 0 {
				f = bold
			}
			d := font.Drawer{Dst: img, Src: &image.Uniform{fg}, Face: f,
				Dot: fixed.P(cell.Min.X, cell.Min.Y+m.Ascent.Ceil()+1)}
			d.DrawString(c.Content)
		}
	}
	return img, nil
}

func colorOr(c color.Color, def color.RGBA) color.RGBA {
	if c == nil {
		return def
	}
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

// boxDrawing draws the light box characters lipgloss borders use, which Go
// Mono lacks in part, as lines through the cell's middle.
func boxDrawing(img *image.RGBA, r image.Rectangle, ch rune, c color.RGBA) bool {
	mx, my := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
	left, right, up, down := false, false, false, false
	switch ch {
	case '─':
		left, right = true, true
	case '│':
		up, down = true, true
	case '╭', '┌':
		right, down = true, true
	case '╮', '┐':
		left, down = true, true
	case '╰', '└':
		right, up = true, true
	case '╯', '┘':
		left, up = true, true
	default:
		return false
	}
	fill := func(x0, y0, x1, y1 int) {
		draw.Draw(img, image.Rect(x0, y0, x1+1, y1+1), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	if left {
		fill(r.Min.X, my, mx, my)
	}
	if right {
		fill(mx, my, r.Max.X-1, my)
	}
	if up {
		fill(mx, r.Min.Y, mx, my)
	}
	if down {
		fill(mx, my, mx, r.Max.Y-1)
	}
	return true
}
