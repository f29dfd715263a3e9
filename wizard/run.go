package wizard

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Run runs the wizard on in/out (the TUI draws on out, normally stderr) and
// returns the final model. An interrupt returns tea.ErrInterrupted.
func Run(ctx context.Context, o Options, in io.Reader, out io.Writer) (*Model, error) {
	m := New(ctx, o)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	final, err := p.Run()
	fm, _ := final.(*Model)
	if fm == nil {
		fm = m
	}
	if errors.Is(err, tea.ErrInterrupted) {
		return fm, tea.ErrInterrupted
	}
	return fm, err
}
