package steps

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// inputWidth is wide enough for a host or a name at 80 columns. Without a
// width, textinput draws only the first character of a placeholder.
const inputWidth = 50

// NewInput builds a text input in the wizard's styles (Styles.Input: it
// follows NO_COLOR, and its cursor does not blink, whose timer messages once
// cleared an error they fell through to), taking at most lim.
func NewInput(st Styles, prompt, placeholder string, lim Limit, value string) Input {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = lim.Max
	in.SetStyles(st.Input)
	in.SetWidth(inputWidth)
	in.SetValue(value)
	return Input{Model: in, limit: lim}
}

// fields is a column of text inputs with one focused, shared by the steps that ask for two things.
type fields struct {
	in    []Input
	focus int
	keys  FieldsKeyMap
	// note says what screenInput left out of the last key or paste, until the next edit.
	note string
}

func newFields(focus int, in ...Input) fields {
	return fields{in: in, focus: focus, keys: DefaultFieldsKeyMap()}
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

// update moves the focus on tab and shift+tab, else gives msg to the focused input.
func (f *fields) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, f.keys.NextField):
			return f.focusOn((f.focus + 1) % len(f.in))
		case key.Matches(k, f.keys.PrevField):
			return f.focusOn((f.focus + len(f.in) - 1) % len(f.in))
		}
	}
	before := f.in[f.focus].Value()
	note, cmd := f.in[f.focus].Type(msg)
	switch {
	case note != "":
		f.note = note
	case f.in[f.focus].Value() != before:
		f.note = ""
	}
	return cmd
}

func (f *fields) value(i int) string { return f.in[i].Value() }

func (f *fields) TakesText() bool { return true }

// Restyle applies the styles again after the background colour changed them.
func (f *fields) Restyle(st Styles) {
	for i := range f.in {
		f.in[i].SetStyles(st.Input)
	}
}
func (f *fields) FocusLine() int { return -1 }

// Resize fits the inputs to a window width columns wide.
func (f *fields) Resize(width int) {
	for i := range f.in {
		f.in[i].Fit(width)
	}
}

// Field is one text input behind the guard every step's fields have
// (screenInput: the length limit, invisible characters left out, and a
// note that says what was), for the root's own prompts (where to save).
type Field struct{ f fields }

// NewField builds a focused Field that takes at most lim.
func NewField(st Styles, prompt, placeholder string, lim Limit, value string) *Field {
	f := &Field{f: newFields(0, NewInput(st, prompt, placeholder, lim, value))}
	f.f.focusOn(0)
	return f
}

// Update gives msg to the input through the guard.
func (f *Field) Update(msg tea.Msg) tea.Cmd { return f.f.update(msg) }

// Value is what the input holds.
func (f *Field) Value() string { return f.f.value(0) }

// Note says what the guard left out of the last key or paste, until the next edit.
func (f *Field) Note() string { return f.f.note }

// View draws the input.
func (f *Field) View() string { return f.f.in[0].View() }

// SetWidth sets how many columns the input shows.
func (f *Field) SetWidth(w int) { f.f.in[0].SetWidth(w) }
