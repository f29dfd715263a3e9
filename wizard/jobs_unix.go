//go:build unix

package wizard

import (
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	tea "charm.land/bubbletea/v2"
)

// The terminal is raw while the wizard runs, so ctrl+z is a key, not a
// signal. A SIGTSTP from outside (kill -TSTP, a job manager) would stop the
// process with the terminal raw and in the alternate screen; instead the
// wizard gives the terminal back, then stops. A SIGCONT brings it back and
// redraws, also after a SIGSTOP, which cannot be caught.

// jobControl turns SIGTSTP and SIGCONT into messages for the program.
type jobControl struct {
	sigs chan os.Signal
	done chan struct{}
	// ownStop is set while the wizard stops itself, so that the SIGCONT
	// that resumes it is not taken for a second one.
	ownStop atomic.Bool
}

func watchJobControl(p *tea.Program) *jobControl {
	j := &jobControl{sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(j.sigs, syscall.SIGTSTP, syscall.SIGCONT)
	go func() {
		for {
			select {
			case <-j.done:
				return
			case s := <-j.sigs:
				switch {
				case s == syscall.SIGTSTP:
					p.Send(suspendMsg{})
				case j.ownStop.CompareAndSwap(true, false):
					// Resumed from our own stop: the exec that stopped us redraws.
				default:
					p.Send(redrawMsg{})
				}
			}
		}
	}()
	return j
}

func (j *jobControl) stop() {
	if j == nil {
		return
	}
	signal.Stop(j.sigs)
	close(j.done)
}

// suspendMsg asks the wizard to give the terminal back and stop.
type suspendMsg struct{}

// redrawMsg asks the wizard to take the terminal again and redraw: it was
// continued after a stop it did not see.
type redrawMsg struct{}

// onJobControl runs a pause through tea.Exec, which gives the terminal back
// (cooked mode, main screen, cursor) before Run and takes it again after,
// redrawing the whole screen.
func (m *Model) onJobControl(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case suspendMsg:
		return tea.Exec(&pause{job: m.jobs, stop: true}, nil)
	case redrawMsg:
		return tea.Exec(&pause{}, nil)
	}
	return nil
}

// pause is the "command" run while the terminal is given back: it stops
// this process (SIGSTOP: a SIGTSTP would come back to our own handler) and
// returns when continued; without stop it returns at once.
type pause struct {
	job  *jobControl
	stop bool
}

func (p *pause) Run() error {
	if !p.stop {
		return nil
	}
	if p.job != nil {
		p.job.ownStop.Store(true)
	}
	// The stop is not synchronous: kill returns, and this goroutine could
	// take the terminal back (raw mode) before the process actually stops.
	// Return only once continued.
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	if err := syscall.Kill(os.Getpid(), syscall.SIGSTOP); err != nil {
		return err
	}
	<-cont
	return nil
}

func (p *pause) SetStdin(io.Reader)  {}
func (p *pause) SetStdout(io.Writer) {}
func (p *pause) SetStderr(io.Writer) {}
