package wizard

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// View draws the whole screen in the alternate screen, so nothing of it,
// the token least of all, stays in the scrollback.
func (m *Model) View() tea.View {
	if m.quitting {
		v := tea.NewView("")
		v.AltScreen = true
		return v
	}
	var body, title string
	var bindings []key.Binding
	switch m.state {
	case stateBusy, stateCreating:
		title, body = "Working", m.spin.View()+" "+m.busy
	case stateResult:
		title, body, bindings = "Your new token — shown once", m.resultView(), []key.Binding{m.keys.Reveal, m.keys.Copy, m.keys.Save, m.keys.Done}
		if m.offerRevokeSelf() {
			bindings = append(bindings, m.keys.RevokeSelf)
		}
	case stateConfirmQuit:
		title = "Leave without keeping the token?"
		body = m.styles.Warn.Render("You have not copied or saved the token. GitLab will never show it again;\nyou would have to revoke it and create another.") + "\n\nQuit anyway?"
		bindings = []key.Binding{m.keys.Yes, m.keys.No}
	case stateFailed:
		title, body, bindings = "Something needs your attention", m.failureView(), m.failureBindings()
	default:
		s := m.current()
		title, body = s.Title(), s.View()
		bindings = append(s.ShortHelp(), m.keys.Quit)
	}
	header := m.styles.Title.Render("gitlab-token-wizard")
	if m.opts.Demo {
		header += " " + m.styles.Badge.Render("DEMO")
	}
	if m.state == stateStep {
		header += m.styles.Subtle.Render(fmt.Sprintf("  step %d of %d", m.cur+1, len(m.order)))
	}
	if m.pf.User.Username != "" {
		header += m.styles.Subtle.Render("  " + m.pf.User.Username + " @ " + gitlab.HostName(m.api.BaseURL()))
	}
	help := m.help.ShortHelpView(bindings)
	if m.notice != "" && m.state != stateResult {
		body += "\n\n" + m.styles.Warn.Render(m.notice)
	}
	width := max(m.width-1, 20)
	content := fit(ansi.Wrap(header, width, ""), m.styles.Title.Render(title), wrap(body, width), ansi.Wrap(help, width, ""), m.height,
		m.styles.Subtle.Render("… more below: enlarge the window"))
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "gitlab-token-wizard"
	return v
}

func (m *Model) resultView() string {
	r := m.result
	var b strings.Builder
	val := r.Value.Masked() + m.styles.Subtle.Render("   (press v to reveal)")
	if m.revealed {
		val = m.styles.Secret.Render(r.Value.Reveal()) + m.styles.Subtle.Render("   (v hides it)")
	}
	b.WriteString(m.styles.Box.Render(val) + "\n")
	b.WriteString(m.styles.Warn.Render("GitLab shows this token only once. Copy it (c) or save it (s) before you leave.") + "\n")
	if m.notice != "" {
		b.WriteString(m.styles.OK.Render(m.notice) + "\n")
	}
	b.WriteString("\n" + m.styles.Title.Render("Verification with the new token") + "\n")
	if m.verification == nil {
		b.WriteString(m.spin.View() + " using the token as Jira will…\n")
	} else {
		for _, c := range m.verification.Checks {
			mark := m.styles.OK.Render("PASS")
			if !c.OK {
				mark = m.styles.Error.Render("FAIL")
			}
			fmt.Fprintf(&b, "%s  %s: %s\n", mark, c.Name, safe.Line(c.Detail, 120))
		}
	}
	b.WriteString("\n" + m.styles.Title.Render("Hand-off summary (no secret; paste into the ticket)") + "\n")
	fmt.Fprintf(&b, "%s token id %d · %q · %s · %s · expires %s · %s\n", m.req.Kind, r.ID, r.Name, safe.Line(m.targetPhrase(), 80),
		m.grantPhrase(), m.req.ExpiresAt.Format(token.DateLayout), r.Value.Masked())
	b.WriteString("\n" + m.styles.Title.Render("Next, in Jira") + "\n")
	where := "repository: " + safe.Line(m.req.Target, 80)
	switch m.req.Kind {
	case token.KindGroup:
		where = "group: " + safe.Line(m.req.Target, 80) + " (every project in it)"
	case token.KindPersonal:
		where = "repositories: any the user can read"
	}
	fmt.Fprintf(&b, "1. In your Jira GitLab app (e.g. Jigit), add a connection to %s\n2. Paste the token; %s\n3. Press \"Test connection\". Renew before %s",
		m.api.BaseURL(), where, m.req.ExpiresAt.Format(token.DateLayout))
	if m.req.Kind.HasRole() {
		// The command that renews it, so the renewal is one line in a ticket
		// (no full stop after it: it would be copied with the id).
		fmt.Fprintf(&b, " with:\n   %s\n", m.req.TokenCommandLine(m.api.BaseURL(), "rotate", r.ID))
	} else {
		b.WriteString(" (create a new one).\n")
	}
	if m.offerRevokeSelf() {
		fmt.Fprintf(&b, "\n%s\n", m.styles.Warn.Render(fmt.Sprintf("The token you signed in with (%s) expires in %d days. Made just for this? Press k to revoke it now.",
			safe.Line(m.pf.Self.Name, 60), token.DaysUntil(m.pf.Self.ExpiresAt, m.opts.Now()))))
	}
	return b.String()
}

