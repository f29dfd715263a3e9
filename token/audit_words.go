package token

import (
	"fmt"
	"strings"
)

// FindingCounts sums an audit's findings up, most urgent first:
// "2 never-used, 1 broad" ("" when there are none).
func FindingCounts(t AuditTally) string {
	var parts []string
	for _, k := range FindingKinds {
		if n := t.Findings[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return strings.Join(parts, ", ")
}

// AuditCommand is the audit command of a project or group (kind KindProject
// or KindGroup) on the instance at base.
func AuditCommand(base string, k Kind, target string) Command {
	var c Command
	c.add("gitlab-token-wizard", "audit")
	c.addHost(base)
	c.add("--"+string(k), ShellQuote(target))
	return c
}
