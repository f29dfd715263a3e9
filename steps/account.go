package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// AccountsRequestMsg asks the root for the service accounts of Group; the
// step never does I/O.
type AccountsRequestMsg struct {
	From  Address
	Group string
}

// AccountsMsg carries a group's service accounts back to the step that asked.
type AccountsMsg struct {
	To       Address
	Accounts []gitlab.ServiceAccount
	Err      error
}

// Recipient is the step that asked.
func (m AccountsMsg) Recipient() Address { return m.To }

// The new account's fields, in order.
const (
	fieldName = iota
	fieldUsername
	fieldEmail
)

// AccountStep picks a service account of the group: one of its existing
// accounts, filtered as the user types, or a new one, whose name, username
// and email it asks for on the same screen.
type AccountStep struct {
	c     *Common
	group string
	q     token.Question
	// filter narrows the list; the accounts are read once (seq numbers the read).
	filter   fields
	accounts []gitlab.ServiceAccount
	seq      int
	loading  bool
	loadErr  string
	cursor   int
	keys     NavKeyMap
	current  string
	creating bool
	form     fields
	errs     [3]string
	// userEdited is set once the username was typed: it no longer follows the name.
	userEdited           bool
	nameQ, userQ, emailQ token.Question
}

// NewAccount asks for the service account of group; current is the one
// chosen before, existing when id is not 0.
func NewAccount(c *Common, group string, current token.Account, id int64) *AccountStep {
	s := &AccountStep{c: c, group: group, keys: DefaultNavKeyMap(), current: current.Username,
		nameQ: token.AccountNameQuestion(orText(current.Name, "Jira integration")), userQ: token.AccountUsernameQuestion(current.Username),
		emailQ: token.AccountEmailQuestion(current.Email)}
	s.q = token.AccountQuestion(group, nil, "")
	s.filter = newFields(0, NewInput(c.Styles, "Filter: ", s.q.Placeholder, SearchLimit, ""))
	user := s.userQ.Default
	if user == "" {
		user = suggestUsername(s.nameQ.Default)
	}
	s.form = newFields(fieldName,
		NewInput(c.Styles, pad(s.nameQ.Label+":", 10), s.nameQ.Placeholder, AccountLimit, s.nameQ.Default),
		NewInput(c.Styles, pad(s.userQ.Label+":", 10), s.userQ.Placeholder, AccountLimit, user),
		NewInput(c.Styles, pad(s.emailQ.Label+":", 10), s.emailQ.Placeholder, AccountLimit, s.emailQ.Default))
	s.keys.Next.SetHelp("enter", "choose")
	// A new account chosen before opens its form again, as it was typed.
	s.creating, s.userEdited = current.Username != "" && id == 0, current.Username != ""
	return s
}

func orText(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}

// suggestUsername is a username made of a display name: "jira-integration".
func suggestUsername(name string) string {
	return strings.ToLower(token.AccountFromName(name).Username)
}

func (s *AccountStep) ID() ID { return Account }
func (s *AccountStep) Title() string {
	if s.creating {
		return s.nameQ.Title
	}
	return s.q.Title
}
func (s *AccountStep) TakesText() bool { return true }

// Creating reports whether the new account's form is shown.
func (s *AccountStep) Creating() bool { return s.creating }

// Init reads the group's accounts the first time, or again when the last
// read failed or was never answered.
func (s *AccountStep) Init() tea.Cmd {
	focus := s.focus()
	if s.seq > 0 && !s.loading && s.loadErr == "" {
		return focus
	}
	s.seq, s.loading = s.c.nextSeq(), true
	return tea.Batch(focus, send(AccountsRequestMsg{From: Address{Step: Account, Seq: s.seq}, Group: s.group}))
}

func (s *AccountStep) focus() tea.Cmd {
	if s.creating {
		s.filter.in[0].Blur()
		return s.form.focusOn(s.form.focus)
	}
	for i := range s.form.in {
		s.form.in[i].Blur()
	}
	return s.filter.focusOn(0)
}

// shown are the accounts the filter keeps, by index.
func (s *AccountStep) shown() []int {
	q := strings.ToLower(strings.TrimSpace(s.filter.value(0)))
	var out []int
	for i, a := range s.accounts {
		if q == "" || strings.Contains(strings.ToLower(a.Username+" "+a.Name+" "+a.Email), q) {
			out = append(out, i)
		}
	}
	return out
}

// rows are the options shown: a new account, then the accounts the filter
// keeps (row i+1 is account shown()[i]).
func (s *AccountStep) rows() []token.Option {
	var keep []token.Account
	for _, i := range s.shown() {
		a := s.accounts[i]
		keep = append(keep, token.Account{Username: ServerText(a.Username, 60), Name: ServerText(a.Name, 60), Email: ServerText(a.Email, 60)})
	}
	return token.AccountQuestion(s.group, keep, "").Options
}

func (s *AccountStep) existing(username string) *gitlab.ServiceAccount {
	for i, a := range s.accounts {
		if strings.EqualFold(a.Username, username) {
			return &s.accounts[i]
		}
	}
	return nil
}

func (s *AccountStep) Update(msg tea.Msg) (Step, tea.Cmd) {
	switch m := msg.(type) {
	case AccountsMsg:
		if m.To.Seq != s.seq {
			return s, nil // the answer to an older read
		}
		s.loading, s.accounts, s.loadErr = false, m.Accounts, ""
		if m.Err != nil {
			s.loadErr = m.Err.Error()
		}
		for row, i := range s.shown() {
			if strings.EqualFold(s.accounts[i].Username, s.current) {
				s.cursor = row + 1
			}
		}
		return s, nil
	case tea.KeyPressMsg:
		if s.creating {
			return s, s.onFormKey(m)
		}
		if cmd, ok := s.onListKey(m); ok {
			return s, cmd
		}
	}
	if s.creating {
		return s, s.formInput(msg)
	}
	before := s.filter.value(0)
	cmd := s.filter.update(msg)
	if s.filter.value(0) != before {
		s.cursor = 0
	}
	return s, cmd
}

