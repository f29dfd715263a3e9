package steps

import (
	"sort"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// DefaultDebounce is how long typing must pause before a search is sent:
// long enough to skip the keystrokes of a word typed at speed, short enough
// to feel immediate.
const DefaultDebounce = 120 * time.Millisecond

// Common is what every step and screen shares, as soft-serve's Common is:
// the styles (the root replaces them when the terminal reports a light
// background), the clock, and the width to draw in. Steps keep a pointer,
// so a change reaches all of them at once.
type Common struct {
	Styles Styles
	Clock  Clock
	// Debounce is the pause before a search is sent (DefaultDebounce when 0).
	Debounce time.Duration
	// Width is the number of columns a view may fill.
	Width int
	// seq numbers the requests of every step, so that a step built again
	// (after an answer it depends on changed) never takes an answer meant
	// for the step it replaces.
	seq int
}

// nextSeq returns a request number no step has used.
func (c *Common) nextSeq() int {
	c.seq++
	return c.seq
}

// Clock is the time a step sees: today for the expiry choices, and timers
// for the search debounce. Tests use one whose timers fire at once, so they
// need no sleeps.
type Clock interface {
	Now() time.Time
	// After delivers msg after d.
	After(d time.Duration, msg tea.Msg) tea.Cmd
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
func (systemClock) After(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// SystemClock is the wall clock.
func SystemClock() Clock { return systemClock{} }

// InstantClock reads the time from now, and its timers fire at once: a
// test drives the wizard with it synchronously, a debounce being a pause it
// need not wait for.
func InstantClock(now func() time.Time) Clock { return instantClock{now} }

type instantClock struct{ now func() time.Time }

func (c instantClock) Now() time.Time                           { return c.now() }
func (instantClock) After(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func (c *Common) debounce() time.Duration {
	if c.Debounce > 0 {
		return c.Debounce
	}
	return DefaultDebounce
}

// NavKeyMap holds the keys the list steps share.
type NavKeyMap struct {
	Up, Down, Toggle, Next, Back key.Binding
}

// DefaultNavKeyMap returns the shared keys. Printable keys are left to text
// inputs, except where a step has none.
func DefaultNavKeyMap() NavKeyMap {
	return NavKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		Toggle: key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "tick/untick")),
		Next:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:   key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
	}
}

// MoveCursor moves a cursor among n rows for k: up and down step it,
// wrapping round at either end. moved is false when k is neither key; with
// no rows the key is still taken (moved) and the cursor stays.
func MoveCursor(k tea.KeyPressMsg, up, down key.Binding, cursor, n int) (next int, moved bool) {
	switch {
	case key.Matches(k, up):
		if n > 0 {
			cursor = (cursor + n - 1) % n
		}
	case key.Matches(k, down):
		if n > 0 {
			cursor = (cursor + 1) % n
		}
	default:
		return cursor, false
	}
	return cursor, true
}

// FieldsKeyMap holds the keys of a step with several text fields. Shift+tab
// goes to the previous field, as in every form, not to the previous step.
type FieldsKeyMap struct {
	NextField, PrevField, Next, Back key.Binding
}

// DefaultFieldsKeyMap returns the keys of a step with several fields.
func DefaultFieldsKeyMap() FieldsKeyMap {
	return FieldsKeyMap{
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Next:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// ManualClock is a clock whose time moves only when a test says so
// (Advance), its timers firing then: what happens within a pause — a held
// key's repeat, the returns after a paste — is tested without sleeping.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []manualTimer
}

type manualTimer struct {
	at  time.Time
	msg tea.Msg
}

// NewManualClock starts a manual clock at now.
func NewManualClock(now time.Time) *ManualClock { return &ManualClock{now: now} }

// Now is the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After sets a timer that fires when Advance passes now+d; the command
// itself delivers nothing.
func (c *ManualClock) After(d time.Duration, msg tea.Msg) tea.Cmd {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timers = append(c.timers, manualTimer{at: c.now.Add(d), msg: msg})
	return nil
}

// Advance moves the clock on by d and returns the messages of the timers
// that fired, in the order they were due.
func (c *ManualClock) Advance(d time.Duration) []tea.Msg {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	var out []tea.Msg
	for len(c.timers) > 0 && !c.timers[0].at.After(c.now) {
		out = append(out, c.timers[0].msg)
		c.timers = c.timers[1:]
	}
	return out
}
