package wizard

// The audit over the result screen: after a token is made, one key shows
// what else expires soon where it lives (its project or group), each
// finding with the command that deals with it. The audit is a lookup like
// any other: bounded in time and concurrency, and stopped by leaving it.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// Bounds of the wizard's audit: a group of thousands of projects is read in
// time, gently; past the bound, what was found so far is shown.
const (
	auditTimeout     = 90 * time.Second
	auditConcurrency = 4
	// auditShown is how many tokens the screen lists, the most urgent
	// first; the audit command lists the rest.
	auditShown = 30
)

// The audit's messages: the screen's request and its cancel, and the
// answers, each naming the audit it belongs to.
type (
	auditRequestMsg struct {
		seq  int
		opts gitlab.AuditOptions
	}
	auditCancelMsg   struct{ seq int }
	auditProgressMsg struct {
		seq  int
		p    gitlab.AuditProgress
		next tea.Cmd
	}
	auditedMsg struct {
		seq int
		rep *gitlab.AuditReport
		err error
	}
)

// auditOf is where a token of r lives, for its audit: its project, its
// group, or the group of its service account. A personal token lives in
// no project or group ("").
func auditOf(r token.Request, base string) (label string, o gitlab.AuditOptions, command token.Command) {
	switch r.Kind {
	case token.KindProject:
		return "project " + r.Target, gitlab.AuditOptions{Project: r.Target}, token.AuditCommand(base, token.KindProject, r.Target)
	case token.KindGroup, token.KindServiceAccount:
		return "group " + r.Target, gitlab.AuditOptions{Group: r.Target}, token.AuditCommand(base, token.KindGroup, r.Target)
	}
	return "", gitlab.AuditOptions{}, token.Command{}
}

// auditCmd runs the audit the screen asked for, replacing any before it.
// Progress is kept to the latest (a slow screen never holds the audit up).
func (m *Model) auditCmd(req auditRequestMsg) tea.Cmd {
	if f, ok := m.inflight[auditFlight]; ok {
		f.cancel()
	}
	ctx, cancel := context.WithTimeout(m.ctx, auditTimeout)
	m.inflight[auditFlight] = flight{seq: req.seq, cancel: cancel}
	api, o := m.api, req.opts
	return func() tea.Msg {
		prog, done := make(chan gitlab.AuditProgress, 1), make(chan auditedMsg, 1)
		o.Concurrency = auditConcurrency
		o.Progress = func(p gitlab.AuditProgress) {
			select {
			case <-prog: // drop the older word
			default:
			}
			select {
			case prog <- p:
			default:
			}
		}
		go func() {
			defer cancel()
			rep, err := api.Audit(ctx, o)
			done <- auditedMsg{seq: req.seq, rep: rep, err: err}
		}()
		var wait func() tea.Msg
		wait = func() tea.Msg {
			select {
			case d := <-done:
				return d
			case p := <-prog:
				return auditProgressMsg{seq: req.seq, p: p, next: wait}
			}
		}
		return wait()
	}
}

// onAuditCancel stops the audit the screen no longer shows.
func (m *Model) onAuditCancel(msg auditCancelMsg) {
	if f, ok := m.inflight[auditFlight]; ok && f.seq == msg.seq {
		f.cancel()
		delete(m.inflight, auditFlight)
	}
}

// AuditKeyMap holds the audit screen's keys.
type AuditKeyMap struct {
	Up, Down, Copy, Back key.Binding
}

// DefaultAuditKeyMap returns the audit screen's keys.
func DefaultAuditKeyMap() AuditKeyMap {
	return AuditKeyMap{
		Up:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous command")),
		Down: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next command")),
		Copy: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the command")),
		Back: key.NewBinding(key.WithKeys("esc", "q", "ctrl+c"), key.WithHelp("esc", "back to the token")),
	}
}

// auditScreen shows the audit of where the new token lives.
type auditScreen struct {
	c     *steps.Common
	keys  AuditKeyMap
	spin  spinner.Model
	seq   int
	label string
	// base is the instance's address, for the findings' commands, and
	// command the audit command of the same place, kept as arguments so
	// that it is drawn broken between them, never cut at the edge.
	base    string
	command token.Command
	// newID is the token just made, which is not "what else".
	newID    int64
	progress *gitlab.AuditProgress
	rep      *gitlab.AuditReport
	err      error
	judged   []token.Judged
	// more counts the tokens that expire soon but are not listed (auditShown).
	more   int
	others token.AuditTally
	cursor int
	notice notice
	// left is set once esc was pressed: one cancel is enough.
	left bool
}

