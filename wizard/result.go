package wizard

// The result screen: the new token, shown once, masked until revealed; its
// verification; the hand-off summary and the next steps in Jira. It owns
// the questions asked over it (where to save, leave without the token?).

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// ResultKeyMap holds the result screen's keys.
type ResultKeyMap struct {
	Reveal, Copy, CopyHandOff, Save, RevokeSelf, Audit, Done key.Binding
	// Stop is the only key while the token is being revoked on leaving:
	// it stops waiting for GitLab, whose answer may never come.
	Stop key.Binding
}

// DefaultResultKeyMap returns the result screen's keys.
func DefaultResultKeyMap() ResultKeyMap {
	return ResultKeyMap{
		Reveal:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal/hide")),
		Copy:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy token")),
		CopyHandOff: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "copy hand-off")),
		Save:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save to file (0600)")),
		RevokeSelf:  key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "revoke your sign-in token")),
		Audit:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "what expires soon")),
		Done:        key.NewBinding(key.WithKeys("q", "esc", "ctrl+c"), key.WithHelp("q", "finish")),
		Stop:        key.NewBinding(key.WithKeys("q", "esc", "ctrl+c"), key.WithHelp("q", "stop waiting and leave")),
	}
}

// The result screen's requests to the root, and its own questions' answers.
type (
	revokeTokenMsg struct{}
	revokeSelfMsg  struct{}
	leaveMsg       struct{ revoke bool }
	// stopRevokeMsg leaves while the revoke on leaving is unanswered.
	stopRevokeMsg struct{}
)

// resultInfo is what the result screen shows besides the token, prepared by the root.
type resultInfo struct {
	handOff token.HandOff
	next    token.NextSteps
	// selfNote offers to revoke a short-lived sign-in credential; "" when not offered.
	selfNote string
	// account says what a service-account token's writes did: the account
	// and its memberships.
	account []string
	// auditLabel names where the token lives ("project acme/web"), whose
	// audit the audit key shows; "" when it lives in no project or group.
	auditLabel string
	audit      gitlab.AuditOptions
	// auditCommand is the audit command of the same place, for all findings.
	auditCommand token.Command
	// base is the instance's address, for the commands.
	base string
	// createdAccount names the service account this run created, and
	// createdIn its group; "" when none was: revoking the token leaves it.
	createdAccount, createdIn string
}

// result is the screen that shows the new token.
type result struct {
	c    *steps.Common
	keys ResultKeyMap
	spin spinner.Model
	tok  *gitlab.NewToken
	info resultInfo
	// out is the run's outcome, which this screen keeps up to date (what
	// the user did with the token) for the caller after exit.
	out          *Outcome
	verification *gitlab.Verification
	showValue    bool
	savePath     string // the save prompt's default
	// revoking is set while the token is being revoked on leaving.
	revoking bool
	// revokeSelf is k, which revokes the sign-in credential once.
	revokeSelf once
	notice     notice
	// modal is a question over the result, or the audit, nil when none.
	modal screen
	// audits numbers the audits asked for, so that a late answer to one
	// closed since is dropped.
	audits int
}

func newResult(c *steps.Common, tok *gitlab.NewToken, info resultInfo, out *Outcome) *result {
	r := &result{c: c, keys: DefaultResultKeyMap(), spin: spinner.New(spinner.WithSpinner(spinner.Dot)), tok: tok, info: info, out: out,
		savePath: fmt.Sprintf("gitlab-token-%d.txt", tok.ID)}
	r.keys.RevokeSelf.SetEnabled(info.selfNote != "")
	r.keys.Audit.SetEnabled(info.auditLabel != "")
	r.revokeSelf = once{key: r.keys.RevokeSelf, help: r.keys.RevokeSelf.Help().Desc,
		running: "revoking your sign-in token…", done: "sign-in token revoked",
		started:  "Revoking the token you signed in with…",
		waiting:  "Already revoking the token you signed in with: the request is sent once; wait for GitLab's answer.",
		finished: "The token you signed in with is already revoked: nothing more to do."}
	return r
}

func (r *result) Title() string {
	if r.modal != nil {
		return r.modal.Title()
	}
	return "Your new token — shown once"
}

