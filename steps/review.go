package steps

import (
	"fmt"
	"strings"

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
	// Made says what this run's earlier writes made in GitLab (an account,
	// memberships, a token whose value was lost), from the root's record of
	// writes: the review then never says that nothing was sent. A line that
	// starts with two spaces is a command, drawn whole.
	Made []string
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
	// quiet holds enter until the keyboard has rested since the review
	// appeared and since its last key or paste.
	quiet *QuietGuard
}

// NewReview shows content. has names the steps the user may jump back to;
// target names what the target step chooses ("project", "group", "user").
func NewReview(c *Common, content ReviewContent, has []ID, target string) *ReviewStep {
	// Ready until shown: the quiet period starts when the root shows it (Init).
	s := &ReviewStep{c: c, content: content, keys: DefaultReviewKeyMap(), has: map[ID]bool{}, quiet: NewQuietGuard(c, Review)}
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

func (s *ReviewStep) ID() ID { return Review }
func (s *ReviewStep) Title() string {
	if len(s.content.Made) > 0 {
		return "Review: this run already made something in GitLab"
	}
	return "Review: nothing has been sent yet"
}
func (s *ReviewStep) TakesText() bool { return false }
func (s *ReviewStep) FocusLine() int  { return -1 }

// Init starts the quiet period: enter creates only once it has passed.
func (s *ReviewStep) Init() tea.Cmd { return s.stir() }

// Ready reports whether enter creates now: the keyboard has rested for
// Quiet since the review appeared and since its last key or paste.
func (s *ReviewStep) Ready() bool { return s.quiet.Ready() }

// SetContent shows content, prepared again by the root (a warning that
// arrived late), leaving the quiet period as it is.
func (s *ReviewStep) SetContent(c ReviewContent) { s.content = c }

// stir restarts the quiet period: the keyboard was used.
func (s *ReviewStep) stir() tea.Cmd {
	cmd := s.quiet.Stir()
	s.lookFirst()
	return cmd
}

// lookFirst is the help while the keyboard has not rested: enter is named
// only to say why it did nothing.
func (s *ReviewStep) lookFirst() {
	s.keys.Create.SetHelp("enter", LookFirst+" enter")
	s.keys.Create.SetEnabled(s.quiet.Ignored() > 0)
}

func (s *ReviewStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if s.quiet.Settle(msg) {
		if s.quiet.Ready() {
			s.keys.Create.SetHelp("enter", "create")
			s.keys.Create.SetEnabled(true)
		}
		return s, nil
	}
	switch msg.(type) {
	case tea.PasteMsg:
		return s, s.stir() // returns that follow a paste must not count
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	if key.Matches(k, createKey) {
		if held, cmd := s.quiet.Hold(k); held {
			// Part of a held key's repeat, or of keys typed or pasted
			// ahead: nothing is sent, and the screen says why. (Hold has
			// restarted the quiet period: once, not again here.)
			s.lookFirst()
			return s, cmd
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
	case s.quiet.Ignored() > 0 && !s.quiet.Ready():
		d.text(st.Warn, TooSoon("this review", "nothing was sent", "enter"))
		d.blank()
	case s.quiet.Ignored() > 0 && len(s.content.Made) > 0:
		d.text(st.OK, "Those keys sent nothing. Read the review, then press enter to create the token.")
		d.blank()
	case s.quiet.Ignored() > 0:
		d.text(st.OK, "Nothing was sent yet. Read the review, then press enter to create the token.")
		d.blank()
	}
	if len(s.content.Made) > 0 {
		d.text(st.Warn, "Made in GitLab by this run already (it stays):")
		for _, l := range s.content.Made {
			if strings.HasPrefix(l, "  ") {
				d.raw("  " + l) // a command: one line, never broken inside (←/→ see it whole)
				continue
			}
			d.hanging("  ", "    ", st.Warn, l)
		}
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