func newAuditScreen(c *steps.Common, seq int, info resultInfo, newID int64) *auditScreen {
	s := &auditScreen{c: c, keys: DefaultAuditKeyMap(), spin: spinner.New(spinner.WithSpinner(spinner.Dot)), seq: seq,
		label: info.auditLabel, base: info.base, command: info.auditCommand, newID: newID}
	s.keys.Copy.SetEnabled(false)
	s.syncKeys()
	return s
}

// syncKeys offers ↑/↓ only when there is another command to move to: with
// the audit command alone they would do nothing (and the frame scrolls with them).
func (s *auditScreen) syncKeys() {
	more := len(s.commands()) > 1
	s.keys.Up.SetEnabled(more)
	s.keys.Down.SetEnabled(more)
}

func (s *auditScreen) Title() string   { return "What else expires in " + steps.ServerText(s.label, 80) }
func (s *auditScreen) Notice() notice  { return s.notice }
func (s *auditScreen) TakesText() bool { return false }

func (s *auditScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if s.rep != nil || s.err != nil {
			return s, nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return s, cmd
	case auditProgressMsg:
		if msg.seq != s.seq || s.left {
			return s, nil // an audit stopped since: stop listening
		}
		p := msg.p
		s.progress = &p
		return s, msg.next
	case auditedMsg:
		if msg.seq == s.seq {
			s.onAudited(msg)
		}
	case tea.KeyPressMsg:
		return s, s.onKey(msg)
	}
	return s, nil
}

// onAudited judges what was found with the audit command's policy, and
// keeps the tokens that expire within its window (or have), but the new one.
func (s *auditScreen) onAudited(msg auditedMsg) {
	s.rep, s.err = msg.rep, msg.err
	if msg.err != nil {
		return
	}
	p := token.AuditPolicy{Now: s.c.Clock.Now(), WithinDays: token.DefaultWithinDays, Host: s.base}
	var rest []token.Judged
	for _, j := range p.JudgeAll(msg.rep.Tokens) {
		if j.ID == s.newID {
			continue
		}
		if expiring(j) {
			s.judged = append(s.judged, j)
		} else {
			rest = append(rest, j)
		}
	}
	s.others = token.Tally(rest)
	if n := len(s.judged); n > auditShown {
		s.judged, s.more = s.judged[:auditShown], n-auditShown
	}
	s.keys.Copy.SetEnabled(true)
	s.syncKeys()
}

func expiring(j token.Judged) bool {
	for _, f := range j.Findings {
		if f.Kind.Level() == token.LevelExpiry {
			return true
		}
	}
	return false
}

// commands are the findings' commands, in the order shown, then the audit
// command that lists everything; the cursor picks one.
func (s *auditScreen) commands() []string {
	var out []string
	for _, j := range s.judged {
		for _, f := range j.Findings {
			if !f.Command.Empty() {
				out = append(out, f.Command.String())
			}
		}
	}
	return append(out, s.command.String())
}

func (s *auditScreen) onKey(k tea.KeyPressMsg) tea.Cmd {
	n := len(s.commands())
	// Up and down are enabled only when there is another command (syncKeys).
	if c, moved := steps.MoveCursor(k, s.keys.Up, s.keys.Down, s.cursor, n); moved {
		s.cursor = c
		return nil
	}
	switch {
	case key.Matches(k, s.keys.Back):
		if s.left {
			return nil
		}
		s.left = true
		return tea.Batch(send(auditCancelMsg{seq: s.seq}), send(closeMsg{}))
	case key.Matches(k, s.keys.Copy) && n > 0:
		s.notice = notice{levelDone, steps.Copied("the command")}
		return tea.SetClipboard(s.commands()[s.cursor])
	}
	return nil
}

func (s *auditScreen) View() string { v, _ := s.render(); return v }

// FocusLine is the line of the command under the cursor.
func (s *auditScreen) FocusLine() int { _, f := s.render(); return f }

