package steps

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// CreateMsg is the review's "create it" — the only message that sends a create.
type CreateMsg struct{}

// ReviewKeyMap holds the review's keys.
type ReviewKeyMap struct {
	Create, Back, Target, Account, Places, Name, Expiry, Role, Scopes, CopyCommand, CopyCurl key.Binding
}

// DefaultReviewKeyMap returns the review's keys.
func DefaultReviewKeyMap() ReviewKeyMap {
	return ReviewKeyMap{
		Create:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create")),
		Back:        key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		Target:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "target")),
		Account:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "account")),
		Places:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "access")),
		Name:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "name")),
		Expiry:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "expiry")),
		Role:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "role")),
		Scopes:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "scopes")),
		CopyCommand: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy command")),
		CopyCurl:    key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "copy curl")),
	}
}

// Row is one line of the review: a field and its value.
type Row struct{ Field, Value string }

// ReviewContent is what the review shows, prepared by the root from the
// finished request: the rows, warnings, and the same request as commands.
type ReviewContent struct {
	Rows   []Row
	Advice []string
	// Base is the instance's address, for curl; CommandBase is what this
	// tool's create command says of it (token.DemoHost on a demo run), Base
	// when empty.
	Base, CommandBase string
	Req               token.Request
	// Writes are the requests a service-account token takes, in order
	// (token.ServiceAccountWrites); nil for the kinds that take one create.
	Writes []token.Write
}

// createCommand is the request as this tool's create command.
func (c ReviewContent) createCommand() token.Command {
	base := c.CommandBase
	if base == "" {
		base = c.Base
	}
	return c.Req.CreateCommand(base)
}

// curls is the request as curl: one create, or every write in order.
func (c ReviewContent) curls() []token.Command {
	if len(c.Writes) == 0 {
		return []token.Command{c.Req.CurlCommand(c.Base)}
	}
	out := make([]token.Command, len(c.Writes))
	for i, w := range c.Writes {
		out[i] = w.Curl(c.Base)
	}
	return out
}

// Quiet is how long the keyboard must rest, after the review appears and
// after the last key or paste, before enter creates: long enough that a
// held key's repeat (every 30-50 ms) or the returns that follow a paste
// never count, short enough to go unnoticed by someone reading.
const Quiet = 300 * time.Millisecond

// quietMsg says the keyboard has been quiet for Quiet since the key (or
// the appearance) that armed timer seq.
type quietMsg struct{ to Address }

func (m quietMsg) Recipient() Address { return m.to }

// ReviewStep shows everything on one screen, with the equivalent commands.
// It creates only on an enter that comes after a look: a key held down from
// an earlier step, or a paste that ends in returns, walks up to it but
// never through it.
type ReviewStep struct {
	c       *Common
	content ReviewContent
	// has lists the steps of this run, so only their keys are offered.
	has  map[ID]bool
	keys ReviewKeyMap
	// seq numbers the quiet timer: only the latest one arms the create.
	seq int
	// ready is set once the keyboard has been quiet for Quiet.
	ready bool
	// ignored counts the enters that came too soon.
	ignored int
}

// NewReview shows content. has names the steps the user may jump back to;
// target names what the target step chooses ("project", "group", "user").
func NewReview(c *Common, content ReviewContent, has []ID, target string) *ReviewStep {
	// Ready until shown: the quiet period starts when the root shows it (Init).
	s := &ReviewStep{c: c, content: content, keys: DefaultReviewKeyMap(), has: map[ID]bool{}, ready: true}
	if target != "" {
		s.keys.Target.SetHelp("t", target)
	}
	for _, id := range has {
		s.has[id] = true
	}
	for _, j := range s.keys.jumps() {
		j.key.SetEnabled(s.has[j.to])
	}
	return s
}

func (s *ReviewStep) ID() ID          { return Review }
func (s *ReviewStep) Title() string   { return "Review: nothing has been sent yet" }
func (s *ReviewStep) TakesText() bool { return false }
func (s *ReviewStep) FocusLine() int  { return -1 }

// Init starts the quiet period: enter creates only once it has passed.
func (s *ReviewStep) Init() tea.Cmd { return s.stir() }

// Ready reports whether enter creates now: the keyboard has rested for
// Quiet since the review appeared and since its last key or paste.
func (s *ReviewStep) Ready() bool { return s.ready }

// SetContent shows content, prepared again by the root (a warning that
// arrived late), leaving the quiet period as it is.
func (s *ReviewStep) SetContent(c ReviewContent) { s.content = c }

