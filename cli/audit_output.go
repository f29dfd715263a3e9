package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// auditView is an audit's result, judged, ready to be written. Every string
// from the server in it (names, paths, scopes, IPs) was made safe when read.
type auditView struct {
	scope, host string
	policy      token.AuditPolicy
	rep         *gitlab.AuditReport
	judged      []token.Judged
	tally       token.AuditTally
	took        time.Duration
	// width is the terminal's, when stdout is one: the table's commands are
	// then broken between arguments to fit it. 0: one line per command,
	// for scripts that grep them.
	width int
}

// errQuiet carries an exit code whose reason the output already gave.
var errQuiet = fmt.Errorf("")

func (a auditView) write(w io.Writer, format string) error {
	b := bufio.NewWriter(w)
	var err error
	switch format {
	case "json":
		err = a.json(b)
	case "csv":
		err = a.csv(b)
	case "openmetrics":
		a.openMetrics(b)
	default:
		a.text(b)
	}
	if err != nil {
		return err
	}
	return b.Flush()
}

// walked says what the audit went through.
func (a auditView) walked() string {
	parts := []string{plural(a.rep.Projects, "project"), plural(a.rep.Groups, "group")}
	if a.rep.Inventory {
		parts = []string{"the group's credentials inventory"}
	}
	if n := a.rep.ServiceAccounts; n > 0 {
		parts = append(parts, plural(n, "service account"))
	}
	if len(parts) == 3 {
		return parts[0] + ", " + parts[1] + " and " + parts[2]
	}
	return strings.Join(parts, " and ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// note sums up, in one line, what a reader of the data alone would miss.
func (a auditView) note() string {
	var parts []string
	if n := a.rep.Unreadable; n > 0 {
		var ex []string
		for _, p := range a.rep.UnreadableExamples {
			ex = append(ex, p.String())
		}
		parts = append(parts, fmt.Sprintf("you may not read the tokens of %s (a project's need the Maintainer role; a group's and its service accounts' the Owner role, "+
			"and service accounts a plan with them: Premium or Ultimate, or Free from GitLab 18.11), such as %s", plural(n, "place"), strings.Join(ex, ", ")))
	}
	if why := a.rep.ServiceAccountsUnlisted; why != "" {
		parts = append(parts, why)
	}
	if a.rep.RateLimited > 0 || a.rep.Paused > 0 {
		parts = append(parts, fmt.Sprintf("GitLab rate-limited %d requests; the audit waited %s in all", a.rep.RateLimited, a.rep.Paused.Round(time.Second)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "note: " + strings.Join(parts, "; ") + "."
}

// text writes the table: one section per band of days left, the most urgent
// first, each token on lines of at most 80 columns (cols) except the commands. A
// command is never cut inside an argument, so it can be copied whole: in a
// terminal it is broken between arguments with " \" to fit its width,
// elsewhere it stays on one line.
func (a auditView) text(b *bufio.Writer) {
	t := a.tally
	head := fmt.Sprintf("Audit of %s on %s: %s in %s.", a.scope, gitlab.HostName(a.host), plural(t.Tokens, "token"), a.walked())
	verdict := fmt.Sprintf("Nothing needs attention (--fail-on %s).", a.policy.FailOn)
	if t.Attention > 0 {
		verdict = fmt.Sprintf("%d need attention (--fail-on %s).", t.Attention, a.policy.FailOn)
	}
	if s := token.FindingCounts(t); s != "" {
		verdict += " Findings: " + s + "."
	}
	fmt.Fprintln(b, wrap(head, 0, a.cols()))
	fmt.Fprintln(b, wrap(verdict, 0, a.cols()))
	bands := map[string]int{}
	for _, j := range a.judged {
		bands[a.policy.Band(j)]++
	}
	band := ""
	for _, j := range a.judged {
		if bd := a.policy.Band(j); bd != band {
			band = bd
			fmt.Fprintf(b, "\n%s (%d)\n%6s  %-10s  %s\n", bd, bands[bd], "DAYS", "EXPIRES", "WHERE, TOKEN, USE")
		}
		a.row(b, j)
	}
	fmt.Fprintf(b, "\n%s\n", wrap(fmt.Sprintf("Read the tokens of %s in %s with %d requests.", a.walked(), a.took.Round(time.Second), a.rep.Requests), 0, a.cols()))
	if note := a.note(); note != "" {
		fmt.Fprintln(b, wrap(strings.TrimPrefix(note, "note: "), 0, a.cols()))
	}
}

const indent = 20

// cols is the width of the table's text: 80 columns, or a narrower
// terminal's width down to 60, below which the layout cannot shrink.
func (a auditView) cols() int {
	if a.width > 0 && a.width < 80 {
		return max(a.width, 60)
	}
	return 80
}

func (a auditView) row(b *bufio.Writer, j token.Judged) {
	days, exp := "-", "never"
	if j.HasExpiry {
		days, exp = strconv.Itoa(j.DaysLeft), j.ExpiresAt.Format(token.DateLayout)
	}
	pad := strings.Repeat(" ", indent)
	fmt.Fprintf(b, "%6s  %-10s  %s\n", days, exp, safe.Line(j.Where.String(), a.cols()-indent))
	role := "-"
	if j.Role != token.RoleNone {
		role = j.Role.Title()
	}
	fmt.Fprintf(b, "%s%s\n", pad, safe.Line(fmt.Sprintf("#%d %s · %s · %s", j.ID, j.Name, role, strings.Join(j.Scopes, ",")), a.cols()-indent))
	var notes []string
	for _, f := range j.Findings {
		if f.Kind.Level() < a.policy.FailOn {
			notes = append(notes, string(f.Kind))
		}
	}
	use := usedText(j.Found)
	if len(notes) > 0 {
		use += " · notes: " + strings.Join(notes, ", ")
	}
	fmt.Fprintf(b, "%s%s\n", pad, safe.Line(use, a.cols()-indent))
	for _, f := range j.Findings {
		if f.Kind.Level() < a.policy.FailOn {
			continue
		}
		fmt.Fprintln(b, wrap("! "+f.Message+": "+f.Advice, indent, a.cols()))
		if f.Command.Empty() {
			continue
		}
		lines := []string{f.Command.String()}
		if a.width > 0 {
			lines = f.Command.Lines(a.width - indent - 2)
		}
		for _, l := range lines {
			fmt.Fprintf(b, "%s  %s\n", pad, l)
		}
	}
}

func usedText(f token.Found) string {
	if f.LastUsedAt.IsZero() {
		return "never used"
	}
	s := "last used " + f.LastUsedAt.Format(token.DateLayout)
	if len(f.LastUsedIPs) > 0 {
		s += " from " + strings.Join(f.LastUsedIPs, ", ")
	}
	return s
}

// wrap breaks prose into lines of at most width columns, each indented by
// ind (continuation lines two more), at spaces only.
func wrap(s string, ind, width int) string {
	var lines []string
	line, pad := "", strings.Repeat(" ", ind)
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(pad+line+" "+w)) > width {
			lines = append(lines, pad+line)
			line, pad = "", strings.Repeat(" ", ind+2)
		}
		if line == "" {
			line = w
		} else {
			line += " " + w
		}
	}
	return strings.Join(append(lines, pad+line), "\n")
}

// summary is the JSON summary: what was audited, how, and the verdict.
func (a auditView) summary() map[string]any {
	t := a.tally
	findings := map[string]int{}
	for k, n := range t.Findings {
		findings[string(k)] = n
	}
	examples := []string{}
	for _, p := range a.rep.UnreadableExamples {
		examples = append(examples, p.String())
	}
	m := map[string]any{
		"scope": a.scope, "host": gitlab.HostName(a.host), "generated_at": a.policy.Now.UTC().Format(time.RFC3339),
		"within_days": a.policy.WithinDays, "fail_on": a.policy.FailOn.String(), "tokens": t.Tokens, "attention": t.Attention,
		"findings": findings, "projects": a.rep.Projects, "groups": a.rep.Groups, "inventory": a.rep.Inventory,
		"readable": t.Readable, "unreadable": t.Unreadable, "unreadable_examples": examples, "failed": t.Failed,
		"service_accounts": a.rep.ServiceAccounts, "requests": a.rep.Requests, "rate_limited": a.rep.RateLimited, "paused_seconds": a.rep.Paused.Seconds(),
		"interrupted": t.Interrupted, "exit_code": exitCodeOf(a.exit()),
	}
	if a.rep.FailedExample != nil {
		m["failed_example"] = safe.Line(a.rep.FailedExample.Error(), 300)
	}
	if why := a.rep.ServiceAccountsUnlisted; why != "" {
		m["service_accounts_unlisted"] = why
	}
	return m
}

func exitCodeOf(err error) int {
	if ee, ok := err.(*ExitError); ok {
		return ee.Code
	}
	return ExitOK
}

// json writes one object: "tokens", one object per token, and "summary".
// Tokens are encoded one at a time: the document of 20 000 tokens is never
// held whole in memory.
func (a auditView) json(w *bufio.Writer) error {
	w.WriteString("{\n  \"tokens\": [")
	for i, j := range a.judged {
		if i > 0 {
			w.WriteByte(',')
		}
		b, err := json.MarshalIndent(tokenJSON(j), "    ", "  ")
		if err != nil {
			return err
		}
		w.WriteString("\n    ")
		w.Write(b)
	}
	if len(a.judged) > 0 {
		w.WriteString("\n  ")
	}
	b, err := json.MarshalIndent(a.summary(), "  ", "  ")
	if err != nil {
		return err
	}
	w.WriteString("],\n  \"summary\": ")
	w.Write(b)
	_, err = w.WriteString("\n}\n")
	return err
}

// tokenDoc is one token in the JSON output; null where GitLab gave nothing.
type tokenDoc struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Kind        token.Kind   `json:"kind"`
	Where       placeDoc     `json:"where"`
	Role        string       `json:"role,omitempty"`
	AccessLevel int          `json:"access_level,omitempty"`
	Scopes      []string     `json:"scopes"`
	Active      bool         `json:"active"`
	CreatedAt   *string      `json:"created_at"`
	ExpiresAt   *string      `json:"expires_at"`
	DaysLeft    *int         `json:"days_left"`
	LastUsedAt  *string      `json:"last_used_at"`
	LastUsedIPs []string     `json:"last_used_ips"`
	Attention   bool         `json:"attention"`
	Findings    []findingDoc `json:"findings"`
}

type placeDoc struct {
	Kind token.Kind `json:"kind"`
	ID   int64      `json:"id"`
	Path string     `json:"path"`
}

type findingDoc struct {
	Kind    token.FindingKind `json:"kind"`
	Level   string            `json:"level"`
	Message string            `json:"message"`
	Advice  string            `json:"advice"`
	Command string            `json:"command"`
}

func tokenJSON(j token.Judged) tokenDoc {
	d := tokenDoc{ID: j.ID, Name: j.Name, Kind: j.Where.Kind, Where: placeDoc{j.Where.Kind, j.Where.ID, j.Where.Path},
		Scopes: nonNilStrings(j.Scopes), Active: j.Active, LastUsedIPs: nonNilStrings(j.LastUsedIPs), Attention: j.Attention,
		Findings: make([]findingDoc, 0, len(j.Findings))}
	for _, f := range j.Findings {
		d.Findings = append(d.Findings, findingDoc{f.Kind, f.Kind.Level().String(), f.Message, f.Advice, f.Command.String()})
	}
	if j.Role != token.RoleNone {
		d.Role, d.AccessLevel = j.Role.String(), int(j.Role)
	}
	text := func(t time.Time, layout string) *string {
		if t.IsZero() {
			return nil
		}
		s := t.Format(layout)
		return &s
	}
	d.CreatedAt, d.LastUsedAt = text(j.CreatedAt, time.RFC3339), text(j.LastUsedAt, time.RFC3339)
	if j.HasExpiry {
		d.ExpiresAt, d.DaysLeft = text(j.ExpiresAt, token.DateLayout), &j.DaysLeft
	}
	return d
}
