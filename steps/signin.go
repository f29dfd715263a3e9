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
	keys      NavKeyMap
	styles    *Styles
	err       string
	allowHTTP bool
}

// NewSignIn starts with the given host, the focus on the credential.
func NewSignIn(st *Styles, host string, allowHTTP bool) *SignInStep {
	c := newInput("Access token: ", "a personal access token with the api scope", 0, "")
	c.EchoMode = textinput.EchoPassword
	c.EchoCharacter = '•'
	return &SignInStep{keys: DefaultNavKeyMap(), styles: st, allowHTTP: allowHTTP,
		fields: newFields(1, newInput("GitLab host:  ", "gitlab.com or https://gitlab.example.com", 0, host), c)}
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

func (s *SignInStep) Apply(*token.Request) {}

func (s *SignInStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if key.Matches(k, s.keys.Next) {
			if _, err := s.Host(); err != nil {
				s.err = err.Error()
				return s, s.focusOn(0)
			}
			if s.Credential() == "" {
				s.err = "Paste a personal access token with the api scope (the link above opens GitLab's form)."
				return s, s.focusOn(1)
			}
			s.err = ""
			return s, done(SignIn)
		}
	}
	return s, s.update(msg)
}

// TokenFormURL is GitLab's personal token form, prefilled for the api scope.
func TokenFormURL(base string) string {
	return gitlab.PATFormURL(base, "", "gitlab-token-wizard (short-lived)", "", []token.Scope{"api"})
}

func (s *SignInStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render("Sign in with a personal access token that has the api scope. It is used for this run only.") + "\n\n")
	b.WriteString(s.in[0].View() + "\n" + s.in[1].View() + "\n\n")
	if h, err := s.Host(); err == nil {
		b.WriteString(s.styles.Subtle.Render("No token yet? Create one (expiry: tomorrow is enough; you can revoke it at the end) at:") + "\n  " + TokenFormURL(h) + "\n")
	}
	b.WriteString("\n" + s.styles.Subtle.Render("Other ways in: GITLAB_TOKEN, an existing glab login, or --oauth-client-id to sign in through the browser.") + "\n")
	if s.err != "" {
		b.WriteString("\n" + s.styles.Error.Render(s.err) + "\n")
	}
	return b.String()
}

func (s *SignInStep) ShortHelp() []key.Binding  { return []key.Binding{s.next, s.keys.Next} }
func (s *SignInStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