func (m *Model) failureView() string {
	var b strings.Builder
	var ve *token.ValidationError
	var ou *gitlab.OutcomeUnknownError
	switch {
	case errors.As(m.failure, &ve):
		b.WriteString("Nothing was sent. Fix these first:\n")
		for _, p := range ve.Problems {
			fmt.Fprintf(&b, "  • %s: %s\n", p.Field, safe.Text(p.Message))
		}
	case errors.As(m.failure, &ou):
		b.WriteString(m.styles.Error.Render("The create request did not finish cleanly.") + "\n\n" + safe.Text(ou.Error()) + "\n")
		if ou.Orphan != nil && !m.revoked {
			b.WriteString("\nPress x to revoke the orphaned token, then go back and create a new one.\n")
		}

	default:
		b.WriteString(m.styles.Error.Render(safe.Text(m.failure.Error())) + "\n")
		var ge *gitlab.Error
		if errors.As(m.failure, &ge) && ge.ServerMessage != "" {
			b.WriteString(m.styles.Subtle.Render("GitLab said: "+ge.ServerMessage) + "\n")
		}
	}
	switch {
	case m.canRetryCreate() && ou != nil:
		b.WriteString("\nNo token has appeared so far, but GitLab may still finish the request. Press r to look once more and create only if still none appeared.\n")
	case m.canRetryCreate():
		b.WriteString("\nNothing was created, so trying again is safe: press r when you are ready.\n")
	}
	if isPlanError(m.failure) {
		b.WriteString("\nPress p to make a personal access token instead (it acts as you; the wizard guides you through GitLab's form).\n")
	}
	if id := m.failureStep(); id != "" {
		fmt.Fprintf(&b, "\nPress enter to go back to the %s step; your other answers are kept.\n", id)
	}
	return b.String()
}

func (m *Model) failureBindings() []key.Binding {
	bs := []key.Binding{m.keys.Retry, key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit"))}
	var ou *gitlab.OutcomeUnknownError
	if errors.As(m.failure, &ou) && ou.Orphan != nil && !m.revoked {
		bs = append(bs, m.keys.Revoke)
	}
	if isPlanError(m.failure) {
		bs = append(bs, m.keys.Personal)
	}
	if m.canRetryCreate() {
		bs = append(bs, m.keys.Again)
	}
	return bs
}

func (m *Model) reviewBody() string {
	r := m.req
	now := m.opts.Now()
	base := ""
	if m.api != nil {
		base = m.api.BaseURL()
	}
	var b strings.Builder
	row := func(k, v string) { fmt.Fprintf(&b, "  %-12s %s\n", k, v) }
	row("kind", string(r.Kind)+" access token")
	switch r.Kind {
	case token.KindPersonal:
		row("for", safe.Text(m.targetPhrase()[len("for "):])+" — the token acts as this user")
	default:
		row(string(r.Kind), safe.Text(r.Target))
	}
	row("name", safe.Text(r.Name))
	if r.Description != "" {
		row("description", safe.Text(r.Description))
	}
	if r.Kind.HasRole() {
		row("role", r.Role.Title()+" — "+r.Role.Meaning())
	}
	row("scopes", token.JoinScopes(r.Scopes))
	row("expires", token.DescribeExpiry(r.ExpiresAt, now))
	for _, a := range m.preset.Advice(r) {
		b.WriteString(m.styles.Warn.Render("  ! "+a) + "\n")
	}
	b.WriteString("\n" + m.styles.Subtle.Render("The same, for a script or a ticket:") + "\n")
	b.WriteString(r.CommandLine(base) + "\n\n" + r.Curl(base) + "\n")
	return b.String()
}

// wrap fits body to width. A line that is one address is cut at the exact
// width instead of at hyphens, so that the pieces join back into the address.
func wrap(body string, width int) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		switch f := strings.Fields(l); {
		case ansi.StringWidth(l) <= width:
		case len(f) == 1 && strings.Contains(f[0], "://"):
			lines[i] = ansi.Hardwrap(l, width, true)
		default:
			lines[i] = wordWrap(l, width)
		}
	}
	return strings.Join(lines, "\n")
}