// render draws the screen and says which line holds the chosen command.
// Commands are drawn whole on their own lines: a copy gets them entire.
func (s *auditScreen) render() (string, int) {
	st := &s.c.Styles
	w := s.c.Width
	var lines []string
	add := func(style func(...string) string, text string, indent int) {
		pad := strings.Repeat(" ", indent)
		for _, l := range strings.Split(steps.Wrap(text, w-indent), "\n") {
			lines = append(lines, pad+style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	switch {
	case s.err != nil:
		add(st.Error.Render, "The audit failed: "+steps.ServerText(s.err.Error(), 0), 0)
		var ge *gitlab.Error
		if errors.As(s.err, &ge) && ge.ServerMessage != "" {
			add(st.Subtle.Render, "GitLab said: "+steps.ServerText(ge.ServerMessage, 0), 0)
		}
		return strings.Join(lines, "\n"), -1
	case s.rep == nil:
		text := " reading the tokens of " + steps.ServerText(s.label, 80) + "…"
		if p := s.progress; p != nil {
			text += fmt.Sprintf(" %d projects and %d groups read, %d tokens found so far", p.Projects, p.Groups, p.Tokens)
		}
		add(plain, s.spin.View()+text, 0)
		add(st.Subtle.Render, fmt.Sprintf("At most %d requests at a time, for at most %s; %s stops it.", auditConcurrency, auditTimeout, s.keys.Back.Help().Key), 0)
		return strings.Join(lines, "\n"), -1
	}
	if s.rep.Interrupted {
		add(st.Warn.Render, fmt.Sprintf("Stopped after %s: these are the tokens found so far.", auditTimeout), 0)
	}
	if len(s.judged) == 0 {
		add(st.OK.Render, fmt.Sprintf("Nothing else in %s expires within %d days.", steps.ServerText(s.label, 80), token.DefaultWithinDays), 0)
	} else {
		line := fmt.Sprintf("%d other tokens in %s have expired or expire within %d days:", len(s.judged)+s.more, steps.ServerText(s.label, 80), token.DefaultWithinDays)
		if len(s.judged)+s.more == 1 {
			line = fmt.Sprintf("1 other token in %s has expired or expires within %d days:", steps.ServerText(s.label, 80), token.DefaultWithinDays)
		}
		add(st.Warn.Render, line, 0)
	}
	if s.more > 0 {
		add(st.Subtle.Render, fmt.Sprintf("The %d most urgent are listed here; the audit command at the end lists all.", len(s.judged)), 0)
	}
	// What could not be read: never "nothing else" alone when some lists
	// were refused or failed (the audit command names them).
	if n := s.rep.Failed; n > 0 {
		add(st.Warn.Render, fmt.Sprintf("Incomplete: GitLab failed to list the tokens of %s there; the audit command at the end names them.", placesText(n)), 0)
	}
	if n := s.rep.Unreadable; n > 0 {
		add(st.Subtle.Render, fmt.Sprintf("You may not read the tokens of %s there; the audit command at the end names them.", placesText(n)), 0)
	}
	if why := s.rep.ServiceAccountsUnlisted; why != "" {
		add(st.Subtle.Render, why+".", 0)
	}
	focus, n := -1, 0
	for _, j := range s.judged {
		lines = append(lines, "")
		add(st.Text.Render, fmt.Sprintf("%s · #%d %s · %s", j.Where, j.ID, token.Quote(j.Name), strings.Join(j.Scopes, ",")), 0)
		for _, f := range j.Findings {
			add(st.Subtle.Render, "! "+f.Message+": "+f.Advice, 2)
			if f.Command.Empty() {
				continue
			}
			// Broken only between its arguments, to fit, as the audit command below.
			for i, l := range f.Command.Lines(w - 4) {
				cur := "    "
				if i == 0 && n == s.cursor {
					focus, cur = len(lines), st.Cursor.Render("  > ")
				}
				lines = append(lines, cur+l)
			}
			n++
		}
	}
	lines = append(lines, "")
	switch c := token.FindingCounts(s.others); {
	case c != "":
		add(st.Subtle.Render, fmt.Sprintf("%s findings not about expiry (%s); this command lists them all:", otherTokens(s.others.Tokens, "has", "have"), c), 0)
	case s.others.Tokens > 0:
		add(st.Subtle.Render, fmt.Sprintf("%s nothing now; this command lists them all:", otherTokens(s.others.Tokens, "needs", "need")), 0)
	default:
		add(st.Subtle.Render, "This command lists every token there:", 0)
	}
	// The audit command is broken only between its arguments, to fit.
	for i, l := range s.command.Lines(w - 4) {
		cur := "    "
		if i == 0 && n == s.cursor {
			focus, cur = len(lines), st.Cursor.Render("  > ")
		}
		lines = append(lines, cur+l)
	}
	return strings.Join(lines, "\n"), focus
}

func (s *auditScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Copy, s.keys.Back}
}
func (s *auditScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func placesText(n int) string {
	if n == 1 {
		return "1 place"
	}
	return fmt.Sprintf("%d places", n)
}

// otherTokens names the other tokens there, counted, with the verb that
// agrees: one for a single token, many for several.
func otherTokens(n int, one, many string) string {
	if n == 1 {
		return "The one other token there " + one
	}
	return fmt.Sprintf("The %d other tokens there %s", n, many)
}
