package steps

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// CreateMsg is the review's "create it" — the only message that sends a create.
type CreateMsg struct{}

// ReviewKeyMap holds the review's keys.
type ReviewKeyMap struct {
	Create, Back, Target, Name, Expiry, Role, Scopes, CopyCommand, CopyCurl key.Binding
}

// DefaultReviewKeyMap returns the review's keys.
func DefaultReviewKeyMap() ReviewKeyMap {
	return ReviewKeyMap{
		Create:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create")),
		Back:        key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		Target:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "target")),
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
	// Base is the instance's address, for the commands.
	Base string
	Req  token.Request
}

// ReviewStep shows everything on one screen, with the equivalent commands.
type ReviewStep struct {
	c       *Common
	content ReviewContent
	// has lists the steps of this run, so only their keys are offered.
	has  map[ID]bool
	keys ReviewKeyMap
}

// NewReview shows content. has names the steps the user may jump back to;
// target names what the target step chooses ("project", "group", "user").
func NewReview(c *Common, content ReviewContent, has []ID, target string) *ReviewStep {
	s := &ReviewStep{c: c, content: content, keys: DefaultReviewKeyMap(), has: map[ID]bool{}}
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
func (s *ReviewStep) Init() tea.Cmd   { return nil }
func (s *ReviewStep) TakesText() bool { return false }
func (s *ReviewStep) FocusLine() int  { return -1 }

func (s *ReviewStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	r, base := s.content.Req, s.content.Base
	switch {
	case key.Matches(k, s.keys.Create):
		return s, send(CreateMsg{})
	case key.Matches(k, s.keys.Back):
		return s, back(Review)
	case key.Matches(k, s.keys.CopyCommand):
		return s, send(CopyMsg{What: "the create command", Text: r.CreateCommand(base).String()})
	case key.Matches(k, s.keys.CopyCurl):
		return s, send(CopyMsg{What: "the curl command", Text: r.CurlCommand(base).String()})
	}
	for _, j := range s.keys.jumps() {
		if key.Matches(k, *j.key) {
			return s, send(JumpMsg{To: j.to})
		}
	}
	return s, nil
}

func (s *ReviewStep) View() string {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	for _, r := range s.content.Rows {
		d.hanging("  "+pad(r.Field, 12)+" ", pad("", 15), st.Text, r.Value)
	}
	for _, a := range s.content.Advice {
		d.hanging("  ! ", "    ", st.Warn, a)
	}
	d.blank()
	d.text(st.Subtle, "The same, for a script or a ticket ("+s.keys.CopyCommand.Help().Key+" and "+s.keys.CopyCurl.Help().Key+" copy them):")
	// Commands break only between arguments, with " \" continuations.
	d.raw(s.content.Req.CreateCommand(s.content.Base).Lines(d.width)...)
	d.blank()
	d.raw(s.content.Req.CurlCommand(s.content.Base).Lines(d.width)...)
	return d.String()
}

type jump struct {
	key *key.Binding
	to  ID
}

// jumps pairs each "change this" key with its step.
func (k *ReviewKeyMap) jumps() []jump {
	return []jump{{&k.Target, Target}, {&k.Name, Name}, {&k.Expiry, Expiry}, {&k.Role, Role}, {&k.Scopes, Scopes}}
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
