package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// CreateMsg is the review's "create it" — the only message that sends a create.
type CreateMsg struct{}

// ReviewKeyMap holds the review's keys.
type ReviewKeyMap struct {
	Create, Back, Target, Name, Expiry, Role, Scopes key.Binding
}

// DefaultReviewKeyMap returns the review's keys.
func DefaultReviewKeyMap() ReviewKeyMap {
	return ReviewKeyMap{
		Create: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create")),
		Back:   key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		Target: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "target")),
		Name:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "name")),
		Expiry: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "expiry")),
		Role:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "role")),
		Scopes: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "scopes")),
	}
}

// ReviewStep shows everything on one screen, with the equivalent commands.
type ReviewStep struct {
	body string
	// has lists the steps of this run, so only their keys are offered.
	has    map[ID]bool
	keys   ReviewKeyMap
	styles *Styles
}

// NewReview shows body, prepared by the root from the finished request.
// has names the steps the user may jump back to; target names what the
// target step chooses ("project", "group", "user").
func NewReview(st *Styles, body string, has []ID, target string) *ReviewStep {
	s := &ReviewStep{body: body, keys: DefaultReviewKeyMap(), styles: st, has: map[ID]bool{}}
	if target != "" {
		s.keys.Target.SetHelp("t", target)
	}
	for _, id := range has {
		s.has[id] = true
	}
	return s
}

func (s *ReviewStep) ID() ID               { return Review }
func (s *ReviewStep) Title() string        { return "Review: nothing has been sent yet" }
func (s *ReviewStep) Init() tea.Cmd        { return nil }
func (s *ReviewStep) Apply(*token.Request) {}
func (s *ReviewStep) View() string         { return strings.TrimRight(s.body, "\n") + "\n" }

func (s *ReviewStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	switch {
	case key.Matches(k, s.keys.Create):
		return s, func() tea.Msg { return CreateMsg{} }
	case key.Matches(k, s.keys.Back):
		return s, back(Review)
	}
	for _, j := range s.jumps() {
		if key.Matches(k, j.key) {
			to := j.to
			return s, func() tea.Msg { return JumpMsg{To: to} }
		}
	}
	return s, nil
}

// jumps are the review's jump keys for the steps of this run.
func (s *ReviewStep) jumps() []jump {
	var out []jump
	for _, j := range s.keys.jumps() {
		if s.has[j.to] {
			out = append(out, j)
		}
	}
	return out
}

type jump struct {
	key key.Binding
	to  ID
}

// jumps pairs each "change this" key with its step.
func (k ReviewKeyMap) jumps() []jump {
	return []jump{{k.Target, Target}, {k.Name, Name}, {k.Expiry, Expiry}, {k.Role, Role}, {k.Scopes, Scopes}}
}

func (s *ReviewStep) ShortHelp() []key.Binding {
	bs := []key.Binding{s.keys.Create, s.keys.Back}
	for _, j := range s.jumps() {
		bs = append(bs, j.key)
	}
	return bs
}
func (s *ReviewStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
