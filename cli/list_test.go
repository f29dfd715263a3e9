package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

func TestListCallsOutTokensAboutToExpire(t *testing.T) {
	_, url := server(t)
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	for name, exp := range map[string]string{"Jira integration": in(90), "old Jira": in(5)} {
		if r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--name", name, "-E", exp, "--no-verify"); r.code != ExitOK {
			t.Fatalf("create %s: %d\n%s", name, r.code, r.stderr)
		}
	}
	r := execute(t, url, fake.MaintainerToken, "", "list", "--project", "acme/web")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Jira integration") || !strings.Contains(r.stdout, "in 90 days") ||
		!strings.Contains(r.stdout, "expires soon") || !strings.Contains(r.stderr, `"old Jira" expire within 14 days`) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "glpat-") {
		t.Fatal("a token value in the list")
	}
	r = execute(t, url, fake.MaintainerToken, "", "list", "--project", "acme/web", "-F", "json")
	var items []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 2 || items[0]["role"] != "reporter" {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	// Your own personal tokens; a group where you are not Owner is refused by GitLab.
	r = execute(t, url, fake.MaintainerToken, "", "list", "--user", "@me", "--all")
	if r.code != ExitOK || !strings.Contains(r.stdout, "read only") || !strings.Contains(r.stdout, "expired") {
		t.Fatalf("personal: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := execute(t, url, fake.MaintainerToken, "", "list", "--group", "acme"); r.code != ExitRefused {
		t.Fatalf("a group alice does not own: %d\n%s", r.code, r.stderr)
	}
	if r := execute(t, url, fake.MaintainerToken, "", "list"); r.code != ExitInvalid {
		t.Fatalf("no target: %d", r.code)
	}
}
