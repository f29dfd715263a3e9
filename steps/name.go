package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// NameStep asks for the token's name and an optional description.
type NameStep struct {
	fields
	keys             NavKeyMap
	styles           *Styles
	nameErr, descErr string
}

// NewName starts with the name from the request (the purpose's default).
func NewName(st *Styles, name, desc string) *NameStep {
	return &NameStep{styles: st, keys: DefaultNavKeyMap(), fields: newFields(0,
		newInput("Name:        ", "", 300, name),
		newInput("Description: ", "optional: who uses it, the ticket number", 300, desc))}
}

func (s *NameStep) ID() ID        { return Name }
func (s *NameStep) Title() string { return "Name the token" }
func (s *NameStep) Init() tea.Cmd { return s.focusOn(s.focus) }

func (s *NameStep) name() string { return strings.TrimSpace(s.value(0)) }
func (s *NameStep) desc() string { return strings.TrimSpace(s.value(1)) }

func (s *NameStep) Apply(r *token.Request) { r.Name, r.Description = s.name(), s.desc() }

func (s *NameStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.keys.Back):
			return s, back(Name)
		case key.Matches(k, s.keys.Next):
			s.nameErr, s.descErr = errText(token.ValidateName(s.name())), errText(token.ValidateDescription(s.desc()))
			if s.nameErr != "" {
				return s, s.focusOn(0)
			}
			if s.descErr != "" {
				return s, s.focusOn(1)
			}
			return s, done(Name)
		}
	}
	return s, s.update(msg)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (s *NameStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render("A clear name lets you find and revoke the token later.") + "\n\n")
	for i, msg := range []string{s.nameErr, s.descErr} {
		b.WriteString(s.in[i].View() + "\n")
		if msg != "" {
			b.WriteString(s.styles.Error.Render("  "+msg) + "\n")
		}
	}
	return b.String()
}

func (s *NameStep) ShortHelp() []key.Binding  { return []key.Binding{s.next, s.keys.Next, s.keys.Back} }
func (s *NameStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
