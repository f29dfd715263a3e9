package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// ErrTerminalLost is Run's error when the terminal stopped answering reads
// (the window closed, SSH dropped) without a SIGHUP reaching the program —
// under nohup, say. The caller treats it as a hangup.
var ErrTerminalLost = errors.New("the terminal was lost (reading it failed)")

// Run runs the wizard on in/out (the TUI draws on out, normally stderr) and
// returns the final model. An interrupt returns tea.ErrInterrupted, a lost
// terminal ErrTerminalLost.
func Run(ctx context.Context, o Options, in io.Reader, out io.Writer) (*Model, error) {
	m := New(ctx, o)
	if f, ok := in.(*os.File); ok {
		in = ttyInput{f}
	}
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	m.jobs = watchJobControl(p)
	defer m.jobs.stop()
	// The program clears the window title when it ends; the terminal's own
	// title stack brings back the one the user had.
	_, _ = io.WriteString(out, pushTitle)
	final, err := p.Run()
	_, _ = io.WriteString(out, popTitle)
	fm, _ := final.(*Model)
	if fm == nil {
		fm = m
	}
	switch {
	case errors.Is(err, tea.ErrInterrupted):
		return fm, tea.ErrInterrupted
	case errors.Is(err, ErrTerminalLost):
		return fm, ErrTerminalLost
	}
	return fm, err
}

// pushTitle and popTitle save and restore the window and icon titles
// (XTWINOPS 22 and 23; terminals without a title stack ignore them).
var (
	pushTitle = ansi.WindowOp(22, 0)
	popTitle  = ansi.WindowOp(23, 0)
)

// ttyInput is the terminal as the program reads it. In raw mode a terminal
// read ends (EOF) or fails (EIO) only when the terminal is gone, so any
// error is reported as ErrTerminalLost: the program ends as on a hangup
// instead of living on, deaf, with a token on its screen. It keeps the
// file's descriptor, so raw mode and cancellable reads work as before.
type ttyInput struct{ *os.File }

func (t ttyInput) Read(p []byte) (int, error) {
	n, err := t.File.Read(p)
	if err != nil && n == 0 {
		return 0, fmt.Errorf("%w: %v", ErrTerminalLost, err)
	}
	return n, err
}
