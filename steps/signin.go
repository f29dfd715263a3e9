package steps

import (
	"net/url"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// SignInStep asks for the host and, masked, a credential.
type SignInStep struct {
	host, cred  textinput.Model
	focus       int
	keys        NavKeyMap
	switchFocus key.Binding
	styles      *Styles
	err         string
	allowHTTP   bool
}

// NewSignIn starts with the given host.
func NewSignIn(st *Styles, host string, allowHTTP bool) *SignInStep {
	h := textinput.New()
	h.Prompt = "GitLab host:  "
	h.Placeholder = "gitlab.com or https://gitlab.example.com"
	h.SetValue(host)
	c := textinput.New()
	c.Prompt = "Access token: "
	c.Placeholder = "a personal access token with the api scope"
	c.EchoMode = textinput.EchoPassword
	c.EchoCharacter = '•'
	return &SignInStep{host: h, cred: c, keys: DefaultNavKeyMap(), styles: st, allowHTTP: allowHTTP, focus: 1,
		switchFocus: key.NewBinding(key.WithKeys("tab", "down", "up"), key.WithHelp("tab", "next field"))}
}

func (s *SignInStep) ID() ID        { return SignIn }
func (s *SignInStep) Title() string { return "Sign in to GitLab" }
func (s *SignInStep) Init() tea.Cmd { return s.focusField(s.focus) }

func (s *SignInStep) focusField(i int) tea.Cmd {
	s.focus = i
	if i == 0 {
		s.cred.Blur()
		return s.host.Focus()
	}
	s.host.Blur()
	return s.cred.Focus()
}

// Host returns the normalized host, or an error that says how to fix it.
func (s *SignInStep) Host() (string, error) { return gitlab.NormalizeHost(s.host.Value(), s.allowHTTP) }

// Credential returns the pasted credential, trimmed of whitespace and newlines.
func (s *SignInStep) Credential() token.Secret {
	return token.Secret(strings.TrimSpace(s.cred.Value()))
}

// SetError shows a sign-in problem found by the pre-flight.
func (s *SignInStep) SetError(msg string) { s.err = msg }

func (s *SignInStep) Apply(*token.Request) {}

func (s *SignInStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.switchFocus):
			return s, s.focusField(1 - s.focus)
		case key.Matches(k, s.keys.Next):
			if _, err := s.Host(); err != nil {
				s.err = err.Error()
				return s, s.focusField(0)
			}
			if s.Credential() == "" {
				s.err = "Paste a personal access token with the api scope (the link above opens GitLab's form)."
				return s, s.focusField(1)
			}
			s.err = ""
			return s, done(SignIn)
		}
	}
	var cmd tea.Cmd
	if s.focus == 0 {
		s.host, cmd = s.host.Update(msg)
	} else {
		s.cred, cmd = s.cred.Update(msg)
	}
	return s, cmd
}

// TokenFormURL is GitLab's personal token form, prefilled for the api scope.
func TokenFormURL(base string) string {
	return strings.TrimRight(base, "/") + "/-/user_settings/personal_access_tokens?name=" +
		url.QueryEscape("gitlab-token-wizard (short-lived)") + "&scopes=api"
}

func (s *SignInStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render("Sign in with a personal access token that has the api scope. It is used for this run only.") + "\n\n")
	b.WriteString(s.host.View() + "\n" + s.cred.View() + "\n\n")
	if h, err := s.Host(); err == nil {
		b.WriteString(s.styles.Subtle.Render("No token yet? Create one (expiry: tomorrow is enough) at:") + "\n  " + TokenFormURL(h) + "\n")
	}
	if s.err != "" {
		b.WriteString("\n" + s.styles.Error.Render(s.err) + "\n")
	}
	return b.String()
}

func (s *SignInStep) ShortHelp() []key.Binding  { return []key.Binding{s.switchFocus, s.keys.Next} }
func (s *SignInStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
