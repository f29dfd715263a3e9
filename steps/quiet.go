package steps

// The quiet-keyboard rule, shared by every screen where a key acts for good
// (the review's create, a failure screen's keys, a prompt): a key counts only
// once the keyboard has rested for Quiet since the screen appeared and since
// the last key or paste. A held key's repeat, keys typed ahead, or the
// returns that end a paste walk up to such a screen but never through it.

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Quiet is how long the keyboard must rest, after a guarded screen appears
// and after the last key or paste, before a key acts: long enough that a
// held key's repeat (every 30-50 ms) or the returns that follow a paste
// never count, short enough to go unnoticed by someone reading.
const Quiet = 300 * time.Millisecond

// Screen is the address of the root's screen (a failure, a prompt) for the
// messages it gets back, as a step's ID is a step's.
const Screen ID = "screen"

// LookFirst is what the help says of a guarded key until the keyboard has rested.
const LookFirst = "look first, then press"

// TooSoon is the warning a guarded screen shows after a key came too soon;
// done says what did not happen ("nothing was sent"), then what to press.
func TooSoon(screen, done, press string) string {
	return "! A key came with others (held down, typed ahead or pasted) before " + screen +
		" could be read: " + done + ". Look first, then press " + press + "."
}

// QuietMsg says the keyboard has been quiet for Quiet since the key (or
// the appearance) that armed timer To.Seq.
type QuietMsg struct{ To Address }

// Recipient is the step or screen whose guard armed the timer.
func (m QuietMsg) Recipient() Address { return m.To }

// QuietGuard holds a screen's keys until the keyboard has been quiet.
type QuietGuard struct {
	c     *Common
	owner ID
	// seq numbers the timer: only the latest one makes the guard ready.
	seq   int
	ready bool
	// ignored counts the keys that came too soon.
	ignored int
}

// NewQuietGuard builds the guard of owner (a step's ID, or Screen). It is
// ready until Stir: the quiet period starts when the screen is shown.
func NewQuietGuard(c *Common, owner ID) *QuietGuard {
	return &QuietGuard{c: c, owner: owner, ready: true}
}

// Stir restarts the quiet period: the screen appeared, or the keyboard was used.
func (g *QuietGuard) Stir() tea.Cmd {
	g.ready, g.seq = false, g.c.nextSeq()
	return g.c.Clock.After(Quiet, QuietMsg{To: Address{Step: g.owner, Seq: g.seq}})
}

// Settle takes the guard's own timer message: ok is false for any other
// message; a timer superseded by a later key changes nothing.
func (g *QuietGuard) Settle(msg tea.Msg) (ok bool) {
	q, ok := msg.(QuietMsg)
	if !ok || q.To.Step != g.owner {
		return false
	}
	if q.To.Seq == g.seq {
		g.ready = true
	}
	return true
}

// Hold reports whether key k came too soon (before the keyboard rested, or
// as a held key's repeat): then it must do nothing, and the quiet period
// starts again (cmd).
func (g *QuietGuard) Hold(k tea.KeyPressMsg) (held bool, cmd tea.Cmd) {
	if g.ready && !k.IsRepeat {
		return false, nil
	}
	g.ignored++
	return true, g.Stir()
}

// Ready reports whether a key acts now.
func (g *QuietGuard) Ready() bool { return g.ready }

// Ignored is how many keys came too soon so far.
func (g *QuietGuard) Ignored() int { return g.ignored }
