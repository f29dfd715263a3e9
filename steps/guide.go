package steps

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// OpenURLMsg asks the root to open an address in the browser.
type OpenURLMsg struct {
	From Address
	URL  string
}

// OpenedMsg tells the step whether a browser was started.
type OpenedMsg struct {
	To Address
	OK bool
}

// Recipient is the step that asked.
func (m OpenedMsg) Recipient() Address { return m.To }

// PastedMsg asks the root to check a token the user pasted.
type PastedMsg struct {
	From  Address
	Value token.Secret
}

// CheckedMsg carries the verdict on a pasted token back to the step.
type CheckedMsg struct {
	To Address
	V  gitlab.Verification
}

// Recipient is the step that asked.
func (m CheckedMsg) Recipient() Address { return m.To }

// GuideKeyMap holds the guided step's keys. Letters go to the paste field.
type GuideKeyMap struct {
	// Check and Finish are both enter: Check until a pasted token passed,
	// Finish after, so the help says what enter does now.
	Check, Finish, Open, CopyLink, Back key.Binding
}

// DefaultGuideKeyMap returns the guided step's keys.
func DefaultGuideKeyMap() GuideKeyMap {
	k := GuideKeyMap{
		Check:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check the token")),
		Finish:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish")),
		Open:     key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "open the link")),
		CopyLink: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "copy the link")),
		Back:     key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
	}
	k.Finish.SetEnabled(false)
	return k
}

// GuideStep guides a non-administrator through GitLab's web form: the
// prefilled link (opened in the browser when there is one), what to set
// there, a masked field for the new token, and the verdict of checking it.
type GuideStep struct {
	c        *Common
	link     string
	req      token.Request
	now      time.Time
	input    Input
	opened   *bool
	opening  bool // a browser is being started
	seq      int
	checking bool
	verdict  *gitlab.Verification
	err      string
	keys     GuideKeyMap
}

// NewGuide builds the guided step for a prefilled form link.
func NewGuide(c *Common, link string, r token.Request, now time.Time) *GuideStep {
	in := NewInput(c.Styles, "New token: ", "paste the token GitLab shows after you create it", SecretLimit, "")
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	return &GuideStep{c: c, link: link, req: r, now: now, input: in, keys: DefaultGuideKeyMap()}
}

func (s *GuideStep) ID() ID          { return Guide }
func (s *GuideStep) Title() string   { return "Create the token in GitLab, then paste it here" }
func (s *GuideStep) TakesText() bool { return true }

// FocusLine and FocusEnd keep in view the field and what was said of the
// paste (a note, the check, its verdict): the field is at the end of a long
// screen, and what it says would be below the fold.
func (s *GuideStep) FocusLine() int { return s.render().focus }
func (s *GuideStep) FocusEnd() int  { return s.render().focusEnd }

// Init focuses the paste field and opens the link, the first time.
func (s *GuideStep) Init() tea.Cmd {
	if s.opened != nil || s.opening {
		return s.input.Focus()
	}
	s.opening = true
	return tea.Batch(s.input.Focus(), send(OpenURLMsg{From: Address{Step: Guide}, URL: s.link}))
}

// Busy reports whether a pasted token is being checked.
func (s *GuideStep) Busy() bool { return s.checking }

// Ready reports whether the pasted token passed every check.
func (s *GuideStep) Ready() bool { return s.verdict != nil && s.verdict.OK() }

// Pasted returns the pasted token.
func (s *GuideStep) Pasted() token.Secret { return token.Secret(strings.TrimSpace(s.input.Value())) }

