package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gitlab-token-wizard/token"
)

// csvCell makes a cell safe for a spreadsheet: text from the server lost its
// control characters when read, and a cell that a spreadsheet would take
// for a formula (=, +, -, @, or a tab or carriage return first) starts with
// a quote instead (OWASP's advice against CSV injection).
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

var csvHeader = []string{"kind", "place", "place_id", "token_id", "name", "role", "scopes", "created_at", "expires_at",
	"days_left", "last_used_at", "last_used_ips", "attention", "findings", "command"}

// csv writes one row per token; the command is the most urgent finding's.
func (a auditView) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, j := range a.judged {
		var kinds []string
		command := ""
		for _, f := range j.Findings {
			kinds = append(kinds, string(f.Kind))
			if command == "" {
				command = f.Command.String()
			}
		}
		role, expires, days, used, created := "", "", "", "", ""
		if j.Role != token.RoleNone {
			role = j.Role.String()
		}
		if j.HasExpiry {
			expires, days = j.ExpiresAt.Format(token.DateLayout), strconv.Itoa(j.DaysLeft)
		}
		if !j.LastUsedAt.IsZero() {
			used = j.LastUsedAt.Format(time.RFC3339)
		}
		if !j.CreatedAt.IsZero() {
			created = j.CreatedAt.Format(time.RFC3339)
		}
		row := []string{string(j.Where.Kind), csvCell(j.Where.Path), strconv.FormatInt(j.Where.ID, 10), strconv.FormatInt(j.ID, 10),
			csvCell(j.Name), role, csvCell(strings.Join(j.Scopes, " ")), created, expires, days, used,
			csvCell(strings.Join(j.LastUsedIPs, " ")), strconv.FormatBool(j.Attention), strings.Join(kinds, " "), csvCell(command)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// labelValue escapes a label value for the Prometheus and OpenMetrics text
// formats: backslash, double quote and newline.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// openMetrics writes gauges for node_exporter's textfile collector, in the
// OpenMetrics text format (which Prometheus' text parser accepts too: the
// closing "# EOF" is a comment there): days to expiry per token that
// expires, and the audit's counts.
func (a auditView) openMetrics(w io.Writer) {
	family := func(name, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
	}
	family("gitlab_token_expiry_days", "Days until the access token expires at 00:00 UTC; 0 or less means expired.")
	for _, j := range a.judged {
		if !j.HasExpiry {
			continue
		}
		fmt.Fprintf(w, "gitlab_token_expiry_days{kind=\"%s\",place=\"%s\",place_id=\"%d\",token_id=\"%d\",token_name=\"%s\"} %d\n",
			j.Where.Kind, labelValue(j.Where.Target()), j.Where.ID, j.ID, labelValue(j.Name), j.DaysLeft)
	}
	t := a.tally
	family("gitlab_token_audit_findings", "Tokens with each finding.")
	for _, k := range token.FindingKinds {
		fmt.Fprintf(w, "gitlab_token_audit_findings{finding=\"%s\"} %d\n", k, t.Findings[k])
	}
	for _, g := range []struct {
		name, help string
		value      float64
	}{
		{"gitlab_token_audit_tokens", "Tokens the audit found.", float64(t.Tokens)},
		{"gitlab_token_audit_attention", "Tokens with a finding at or above --fail-on.", float64(t.Attention)},
		{"gitlab_token_audit_unreadable", "Projects and groups whose tokens the caller may not read.", float64(t.Unreadable)},
		{"gitlab_token_audit_failed", "Projects and groups GitLab failed to list the tokens of.", float64(t.Failed)},
		{"gitlab_token_audit_complete", "1 when the audit read everything it could, 0 when interrupted or incomplete.", boolGauge(!t.Interrupted && t.Failed == 0)},
		{"gitlab_token_audit_timestamp_seconds", "When the audit ran, in seconds since the Unix epoch.", float64(a.policy.Now.Unix())},
	} {
		family(g.name, g.help)
		fmt.Fprintf(w, "%s %s\n", g.name, strconv.FormatFloat(g.value, 'f', -1, 64))
	}
	fmt.Fprintln(w, "# EOF")
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
