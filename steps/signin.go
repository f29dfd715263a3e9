package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// SignInStep asks for the host and, masked, a credential.
type SignInStep struct {
	fields
	c         *Common
	copyLink  key.Binding
	err       string
	allowHTTP bool
}

// NewSignIn starts with the given host, the focus on the credential.
func NewSignIn(c *Common, host string, allowHTTP bool) *SignInStep {
	cred := NewInput(c.Styles, "Access token: ", "a personal access token with the api scope", 0, "")
	cred.EchoMode = textinput.EchoPassword
	cred.EchoCharacter = '•'
	return &SignInStep{c: c, allowHTTP: allowHTTP,
		copyLink: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "copy the link")),
		fields:   newFields(1, NewInput(c.Styles, "GitLab host:  ", "gitlab.com or https://gitlab.example.com", 0, host), cred)}
}

func (s *SignInStep) ID() ID        { return SignIn }
func (s *SignInStep) Title() string { return "Sign in to GitLab" }
func (s *SignInStep) Init() tea.Cmd { return s.focusOn(s.focus) }

// Host returns the normalized host, or an error that says how to fix it.
func (s *SignInStep) Host() (string, error) { return gitlab.NormalizeHost(s.value(0), s.allowHTTP) }

// Credential returns the pasted credential, trimmed of whitespace and newlines.
func (s *SignInStep) Credential() token.Secret {
	return token.Secret(strings.TrimSpace(s.value(1)))
}

// SetError shows a sign-in problem found by the pre-flight.
func (s *SignInStep) SetError(msg string) { s.err = msg }

func (s *SignInStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.copyLink):
			if h, err := s.Host(); err == nil {
				return s, send(CopyMsg{What: "the link to GitLab's token form", Text: TokenFormURL(h)})
			}
			return s, nil
		case key.Matches(k, s.keys.Next):
			host, err := s.Host()
			if err != nil {
				s.err = err.Error()
				return s, s.focusOn(0)
			}
			if s.Credential() == "" {
				s.err = "Paste a personal access token with the api scope (the link above opens GitLab's form)."
				return s, s.focusOn(1)
			}
			s.err = ""
			return s, done(SignIn, SignedIn{Host: host, Credential: s.Credential()})
		}
	}
	return s, s.update(msg)
}

// TokenFormURL is GitLab's personal token form, prefilled for the api scope.
func TokenFormURL(base string) string {
	return gitlab.PATFormURL(base, "", "gitlab-token-wizard (short-lived)", "", []token.Scope{"api"})
}

func (s *SignInStep) View() string {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, "Sign in with a personal access token that has the api scope. It is used for this run only.")
	d.blank()
	d.raw(s.in[0].View(), s.in[1].View())
	d.blank()
	if h, err := s.Host(); err == nil {
		d.text(st.Subtle, "No token yet? Create one (expiry: tomorrow is enough; you can revoke it at the end) at:")
		d.raw("  " + Link(TokenFormURL(h)))
	}
	d.blank()
	d.text(st.Subtle, "Other ways in: GITLAB_TOKEN, an existing glab login, or --oauth-client-id to sign in through the browser.")
	if s.err != "" {
		d.blank()
		d.text(st.Error, s.err)
	}
	return d.String()
}

func (s *SignInStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.NextField, s.keys.Next, s.copyLink}
}
func (s *SignInStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
