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
	host      token.Question
	cred      token.Question
	copyLink  key.Binding
	err       string
	allowHTTP bool
}

// NewSignIn starts with the given host, the focus on the credential.
func NewSignIn(c *Common, host string, allowHTTP bool) *SignInStep {
	hq := token.HostQuestion(host, func(v string) error { _, err := gitlab.NormalizeHost(v, allowHTTP); return err })
	cq := token.CredentialQuestion()
	cred := NewInput(c.Styles, pad(cq.Label+":", 14), cq.Placeholder, SecretLimit, "")
	cred.EchoMode = textinput.EchoPassword
	cred.EchoCharacter = '•'
	return &SignInStep{c: c, host: hq, cred: cq, allowHTTP: allowHTTP,
		copyLink: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "copy the link")),
		fields:   newFields(1, NewInput(c.Styles, pad(hq.Label+":", 14), hq.Placeholder, HostLimit, hq.Default), cred)}
}

func (s *SignInStep) ID() ID        { return SignIn }
func (s *SignInStep) Title() string { return s.host.Title }
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

func (s *SignInStep) View() string   { return s.render().String() }
func (s *SignInStep) FocusLine() int { return s.render().focus }
func (s *SignInStep) FocusEnd() int  { return s.render().focusEnd }

// render draws the step; a note or an error, drawn last, is kept in view.
func (s *SignInStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	d.text(st.Subtle, s.host.Intro)
	d.blank()
	d.raw(s.in[0].View(), s.in[1].View())
	d.blank()
	if h, err := s.Host(); err == nil {
		d.text(st.Subtle, s.cred.Intro)
		d.raw("  " + Link(TokenFormURL(h)))
	}
	d.blank()
	d.text(st.Subtle, token.OtherWaysIn)
	// The note and the error are drawn last, below the fields' help: they
	// are what is kept on screen.
	said := len(d.lines)
	if s.note != "" {
		d.blank()
		d.text(st.Warn, s.note)
	}
	if s.err != "" {
		d.blank()
		d.text(st.Error, s.err)
	}
	if len(d.lines) > said {
		d.keep(said + 1)
	}
	return d
}

func (s *SignInStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.NextField, s.keys.Next, s.copyLink}
}
func (s *SignInStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