// stir restarts the quiet period: the keyboard was used.
func (s *ReviewStep) stir() tea.Cmd {
	s.ready, s.seq = false, s.c.nextSeq()
	s.keys.Create.SetHelp("enter", "look first, then press enter")
	s.keys.Create.SetEnabled(s.ignored > 0) // the help names enter only to say why it did nothing
	return s.c.Clock.After(Quiet, quietMsg{to: Address{Step: Review, Seq: s.seq}})
}

func (s *ReviewStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case quietMsg:
		if m.to.Seq == s.seq {
			s.ready = true
			s.keys.Create.SetHelp("enter", "create")
			s.keys.Create.SetEnabled(true)
		}
		return s, nil
	case tea.PasteMsg:
		return s, s.stir() // returns that follow a paste must not count
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	if key.Matches(k, createKey) {
		if !s.ready || k.IsRepeat {
			// Part of a held key's repeat, or of keys typed or pasted
			// ahead: nothing is sent, and the screen says why.
			s.ignored++
			return s, s.stir()
		}
		return s, send(CreateMsg{})
	}
	switch {
	case key.Matches(k, s.keys.Back):
		return s, back(Review)
	case key.Matches(k, s.keys.CopyCommand):
		return s, tea.Batch(s.stir(), send(CopyMsg{What: "the create command", Text: s.content.createCommand().String()}))
	case key.Matches(k, s.keys.CopyCurl):
		var lines []string
		for _, c := range s.content.curls() {
			lines = append(lines, c.String())
		}
		what := "the curl command"
		if len(lines) > 1 {
			what = fmt.Sprintf("the %d curl commands", len(lines))
		}
		return s, tea.Batch(s.stir(), send(CopyMsg{What: what, Text: strings.Join(lines, "\n")}))
	}
	for _, j := range s.keys.jumps() {
		if key.Matches(k, *j.key) {
			return s, send(JumpMsg{To: j.to})
		}
	}
	return s, nil
}

// createKey is enter whatever the help says of it: an enter that comes too
// soon must still reach the review, to restart the quiet period.
var createKey = key.NewBinding(key.WithKeys("enter"))

func (s *ReviewStep) View() string {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	switch {
	case s.ignored > 0 && !s.ready:
		d.text(st.Warn, "! Enter came with other keys (held down, typed ahead or pasted) before this review could be read: nothing was sent. Look first, then press enter.")
		d.blank()
	case s.ignored > 0:
		d.text(st.OK, "Nothing was sent yet. Read the review, then press enter to create the token.")
		d.blank()
	}
	for _, r := range s.content.Rows {
		d.hanging("  "+pad(r.Field, 12)+" ", pad("", 15), st.Text, r.Value)
	}
	for _, a := range s.content.Advice {
		d.hanging("  ! ", "    ", st.Warn, a)
	}
	if len(s.content.Writes) > 0 {
		d.blank()
		d.text(st.Text, fmt.Sprintf("Enter sends these %d writes, in order, each once (never retried on its own):", len(s.content.Writes)))
		for i, w := range s.content.Writes {
			d.hanging(fmt.Sprintf("  %d. ", i+1), "     ", st.Text, w.What)
		}
	}
	d.blank()
	d.text(st.Subtle, "The same, for a script or a ticket ("+s.keys.CopyCommand.Help().Key+" and "+s.keys.CopyCurl.Help().Key+" copy them):")
	// Commands break only between arguments, with " \" continuations.
	d.raw(s.content.createCommand().Lines(d.width)...)
	for i, c := range s.content.curls() {
		d.blank()
		if len(s.content.Writes) > 0 {
			d.raw("# " + s.content.Writes[i].Note)
		}
		d.raw(c.Lines(d.width)...)
	}
	return d.String()
}

type jump struct {
	key *key.Binding
	to  ID
}

// jumps pairs each "change this" key with its step.
func (k *ReviewKeyMap) jumps() []jump {
	return []jump{{&k.Target, Target}, {&k.Account, Account}, {&k.Places, Places}, {&k.Name, Name}, {&k.Expiry, Expiry}, {&k.Role, Role}, {&k.Scopes, Scopes}}
}

func (s *ReviewStep) ShortHelp() []key.Binding {
	bs := []key.Binding{s.keys.Create, s.keys.Back}
	for _, j := range s.keys.jumps() {
		if j.key.Enabled() {
			bs = append(bs, *j.key)
		}
	}
	return append(bs, s.keys.CopyCommand, s.keys.CopyCurl)
}

func (s *ReviewStep) FullHelp() [][]key.Binding {
	var jumps []key.Binding
	for _, j := range s.keys.jumps() {
		if j.key.Enabled() {
			jumps = append(jumps, *j.key)
		}
	}
	return [][]key.Binding{{s.keys.Create, s.keys.Back}, jumps, {s.keys.CopyCommand, s.keys.CopyCurl}}
}