func (s *GuideStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case OpenedMsg:
		ok := m.OK
		s.opened, s.opening = &ok, false
		return s, nil
	case CheckedMsg:
		if m.To.Seq != s.seq {
			return s, nil
		}
		s.checking = false
		v := m.V
		s.verdict = &v
		if !v.OK() && v.Problem() != token.ProblemUnreachable {
			s.input.SetValue("") // the fix is another token: make room for it
		}
		s.keys.Check.SetEnabled(!s.Ready())
		s.keys.Finish.SetEnabled(s.Ready())
		return s, nil
	case tea.KeyPressMsg:
		switch {
		case s.checking:
			return s, nil
		case key.Matches(m, s.keys.Back):
			return s, back(Guide)
		case key.Matches(m, s.keys.Open):
			if s.opening {
				return s, nil // one browser at a time: a held key opens one tab, not ten
			}
			s.opening = true
			return s, send(OpenURLMsg{From: Address{Step: Guide}, URL: s.link})
		case key.Matches(m, s.keys.CopyLink):
			return s, send(CopyMsg{What: "the form link", Text: s.link})
		case key.Matches(m, s.keys.Finish):
			return s, done(Guide, GuideChecked{Verification: *s.verdict})
		case key.Matches(m, s.keys.Check):
			v := s.Pasted()
			if v == "" {
				s.err = "Paste the token GitLab showed you (it starts with glpat- on most instances)."
				return s, nil
			}
			s.seq = s.c.nextSeq()
			s.err, s.checking, s.verdict = "", true, nil
			return s, send(PastedMsg{From: Address{Step: Guide, Seq: s.seq}, Value: v})
		}
	}
	note, cmd := s.input.Type(msg)
	if note != "" {
		s.err = note
	}
	return s, cmd
}

func (s *GuideStep) View() string { return s.render().String() }

func (s *GuideStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, token.FormIntro)
	d.blank()
	// The link is never wrapped: broken, it would not open or paste whole.
	d.raw("  " + Link(s.link))
	if ansi.StringWidth(s.link)+2 > d.width {
		d.hanging("  ", "   ", st.Subtle, "(it runs past the edge: "+s.keys.CopyLink.Help().Key+" copies it whole, "+s.keys.Open.Help().Key+" opens it; many terminals open it on a click)")
	}
	switch {
	case s.opened == nil:
	case *s.opened:
		d.hanging("  ", "   ", st.Subtle, "(opened in your browser; "+s.keys.Open.Help().Key+" opens it again, "+s.keys.CopyLink.Help().Key+" copies it)")
	default:
		d.hanging("  ", "   ", st.Subtle, "(no browser here: open it on a machine where you are signed in to GitLab; "+s.keys.CopyLink.Help().Key+" copies it)")
	}
	d.blank()
	d.raw("In the form:")
	for _, l := range token.FormSteps(s.req, s.now) {
		d.hanging("  ", "     ", st.Text, l)
	}
	d.blank()
	field := len(d.lines)
	d.raw(s.input.View())
	if s.err != "" {
		d.blank()
		d.text(st.Error, s.err)
	}
	if s.checking {
		d.blank()
		d.text(st.Subtle, "Checking the token with GitLab…")
	}
	if v := s.verdict; v != nil {
		d.blank()
		for _, c := range v.Checks {
			checkLine(d, st, c)
		}
		d.blank()
		if v.OK() {
			d.text(st.OK, "The token is ready for Jira. Press "+s.keys.Finish.Help().Key+" to finish.")
		} else {
			d.text(st.Warn, token.PastedAdvice(v.Problem()))
		}
	}
	if s.err != "" || s.checking || s.verdict != nil {
		d.keep(field)
	}
	return d
}

// checkLine adds one verification result, its mark coloured.
func checkLine(d *doc, st *Styles, c gitlab.Check) {
	mark, rest := token.CheckLine(c.OK, c.Problem, c.Name, ServerText(c.Detail, 160))
	ms := st.OK
	switch {
	case c.Unchecked():
		ms = st.Warn // not the token's failure
	case !c.OK:
		ms = st.Error
	}
	d.hanging(ms.Render(mark)+"  ", "      ", st.Text, rest)
}

// CheckLines draws verification results as every screen does.
func CheckLines(c *Common, checks []gitlab.Check) string {
	d := newDoc(c.Width)
	for _, ch := range checks {
		checkLine(d, &c.Styles, ch)
	}
	return d.String()
}

func (s *GuideStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Check, s.keys.Finish, s.keys.Open, s.keys.CopyLink, s.keys.Back}
}
func (s *GuideStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Restyle applies the styles again after the background colour changed them.
func (s *GuideStep) Restyle(st Styles) { s.input.SetStyles(st.Input) }

// Resize fits the paste field to a window width columns wide.
func (s *GuideStep) Resize(width int) { s.input.Fit(width) }