// onListKey handles the list's keys; ok is false for keys that go to the filter.
func (s *AccountStep) onListKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	shown := s.shown()
	n := len(shown) + 1
	s.cursor = min(s.cursor, n-1)
	if c, moved := MoveCursor(k, s.keys.Up, s.keys.Down, s.cursor, n); moved {
		s.cursor = c
		return nil, true
	}
	switch {
	case key.Matches(k, s.keys.Back):
		return back(Account), true
	case key.Matches(k, s.keys.Next):
		if s.cursor == 0 {
			s.creating = true
			return s.focus(), true
		}
		a := s.accounts[shown[s.cursor-1]]
		return done(Account, AccountChosen{Account: token.Account{Username: a.Username, Name: a.Name, Email: a.Email}, ID: a.ID}), true
	}
	return nil, false
}

// onFormKey handles the new account's form: esc goes back to the list,
// enter checks the fields and chooses the account.
func (s *AccountStep) onFormKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, s.form.keys.Back):
		s.creating = false
		return s.focus()
	case key.Matches(k, s.form.keys.Next):
		a := s.typed()
		s.errs = [3]string{errText(s.nameQ.Validate(a.Name)), errText(s.userQ.Validate(a.Username)), errText(s.emailQ.Validate(a.Email))}
		if ex := s.existing(a.Username); ex != nil && s.errs[fieldUsername] == "" {
			s.errs[fieldUsername] = "@" + ServerText(ex.Username, 60) + " is already a service account of " + ServerText(s.group, 80) + ": esc goes back to the list, where you can pick it."
		}
		for i, e := range s.errs {
			if e != "" {
				return s.form.focusOn(i)
			}
		}
		return done(Account, AccountChosen{Account: a})
	}
	return s.formInput(k)
}

// formInput gives msg to the focused field; the username follows the name
// until it is typed itself.
func (s *AccountStep) formInput(msg tea.Msg) tea.Cmd {
	name, user := s.form.value(fieldName), s.form.value(fieldUsername)
	cmd := s.form.update(msg)
	switch {
	case s.form.value(fieldUsername) != user:
		s.userEdited = true
	case s.form.value(fieldName) != name && !s.userEdited:
		s.form.in[fieldUsername].SetValue(suggestUsername(s.form.value(fieldName)))
		s.form.in[fieldUsername].CursorEnd() // a tab into it goes on typing at its end
	}
	return cmd
}

// typed is the new account as the form holds it.
func (s *AccountStep) typed() token.Account {
	return token.Account{Name: strings.TrimSpace(s.form.value(fieldName)),
		Username: strings.TrimPrefix(strings.TrimSpace(s.form.value(fieldUsername)), "@"), Email: strings.TrimSpace(s.form.value(fieldEmail))}
}

func (s *AccountStep) render() *doc {
	st := &s.c.Styles
	d := newDoc(s.c.Width)
	if s.creating {
		d.text(st.Subtle, s.nameQ.Intro)
		d.blank()
		for i := range s.form.in {
			field := len(d.lines)
			d.raw(s.form.in[i].View())
			if s.errs[i] != "" {
				d.hanging("  ", "  ", st.Error, s.errs[i])
				d.keep(field)
			}
			if s.form.note != "" && i == s.form.focus {
				d.hanging("  ", "  ", st.Warn, s.form.note)
				d.keep(field)
			}
		}
		d.blank()
		d.text(st.Subtle, s.emailQ.Intro)
		if strings.TrimSpace(s.form.value(fieldEmail)) == "" {
			d.text(st.Warn, "! "+token.NoEmailWarning+".")
		}
		return d
	}
	d.text(st.Subtle, s.q.Intro)
	d.blank()
	d.raw(s.filter.in[0].View())
	if s.filter.note != "" {
		d.hanging("  ", "  ", st.Warn, s.filter.note)
	}
	d.blank()
	switch {
	case s.loading:
		d.text(st.Subtle, "reading the service accounts of "+ServerText(s.group, 80)+"…")
	case s.loadErr != "":
		d.text(st.Warn, "Could not list them: "+strings.TrimRight(ServerText(s.loadErr, 0), ". ")+". You can still create one.")
	case len(s.accounts) == 0:
		d.text(st.Subtle, ServerText(s.group, 80)+" has no service account yet.")
	}
	for i, o := range s.rows() {
		// GitLab's own usernames (service_account_group_15_<hex>) are wider
		// than the column: their meaning goes below (doc.row).
		d.row(st, i == s.cursor, false, o.Label, 30, o.Meaning)
	}
	return d
}

func (s *AccountStep) View() string   { return s.render().String() }
func (s *AccountStep) FocusLine() int { return s.render().focus }
func (s *AccountStep) FocusEnd() int  { return s.render().focusEnd }

func (s *AccountStep) ShortHelp() []key.Binding {
	if s.creating {
		back := s.form.keys.Back
		back.SetHelp("esc", "back to the list")
		return []key.Binding{s.form.keys.NextField, s.form.keys.PrevField, s.form.keys.Next, back}
	}
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Next, s.keys.Back}
}
func (s *AccountStep) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Restyle applies the styles again after the background colour changed them.
func (s *AccountStep) Restyle(st Styles) {
	s.filter.Restyle(st)
	s.form.Restyle(st)
}

// Resize fits the filter and the form's fields to a window width columns wide.
func (s *AccountStep) Resize(width int) {
	s.filter.Resize(width)
	s.form.Resize(width)
}
