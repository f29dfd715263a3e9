package steps

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/token"
)

var quickDays = []int{30, 90, 180, 365}

// ExpiryStep offers quick lifetimes and a custom date.
type ExpiryStep struct {
	now     time.Time
	maxDays int
	cursor  int // 0..len(quickDays)-1 quick picks, len(quickDays) = custom
	custom  textinput.Model
	keys    NavKeyMap
	styles  *Styles
	err     string
}

// NewExpiry selects the current date if it is a quick pick, else shows it as custom.
func NewExpiry(st *Styles, now time.Time, maxDays int, current time.Time) *ExpiryStep {
	s := &ExpiryStep{now: now, maxDays: maxDays, keys: DefaultNavKeyMap(), styles: st,
		custom: newInput("Date or duration: ", "YYYY-MM-DD, 45d, 8w", 20, "")}
	if !current.IsZero() {
		s.cursor = len(quickDays)
		for i, d := range quickDays {
			if token.Today(now).AddDate(0, 0, d).Equal(current) {
				s.cursor = i
			}
		}
		if s.cursor == len(quickDays) {
			s.custom.SetValue(current.Format(token.DateLayout))
		}
	}
	return s
}

func (s *ExpiryStep) ID() ID        { return Expiry }
func (s *ExpiryStep) Title() string { return "When should it expire?" }
func (s *ExpiryStep) Init() tea.Cmd { return s.syncFocus() }

func (s *ExpiryStep) syncFocus() tea.Cmd {
	if s.cursor == len(quickDays) {
		return s.custom.Focus()
	}
	s.custom.Blur()
	return nil
}

// Date returns the chosen date or an error saying how to fix it.
func (s *ExpiryStep) Date() (time.Time, error) {
	if s.cursor < len(quickDays) {
		return token.Today(s.now).AddDate(0, 0, quickDays[s.cursor]), nil
	}
	d, err := token.ParseExpiry(s.custom.Value(), s.now)
	if err != nil {
		return d, err
	}
	return d, token.ValidateExpiry(d, s.now, s.maxDays)
}

func (s *ExpiryStep) Apply(r *token.Request) {
	if d, err := s.Date(); err == nil {
		r.ExpiresAt = d
	}
}

func (s *ExpiryStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.keys.Up):
			s.cursor = (s.cursor + len(quickDays)) % (len(quickDays) + 1)
			s.err = ""
			return s, s.syncFocus()
		case key.Matches(k, s.keys.Down):
			s.cursor = (s.cursor + 1) % (len(quickDays) + 1)
			s.err = ""
			return s, s.syncFocus()
		case key.Matches(k, s.keys.Back):
			return s, back(Expiry)
		case key.Matches(k, s.keys.Next):
			if _, err := s.Date(); err != nil {
				s.err = err.Error()
				return s, nil
			}
			return s, done(Expiry)
		}
	}
	if s.cursor == len(quickDays) {
		var cmd tea.Cmd
		s.custom, cmd = s.custom.Update(msg)
		s.err = ""
		return s, cmd
	}
	return s, nil
}

func (s *ExpiryStep) View() string {
	var b strings.Builder
	b.WriteString(s.styles.Subtle.Render(fmt.Sprintf("Tokens expire at 00:00 UTC on the date. At most %d days: the last date is %s.",
		token.MaxDays(s.maxDays), token.LastAllowedExpiry(s.now, s.maxDays).Format(token.DateLayout))) + "\n\n")
	for i, d := range quickDays {
		label := fmt.Sprintf("%d days — %s", d, token.DescribeExpiry(token.Today(s.now).AddDate(0, 0, d), s.now))
		b.WriteString(s.line(i, label))
	}
	b.WriteString(s.line(len(quickDays), "Custom date or duration"))
	if s.cursor == len(quickDays) {
		b.WriteString("    " + s.custom.View() + "\n")
		if d, err := s.Date(); err == nil {
			b.WriteString("    " + s.styles.OK.Render(token.DescribeExpiry(d, s.now)) + "\n")
		}
	}
	if s.err != "" {
		b.WriteString("\n" + s.styles.Error.Render(s.err) + "\n")
	}
	return b.String()
}

func (s *ExpiryStep) line(i int, label string) string {
	if i == s.cursor {
		return s.styles.Cursor.Render("> ") + s.styles.Selected.Render(label) + "\n"
	}
	return "  " + label + "\n"
}

func (s *ExpiryStep) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Next, s.keys.Back}
}
func (s *ExpiryStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
