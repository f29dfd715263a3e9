package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

// NameStep asks for the token's name and an optional description.
type NameStep struct {
	name, desc  textinput.Model
	focus       int
	keys        NavKeyMap
	switchFocus key.Binding
	styles      *Styles
	nameErr     string
	descErr     string
}

// NewName starts with the name from the request (the purpose's default).
func NewName(st *Styles, name, desc string) *NameStep {
	n := textinput.New()
	n.Prompt = "Name:        "
	n.CharLimit = 300
	n.SetValue(name)
	d := textinput.New()
	d.Prompt = "Description: "
	d.Placeholder = "optional, e.g. who uses it and the ticket number"
	d.CharLimit = 300
	d.SetValue(desc)
	return &NameStep{name: n, desc: d, keys: DefaultNavKeyMap(), styles: st,
		switchFocus: key.NewBinding(key.WithKeys("tab", "down", "up"), key.WithHelp("tab", "next field"))}
}

func (s *NameStep) ID() ID        { return Name }
func (s *NameStep) Title() string { return "Name the token" }
func (s *NameStep) Init() tea.Cmd { return s.focusField(s.focus) }

func (s *NameStep) focusField(i int) tea.Cmd {
	s.focus = i
	if i == 0 {
		s.desc.Blur()
		return s.name.Focus()
	}
	s.name.Blur()
	return s.desc.Focus()
}

func (s *NameStep) Apply(r *token.Request) {
	r.Name = strings.TrimSpace(s.name.Value())
	r.Description = strings.TrimSpace(s.desc.Value())
}

func (s *NameStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.switchFocus):
			return s, s.focusField(1 - s.focus)
		case key.Matches(k, s.keys.Back):
			return s, back(Name)
		case key.Matches(k, s.keys.Next):
			s.nameErr, s.descErr = errText(token.ValidateName(strings.TrimSpace(s.name.Value()))), errText(token.ValidateDescription(strings.TrimSpace(s.desc.Value())))
			if s.nameErr != "" {
				return s, s.focusField(0)
			}
			if s.descErr != "" {
				return s, s.focusField(1)
			}
			return s, done(Name)
		}
	}
	var cmd tea.Cmd
	if s.focus == 0 {
		s.name, cmd = s.name.Update(msg)
	} else {
		s.desc, cmd = s.desc.Update(msg)
	}
	return s, cmd
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
	b.WriteString(s.name.View() + "\n")
	if s.nameErr != "" {
		b.WriteString(s.styles.Error.Render("  "+s.nameErr) + "\n")
	}
	b.WriteString(s.desc.View() + "\n")
	if s.descErr != "" {
		b.WriteString(s.styles.Error.Render("  "+s.descErr) + "\n")
	}
	return b.String()
}

func (s *NameStep) ShortHelp() []key.Binding {
	return []key.Binding{s.switchFocus, s.keys.Next, s.keys.Back}
}
func (s *NameStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
