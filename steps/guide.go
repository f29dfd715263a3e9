package steps

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// OpenURLMsg asks the root to open an address in the browser.
type OpenURLMsg struct{ URL string }

// OpenedMsg tells the step whether a browser was started.
type OpenedMsg struct{ OK bool }

// PastedMsg asks the root to check a token the user pasted.
type PastedMsg struct{ Value token.Secret }

// CheckedMsg carries the verdict on a pasted token back to the step.
type CheckedMsg struct{ V gitlab.Verification }

// GuideKeyMap holds the guided step's keys. Letters go to the paste field.
type GuideKeyMap struct {
	Check, Open, Back key.Binding
}

// GuideStep guides a non-administrator through GitLab's web form: the
// prefilled link (opened in the browser when there is one), what to set
// there, a masked field for the new token, and the verdict of checking it.
type GuideStep struct {
	link     string
	expiry   time.Time
	scopes   []token.Scope
	now      time.Time
	input    textinput.Model
	opened   *bool
	checking bool
	verdict  *gitlab.Verification
	err      string
	keys     GuideKeyMap
	styles   *Styles
}

// NewGuide builds the guided step for a prefilled form link.
func NewGuide(st *Styles, link string, r token.Request, now time.Time) *GuideStep {
	in := newInput("New token: ", "paste the token GitLab shows after you create it", 0, "")
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	return &GuideStep{link: link, expiry: r.ExpiresAt, scopes: r.Scopes, now: now, input: in, styles: st,
		keys: GuideKeyMap{
			Check: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check the token")),
			Open:  key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "open the link")),
			Back:  key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		}}
}

func (s *GuideStep) ID() ID               { return Guide }
func (s *GuideStep) Title() string        { return "Create the token in GitLab, then paste it here" }
func (s *GuideStep) Apply(*token.Request) {}

// Init focuses the paste field and opens the link, the first time.
func (s *GuideStep) Init() tea.Cmd {
	if s.opened != nil {
		return s.input.Focus()
	}
	link := s.link
	return tea.Batch(s.input.Focus(), func() tea.Msg { return OpenURLMsg{URL: link} })
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
		s.opened = &ok
		return s, nil
	case CheckedMsg:
		s.checking = false
		v := m.V
		s.verdict = &v
		if !v.OK() {
			s.input.SetValue("") // the fix is a new token: make room for it
		}
		return s, nil
	case tea.KeyPressMsg:
		switch {
		case s.checking:
			return s, nil
		case key.Matches(m, s.keys.Back):
			return s, back(Guide)
		case key.Matches(m, s.keys.Open):
			link := s.link
			return s, func() tea.Msg { return OpenURLMsg{URL: link} }
		case key.Matches(m, s.keys.Check):
			if s.Ready() {
				return s, done(Guide)
			}
			v := s.Pasted()
			if v == "" {
				s.err = "Paste the token GitLab showed you (it starts with glpat- on most instances)."
				return s, nil
			}
			s.err, s.checking, s.verdict = "", true, nil
			return s, func() tea.Msg { return PastedMsg{Value: v} }
		}
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return s, cmd
}

func (s *GuideStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render("GitLab's API lets only administrators create personal access tokens, so this one is made in GitLab's web form. The link fills in the name and scopes for you:") + "\n\n")
	b.WriteString("  " + ansi.SetHyperlink(s.link) + s.link + ansi.ResetHyperlink() + "\n")
	switch {
	case s.opened == nil:
	case *s.opened:
		b.WriteString(s.styles.Subtle.Render("  (opened in your browser; ctrl+o opens it again)") + "\n")
	default:
		b.WriteString(s.styles.Subtle.Render("  (no browser here: open it on a machine where you are signed in to GitLab)") + "\n")
	}
	b.WriteString("\nIn the form:\n")
	fmt.Fprintf(&b, "  1. check the scopes: %s (nothing more)\n", token.JoinScopes(s.scopes))
	fmt.Fprintf(&b, "  2. set the expiration date to %s, %d days from now (the link cannot fill it in)\n",
		s.expiry.Format(token.DateLayout), token.DaysUntil(s.expiry, s.now))
	b.WriteString("  3. press \"Create token\" and copy the token GitLab shows once\n\n")
	b.WriteString(s.input.View() + "\n")
	if s.err != "" {
		b.WriteString("\n" + s.styles.Error.Render(s.err) + "\n")
	}
	if s.checking {
		b.WriteString("\n" + s.styles.Subtle.Render("Checking the token with GitLab…") + "\n")
	}
	if v := s.verdict; v != nil {
		b.WriteString("\n")
		for _, c := range v.Checks {
			mark := s.styles.OK.Render("PASS")
			if !c.OK {
				mark = s.styles.Error.Render("FAIL")
			}
			fmt.Fprintf(&b, "%s  %s: %s\n", mark, c.Name, safe.Line(c.Detail, 160))
		}
		if v.OK() {
			b.WriteString("\n" + s.styles.OK.Render("The token is ready for Jira. Press enter to finish.") + "\n")
		} else {
			b.WriteString("\n" + s.styles.Warn.Render("Fix this in GitLab (revoke that token, create a new one from the link), then paste the new token.") + "\n")
		}
	}
	return b.String()
}

func (s *GuideStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Check, s.keys.Open, s.keys.Back}
}
func (s *GuideStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
