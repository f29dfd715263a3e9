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
	if a.rep.Inventory {
		return "the group's credentials inventory"
	}
	return fmt.Sprintf("%d projects and %d groups", a.rep.Projects, a.rep.Groups)
}

// note sums up, in one line, what a reader of the data alone would miss.
func (a auditView) note() string {
	var parts []string
	if n := a.rep.Unreadable; n > 0 {
		var ex []string
		for _, p := range a.rep.UnreadableExamples {
			ex = append(ex, p.String())
		}
		parts = append(parts, fmt.Sprintf("you may not read the tokens of %d projects and groups (a project's need the Maintainer role, a group's the Owner role), such as %s",
			n, strings.Join(ex, ", ")))
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
// first, each token on lines of at most 80 columns except the commands,
// which are never cut or wrapped, so they can be copied whole.
func (a auditView) text(b *bufio.Writer) {
	t := a.tally
	head := fmt.Sprintf("Audit of %s on %s: %d tokens in %s.", a.scope, gitlab.HostName(a.host), t.Tokens, a.walked())
	verdict := fmt.Sprintf("Nothing needs attention (--fail-on %s).", a.policy.FailOn)
	if t.Attention > 0 {
		verdict = fmt.Sprintf("%d need attention (--fail-on %s).", t.Attention, a.policy.FailOn)
	}
	if s := findingCounts(t); s != "" {
		verdict += " Findings: " + s + "."
	}
	fmt.Fprintln(b, wrap(head, 0, 80))
	fmt.Fprintln(b, wrap(verdict, 0, 80))
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
	fmt.Fprintf(b, "\nRead the tokens of %s in %s with %d requests.\n", a.walked(), a.took.Round(time.Second), a.rep.Requests)
	if note := a.note(); note != "" {
		fmt.Fprintln(b, wrap(strings.TrimPrefix(note, "note: "), 0, 80))
	}
}

const indent = 20

func (a auditView) row(b *bufio.Writer, j token.Judged) {
	days, exp := "-", "never"
	if j.HasExpiry {
		days, exp = strconv.Itoa(j.DaysLeft), j.ExpiresAt.Format(token.DateLayout)
	}
	pad := strings.Repeat(" ", indent)
	fmt.Fprintf(b, "%6s  %-10s  %s\n", days, exp, safe.Line(j.Where.String(), 80-indent))
	role := "-"
	if j.Role != token.RoleNone {
		role = j.Role.Title()
	}
	fmt.Fprintf(b, "%s%s\n", pad, safe.Line(fmt.Sprintf("#%d %s · %s · %s", j.ID, j.Name, role, strings.Join(j.Scopes, ",")), 80-indent))
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
	fmt.Fprintf(b, "%s%s\n", pad, safe.Line(use, 80-indent))
	for _, f := range j.Findings {
		if f.Kind.Level() < a.policy.FailOn {
			continue
		}
		fmt.Fprintln(b, wrap("! "+f.Message+": "+f.Advice, indent, 80))
		if f.Command != "" {
			fmt.Fprintf(b, "%s  %s\n", pad, f.Command)
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

func findingCounts(t token.AuditTally) string {
	var parts []string
	for _, k := range token.FindingKinds {
		if n := t.Findings[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return strings.Join(parts, ", ")
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
		"requests": a.rep.Requests, "rate_limited": a.rep.RateLimited, "paused_seconds": a.rep.Paused.Seconds(),
		"interrupted": t.Interrupted, "exit_code": exitCodeOf(a.exit()),
	}
	if a.rep.FailedExample != nil {
		m["failed_example"] = safe.Line(a.rep.FailedExample.Error(), 300)
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
func (a auditView) json(w io.Writer) error {
	items := make([]map[string]any, 0, len(a.judged))
	for _, j := range a.judged {
		items = append(items, tokenJSON(j))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"tokens": items, "summary": a.summary()})
}

func tokenJSON(j token.Judged) map[string]any {
	findings := make([]map[string]any, 0, len(j.Findings))
	for _, f := range j.Findings {
		findings = append(findings, map[string]any{"kind": f.Kind, "level": f.Kind.Level().String(), "message": f.Message,
			"advice": f.Advice, "command": f.Command})
	}
	m := map[string]any{
		"id": j.ID, "name": j.Name, "kind": j.Where.Kind, "where": map[string]any{"kind": j.Where.Kind, "id": j.Where.ID, "path": j.Where.Path},
		"scopes": nonNil(j.Scopes), "active": j.Active, "created_at": nil, "expires_at": nil, "days_left": nil,
		"last_used_at": nil, "last_used_ips": nonNil(j.LastUsedIPs), "attention": j.Attention, "findings": findings,
	}
	if j.Role != token.RoleNone {
		m["role"], m["access_level"] = j.Role.String(), int(j.Role)
	}
	if !j.CreatedAt.IsZero() {
		m["created_at"] = j.CreatedAt.Format(time.RFC3339)
	}
	if j.HasExpiry {
		m["expires_at"], m["days_left"] = j.ExpiresAt.Format(token.DateLayout), j.DaysLeft
	}
	if !j.LastUsedAt.IsZero() {
		m["last_used_at"] = j.LastUsedAt.Format(time.RFC3339)
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