// wordWrap breaks a line at spaces only — never inside "--flag" or
// "Content-Type" as hyphen-breaking wrappers do — and cuts a word longer than
// the width at the width. Trailing spaces past the width are dropped.
func wordWrap(line string, width int) string {
	var out []string
	cur, curW := "", 0
	for i, w := range strings.Split(line, " ") {
		ww := ansi.StringWidth(w)
		sep := 0
		if i > 0 {
			sep = 1
		}
		if curW+sep+ww <= width {
			if i > 0 {
				cur += " "
			}
			cur, curW = cur+w, curW+sep+ww
			continue
		}
		if ww == 0 {
			continue // a space that would pass the edge
		}
		if cur != "" {
			out = append(out, cur)
		}
		cur, curW = w, ww
		for ansi.StringWidth(cur) > width {
			out = append(out, ansi.Truncate(cur, width, ""))
			cur = ansi.TruncateLeft(cur, width, "")
		}
		curW = ansi.StringWidth(cur)
	}
	return strings.Join(append(out, cur), "\n")
}

// fit lays out header, title, body and help in at most height lines (0: no
// limit). When the window is too short the body is cut, saying so, and the
// blank lines, then the header, then the title go before the help does: the
// keys must stay visible.
func fit(header, title, body, help string, height int, more string) string {
	full := header + "\n\n" + title + "\n\n" + body + "\n\n" + help
	if height <= 0 || strings.Count(full, "\n")+1 <= height {
		return full
	}
	helpLines := strings.Split(help, "\n")
	var top []string
	for _, t := range [][]string{{header, "", title, ""}, {header, title}, {title}, {}} {
		if len(t) > 0 {
			t = strings.Split(strings.Join(t, "\n"), "\n")
		}
		if len(t)+len(helpLines)+2 <= height {
			top = t
			break
		}
	}
	room := height - len(top) - len(helpLines)
	if room < 1 {
		return strings.Join(helpLines, "\n")
	}
	return strings.Join(append(append(top, window(strings.Split(body, "\n"), room, more)...), helpLines...), "\n")
}

// window returns at most room lines of body, keeping the selected line (the
// one starting with the cursor "> ") in view, and marking what is cut.
func window(lines []string, room int, more string) []string {
	if len(lines) <= room {
		return lines
	}
	if room < 3 {
		return []string{more}
	}
	cursor := 0
	for i, l := range lines {
		if strings.HasPrefix(ansi.Strip(l), "> ") {
			cursor = i
			break
		}
	}
	start := 0
	if cursor >= room-1 {
		start = min(cursor-(room-3), len(lines)-(room-1))
	}
	var out []string
	if start > 0 {
		out = append(out, strings.Replace(more, "below", "above", 1))
		start++
	}
	end := start + room - len(out) - 1
	if end >= len(lines) {
		return append(out, lines[start:]...)
	}
	return append(append(out, lines[start:end]...), more)
}

// title is the heading of the current screen (for tests and logs).
func (m *Model) title() string {
	if m.state == stateStep {
		return m.current().Title()
	}
	return fmt.Sprintf("state %d", m.state)
}