func (r *result) Notice() notice { return r.notice }

func (r *result) TakesText() bool { return r.modal != nil && r.modal.TakesText() }

func (r *result) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		// Each spinner takes only its own ticks: the verification's, and
		// the audit's over it.
		var cmds []tea.Cmd
		if r.modal != nil {
			var cmd tea.Cmd
			r.modal, cmd = r.modal.Update(msg)
			cmds = append(cmds, cmd)
		}
		if r.verification == nil {
			var cmd tea.Cmd
			r.spin, cmd = r.spin.Update(msg)
			cmds = append(cmds, cmd)
		}
		return r, tea.Batch(cmds...)
	case verifiedMsg:
		r.verification = &msg.v
	case suggestedMsg:
		r.savePath = msg.path
	case savedMsg:
		return r, r.onSaved(msg)
	case revokedMsg:
		return r, r.onRevoked(msg)
	case leaveMsg:
		if !msg.revoke {
			return r, send(quitMsg{})
		}
		r.modal, r.revoking = nil, true
		r.notice = notice{levelInfo, "Revoking the token… (" + r.keys.Stop.Help().Key + " stops waiting: the revoke's outcome is then unknown, and the commands to check and revoke it are printed)"}
		return r, send(revokeTokenMsg{})
	case closeMsg:
		r.modal = nil
	case reopenMsg:
		r.modal = newSavePrompt(r.c, msg.path)
	case tea.KeyPressMsg:
		if r.modal != nil {
			var cmd tea.Cmd
			r.modal, cmd = r.modal.Update(msg)
			return r, cmd
		}
		if r.revoking {
			// Nothing else applies to a token being revoked; a server that
			// never answers must not keep the user here until --timeout.
			if key.Matches(msg, r.keys.Stop) {
				return r, send(stopRevokeMsg{})
			}
			return r, nil
		}
		return r, r.onKey(msg)
	default:
		if r.modal != nil {
			var cmd tea.Cmd
			r.modal, cmd = r.modal.Update(msg)
			return r, cmd
		}
	}
	return r, nil
}

// crashOn is empty in every real build. End-to-end tests build a binary with
// -ldflags "-X gitlab-token-wizard/wizard.crashOn=s" to make a result-screen
// key panic, proving a crash restores the terminal and prints no secret.
var crashOn string

func (r *result) onKey(k tea.KeyPressMsg) tea.Cmd {
	if crashOn != "" && key.Matches(k, key.NewBinding(key.WithKeys(crashOn))) {
		panic("crash test: a deliberate panic on the result screen")
	}
	switch {
	case key.Matches(k, r.keys.Reveal):
		r.showValue = !r.showValue
		r.out.Revealed = r.out.Revealed || r.showValue
	case key.Matches(k, r.keys.Copy):
		r.out.Copied = true
		r.notice = notice{levelDone, steps.Copied("the token")}
		return tea.SetClipboard(r.tok.Value.Reveal())
	case key.Matches(k, r.keys.CopyHandOff):
		r.notice = notice{levelDone, steps.Copied("the hand-off summary")}
		return tea.SetClipboard(r.info.handOff.String())
	case key.Matches(k, r.keys.Save):
		switch {
		case r.out.SavedPath != "":
			// A second copy of the secret is a second file to protect.
			r.notice = notice{levelWarn, "Already saved to " + r.out.SavedPath + ": no second copy is written."}
		default:
			p := newSavePrompt(r.c, r.savePath)
			r.modal = p
			return p.quiet.Stir() // the keys that came with s are not typed into the path
		}
	case key.Matches(k, r.revokeSelf.key):
		n, first := r.revokeSelf.press()
		r.notice = n
		if first {
			return send(revokeSelfMsg{})
		}
	case key.Matches(k, r.keys.Audit):
		r.audits++
		a := newAuditScreen(r.c, r.audits, r.info, r.tok.ID)
		r.modal = a
		return tea.Batch(a.spin.Tick, send(auditRequestMsg{seq: r.audits, opts: r.info.audit}))
	case key.Matches(k, r.keys.Done):
		// Only a file proves the token was kept: a copy over OSC 52 may have
		// gone nowhere (tmux without set-clipboard, GNU screen), unseen.
		if r.out.SavedPath != "" {
			return send(quitMsg{})
		}
		r.modal = r.leaveQuestion()
	}
	return nil
}

