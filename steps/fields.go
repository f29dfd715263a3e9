package steps

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// inputWidth is wide enough for a host or a name at 80 columns. Without a
// width, textinput draws only the first character of a placeholder.
const inputWidth = 50

func newInput(prompt, placeholder string, limit int, value string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.SetWidth(inputWidth)
	in.SetValue(value)
	return in
}

// fields is a column of text inputs with one focused, shared by the steps that ask for two things.
type fields struct {
	in    []textinput.Model
	focus int
	next  key.Binding
}

func newFields(focus int, in ...textinput.Model) fields {
	return fields{in: in, focus: focus,
		next: key.NewBinding(key.WithKeys("tab", "down", "up"), key.WithHelp("tab", "next field"))}
}

// focusOn focuses input i and blurs the others.
func (f *fields) focusOn(i int) tea.Cmd {
	f.focus = i
	var cmd tea.Cmd
	for n := range f.in {
		if n == i {
			cmd = f.in[n].Focus()
		} else {
			f.in[n].Blur()
		}
	}
	return cmd
}

// update moves the focus on tab, else gives msg to the focused input.
func (f *fields) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, f.next) {
		return f.focusOn((f.focus + 1) % len(f.in))
	}
	var cmd tea.Cmd
	f.in[f.focus], cmd = f.in[f.focus].Update(msg)
	return cmd
}

func (f *fields) value(i int) string { return f.in[i].Value() }
