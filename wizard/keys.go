package wizard

// Keys, the busy state, and drawing: who gets a key, and the frame each
// message leaves on screen.

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
)

// quitKey quits from a step or a lookup; screens have their own ctrl+c.
var quitKey = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))

// rowKeys act on the row under a step's cursor (choose, tick, take).
var rowKeys = key.NewBinding(key.WithKeys("enter", "space", "tab"))

// busy is a request in flight shown as a spinner and a sentence.
type busy struct {
	spin spinner.Model
	text string
	// cancel stops a lookup (sign-in, role); the create has none: once sent,
	// it is seen through (invariant 10).
	cancel context.CancelFunc
}

func (b *busy) stop() {
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
}

// startBusy runs a lookup with its own context, so that ctrl+c can cancel it.
func (m *Model) startBusy(text string, run func(context.Context) tea.Msg) tea.Cmd {
	ctx, cancel := context.WithCancel(m.ctx)
	m.state, m.busy.text, m.busy.cancel = stateBusy, text, cancel
	return tea.Batch(m.busy.spin.Tick, func() tea.Msg { return run(ctx) })
}

func (m *Model) onTick(msg spinner.TickMsg) tea.Cmd {
	if m.state == stateBusy || m.state == stateCreating {
		var cmd tea.Cmd
		m.busy.spin, cmd = m.busy.spin.Update(msg)
		return cmd
	}
	return m.toCurrent(msg)
}

// onKey gives a key to whoever it belongs to: nobody while the create is in
// flight; the current step or screen when it is one of theirs; the frame
// when it scrolls; else the step or screen (its text input).
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if k.Code == tea.KeyEscape && k.Mod == tea.ModAlt {
		// Two esc presses that arrive together (common over SSH) are read
		// as alt+esc; no screen has a use for it, so it is one esc, never
		// dropped — and no help ever asks for a double press.
		k.Mod = 0
	}
	switch m.state {
	case stateCreating:
		return nil // a request is in flight: no key may start another (invariant 10)
	case stateBusy:
		if key.Matches(k, quitKey) {
			m.busy.stop() // a lookup changes nothing: stop it and leave
			return m.quit(m.cancelSummary())
		}
		return nil
	case stateStep:
		if key.Matches(k, quitKey) {
			return m.quit(m.cancelSummary())
		}
	}
	keys, takesText := m.keyMap()
	// The view was scrolled away from the cursor: a key that acts on the
	// cursor's row first brings it back, and acts only when pressed again,
	// on a row the user sees. Only a key the step binds acts on a row: on a
	// step that takes text, a space is typed, never held back.
	if m.state == stateStep && key.Matches(k, rowKeys) && owns(keys, k) && m.frame.focusHidden() {
		m.frame.showFocus()
		m.notice = notice{levelWarn, "The highlighted row was off screen: it is back in view. Press " + k.String() + " again to act on it."}
		return nil
	}
	switch {
	case owns(keys, k):
		return m.toCurrent(k)
	case !takesText && key.Matches(k, m.frame.keys.Help):
		m.frame.full = !m.frame.full
		return nil
	case m.frame.scrollKey(k, takesText):
		return nil
	}
	return m.toCurrent(k)
}

// owns reports whether k is one of the enabled bindings of keys.
func owns(keys help.KeyMap, k tea.KeyPressMsg) bool {
	for _, col := range keys.FullHelp() {
		if key.Matches(k, col...) {
			return true
		}
	}
	return key.Matches(k, keys.ShortHelp()...)
}

// keyMap is the keys of whatever has the keyboard, and whether a text input does.
func (m *Model) keyMap() (help.KeyMap, bool) {
	switch m.state {
	case stateStep:
		s := m.current()
		return stepKeys{s}, s.TakesText()
	case stateScreen:
		return m.screen, m.screen.TakesText()
	case stateBusy:
		return busyKeys{quitKey}, false
	}
	return busyKeys{}, false // the create: no key does anything until GitLab answers
}

// stepKeys adds ctrl+c to a step's keys.
type stepKeys struct{ s steps.Step }

func (k stepKeys) ShortHelp() []key.Binding  { return append(k.s.ShortHelp(), quitKey) }
func (k stepKeys) FullHelp() [][]key.Binding { return append(k.s.FullHelp(), []key.Binding{quitKey}) }

// busyKeys are the keys while a request is in flight.
type busyKeys []key.Binding

func (k busyKeys) ShortHelp() []key.Binding  { return k }
func (k busyKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

// refresh draws the frame for the current state; View returns it.
func (m *Model) refresh() {
	keys, takesText := m.keyMap()
	p := page{header: m.header(), focus: -1, focusEnd: -1, keys: keys, takesText: takesText}
	switch m.state {
	case stateBusy, stateCreating:
		// Wrapped at words like every body: "(keys are ignored until GitLab
		// answers)" must be read whole at any width.
		p.title, p.body, p.busy = "Working", steps.Wrap(m.busy.spin.View()+" "+m.busy.text, m.c.Width), true
	case stateStep:
		s := m.current()
		// Drawn once; focusEnd is the row's meaning, the field's note.
		p.title = s.Title()
		p.body, p.focus, p.focusEnd = steps.Render(s)
		if m.notice.text != "" {
			p.notice = m.notice.view(&m.c.Styles)
		}
	case stateScreen:
		p.title, p.body = m.screen.Title(), m.screen.View()
		if f, ok := m.screen.(interface{ FocusLine() int }); ok {
			p.focus = f.FocusLine() // a screen with a cursor (the audit's)
		}
		if n := m.screen.Notice(); n.text != "" {
			p.notice = n.view(&m.c.Styles)
		}
	}
	p.title = m.c.Styles.Title.Render(p.title)
	m.frame.draw(p)
}

func (m *Model) header() string {
	st := &m.c.Styles
	h := st.Title.Render("gitlab-token-wizard")
	if m.opts.Demo {
		h += " " + st.Badge.Render("DEMO")
	}
	if m.state == stateStep {
		h += st.Subtle.Render(fmt.Sprintf("  step %d of %d", m.flow.cur+1, len(m.flow.order)))
	}
	if m.pf.User.Username != "" {
		h += st.Subtle.Render("  " + m.pf.User.Username + " @ " + gitlab.HostName(m.api.BaseURL()))
	}
	return h
}

// View draws the whole screen in the alternate screen, so nothing of it,
// the token least of all, stays in the scrollback. The mouse is captured
// for the wheel; shift+drag still selects text in most terminals.
func (m *Model) View() tea.View {
	content := m.frame.out
	if m.quitting {
		content = ""
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "gitlab-token-wizard"
	return v
}