func (r *result) leaveQuestion() screen {
	// Revoking undoes only the token: say so before x is pressed, not
	// only in the summary after it.
	stays := ""
	if a := r.info.createdAccount; a != "" {
		stays = " Revoking the token leaves the service account " + a + ", which this run created in " + r.info.createdIn + ", and its memberships in place."
	}
	if r.out.Copied {
		return &question{c: r.c, title: "Leave with the token on the clipboard?",
			warning: "The token was sent to the terminal's clipboard, but the wizard cannot know it arrived: some terminals, GNU screen and tmux without set-clipboard on drop it without a word. " +
				"Paste it somewhere first to check the copy worked: GitLab will never show it again.",
			body: "Leave (the command that revokes it is printed after exit), revoke it now, or go back to it (" + r.keys.Save.Help().Key + " saves it to a file)." + stays,
			choices: []choice{
				{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, I pasted it: leave")), leaveMsg{}},
				{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke it, then leave")), leaveMsg{revoke: true}},
				{key.NewBinding(key.WithKeys("n", "esc", "ctrl+c"), key.WithHelp("n", "no, go back")), closeMsg{}},
			}}
	}
	return &question{c: r.c, title: "Leave without keeping the token?",
		warning: "You have not copied or saved the token. GitLab will never show it again; you would have to revoke it and create another.",
		body:    "Leave it in GitLab (the command that revokes it is printed after exit), revoke it now, or go back to it." + stays,
		choices: []choice{
			{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, leave")), leaveMsg{}},
			{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke it, then leave")), leaveMsg{revoke: true}},
			{key.NewBinding(key.WithKeys("n", "esc", "ctrl+c"), key.WithHelp("n", "no, go back")), closeMsg{}},
		}}
}

func (r *result) onSaved(msg savedMsg) tea.Cmd {
	switch {
	case msg.tree != "":
		r.modal = &question{c: r.c, title: "Save inside a git work tree?",
			warning: msg.path + " is inside the git work tree at " + msg.tree + ": a token file there is one `git add` away from being committed and pushed.",
			body:    "Save there anyway, or go back and choose another place?",
			choices: []choice{
				{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "save there anyway")), saveRequest{path: msg.path, inTree: true}},
				{key.NewBinding(key.WithKeys("n", "esc", "ctrl+c"), key.WithHelp("n", "choose another place")), reopenMsg{path: msg.path}},
			}}
	case msg.err != nil:
		p := newSavePrompt(r.c, msg.path)
		p.err = "Could not save: " + msg.err.Error()
		r.modal, r.notice = p, notice{levelError, "Could not save: nothing was written."}
	default:
		r.modal, r.out.SavedPath = nil, msg.path
		r.notice = notice{levelDone, "Saved to " + msg.path + " (mode 0600, readable only by you)."}
		r.keys.Save.SetHelp(r.keys.Save.Help().Key, "saved")
	}
	return nil
}

// reopenMsg goes back to the save prompt with path.
type reopenMsg struct{ path string }

func (r *result) onRevoked(msg revokedMsg) tea.Cmd {
	switch {
	case msg.self && msg.err != nil:
		r.revokeSelf.answered(msg.err)
		r.notice = notice{levelError, "Could not revoke your sign-in token: " + steps.ServerText(msg.err.Error(), 0)}
	case msg.self:
		r.revokeSelf.answered(nil)
		r.info.selfNote, r.notice = "", notice{levelDone, "The token you signed in with is revoked."}
	case msg.err != nil:
		r.revoking = false
		r.notice = notice{levelError, "Could not revoke the new token: " + steps.ServerText(msg.err.Error(), 0)}
	default:
		r.out.Revoked = true
		return send(quitMsg{})
	}
	return nil
}

func (r *result) View() string {
	if r.modal != nil {
		return r.modal.View()
	}
	st := &r.c.Styles
	var b strings.Builder
	val, hint := r.tok.Value.Masked(), fmt.Sprintf("(press %s to reveal)", r.keys.Reveal.Help().Key)
	if r.showValue {
		val, hint = st.Secret.Render(r.tok.Value.Reveal()), fmt.Sprintf("(%s hides it; shift+drag selects it)", r.keys.Reveal.Help().Key)
	}
	// The hint stays outside the box, so the box fits a narrow window.
	b.WriteString(tokenBox(st, val, r.c.Width) + "\n" + st.Subtle.Render(steps.Wrap(hint, r.c.Width)) + "\n")
	b.WriteString(st.Warn.Render(steps.Wrap(fmt.Sprintf("GitLab shows this token only once. Copy it (%s) or save it (%s) before you leave.",
		r.keys.Copy.Help().Key, r.keys.Save.Help().Key), r.c.Width)) + "\n")
	if len(r.info.account) > 0 {
		b.WriteString("\n" + st.Title.Render("Its service account") + "\n")
		for _, l := range r.info.account {
			b.WriteString(steps.Wrap(l, r.c.Width) + "\n")
		}
	}
	b.WriteString("\n" + st.Title.Render("Verification with the new token") + "\n")
	if r.verification == nil {
		b.WriteString(r.spin.View() + " using the token as Jira will…\n")
	} else {
		b.WriteString(steps.CheckLines(r.c, r.verification.Checks) + "\n")
	}
	b.WriteString("\n" + st.Title.Render(fmt.Sprintf("Hand-off summary (no secret; %s copies it for the ticket)", r.keys.CopyHandOff.Help().Key)) + "\n")
	b.WriteString(steps.Wrap(r.info.handOff.String(), r.c.Width) + "\n")
	b.WriteString("\n" + st.Title.Render("Next, in Jira") + "\n")
	for _, s := range r.info.next.Steps {
		// A hanging indent, so that an address wrapped to its own line stays under its step.
		b.WriteString(strings.ReplaceAll(steps.Wrap(s, r.c.Width-3), "\n", "\n   ") + "\n")
	}
	if c := r.info.next.Rotate; c != nil {
		// The renewal, whole or broken only between arguments.
		for _, l := range c.Lines(r.c.Width - 3) {
			b.WriteString("   " + l + "\n")
		}
	}
	if r.info.selfNote != "" {
		b.WriteString("\n" + st.Warn.Render(steps.Wrap(r.info.selfNote, r.c.Width)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// tokenBox frames the token. Where a box around it would not fit the width
// (a routable token is 50 characters or more, a window may be 30), the
// value is never broken — a copy must get it whole — so it goes between two
// rules as wide as the window, and runs past the edge (←/→ bring it in view).
func tokenBox(st *steps.Styles, val string, width int) string {
	if box := st.Box.Render(val); lipgloss.Width(box) <= width {
		return box
	}
	rule := st.Subtle.Render(strings.Repeat("─", max(width, 1)))
	return rule + "\n" + val + "\n" + rule
}

// FocusLine is the line to keep in view: the audit's chosen command, or
// the token's box while its value is shown (v pressed while scrolled down
// must show the value where the user looks, not reveal it off screen).
func (r *result) FocusLine() int {
	if f, ok := r.modal.(interface{ FocusLine() int }); ok {
		return f.FocusLine()
	}
	if r.modal == nil && r.showValue {
		return 0 // the box is the first thing drawn
	}
	return -1
}

func (r *result) ShortHelp() []key.Binding {
	if r.modal != nil {
		return r.modal.ShortHelp()
	}
	if r.revoking {
		return []key.Binding{r.keys.Stop}
	}
	return []key.Binding{r.keys.Reveal, r.keys.Copy, r.keys.Save, r.keys.Done, r.keys.CopyHandOff, r.keys.Audit, r.revokeSelf.key}
}

func (r *result) FullHelp() [][]key.Binding {
	if r.modal != nil {
		return r.modal.FullHelp()
	}
	if r.revoking {
		return [][]key.Binding{{r.keys.Stop}}
	}
	return [][]key.Binding{{r.keys.Reveal, r.keys.Copy, r.keys.CopyHandOff}, {r.keys.Save, r.keys.Audit, r.revokeSelf.key, r.keys.Done}}
}
