//go:build !unix

package wizard

import tea "charm.land/bubbletea/v2"

// Without Unix job control there is nothing to watch.
type jobControl struct{}

func watchJobControl(*tea.Program) *jobControl { return nil }

func (j *jobControl) stop() {}

type suspendMsg struct{}
type redrawMsg struct{}

func (m *Model) onJobControl(tea.Msg) tea.Cmd { return nil }
