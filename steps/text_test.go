package steps

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

func TestWordWrapKeepsFlagsWhole(t *testing.T) {
	in := `curl --request POST --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --header 'Content-Type: application/json' --data x`
	out := wordWrap(in, 40)
	for _, l := range strings.Split(out, "\n") {
		if ansi.StringWidth(l) > 40 {
			t.Fatalf("line %q is wider than 40", l)
		}
	}
	if !strings.Contains(out, "'Content-Type:") || !strings.Contains(out, "--header") || strings.Join(strings.Fields(out), " ") != in {
		t.Fatalf("wrapped:\n%s", out)
	}
	long := strings.Repeat("x", 95)
	if got := wordWrap("a "+long, 40); strings.Count(got, "\n") != 3 || strings.ReplaceAll(got, "\n", "") != "a"+long {
		t.Fatalf("long word:\n%s", got)
	}
}

// A list row: the label in its column and the detail beside it, its
// continued lines under the detail; the cursor's row marked and kept in
// view; a label wider than its column puts the detail below at full width.
func TestListRows(t *testing.T) {
	st := NewStyles(true, true)
	d := newDoc(40)
	d.row(&st, false, false, "acme/web", 10, "you: Maintainer, and a detail long enough to wrap")
	d.row(&st, true, false, "acme/api", 10, "you: Owner")
	d.row(&st, false, true, "service_account_group_15_ffee", 10, "Service account user")
	got := strings.Split(ansi.Strip(d.String()), "\n")
	want := []string{
		"  acme/web   you: Maintainer, and a",
		"             detail long enough to wrap",
		"> acme/api   you: Owner",
		"  service_account_group_15_ffee",
		"    Service account user",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.focus != 2 {
		t.Fatalf("focus on line %d, not the cursor's row", d.focus)
	}
}

// In the search, a path wider than its column has its detail below it,
// as the account step's long usernames do, not squeezed beside it.
func TestALongPathHasItsDetailBelow(t *testing.T) {
	at80 := *common
	at80.Width = 80
	s := NewSearch(&at80, ModeProject, "", gitlab.User{})
	var req SearchRequestMsg
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(SearchRequestMsg); ok {
			req = r
		}
	}
	long := "acme/platform/services/payments/reconciliation-worker"
	s.Update(ResultsMsg{To: req.From, Projects: []gitlab.Project{{ID: 1, Path: long, Role: token.RoleMaintainer}, {ID: 2, Path: "acme/web", Role: token.RoleOwner}}})
	v := view(s)
	if !strings.Contains(v, "> "+long+"\n    you: Maintainer") || !strings.Contains(v, "  acme/web"+strings.Repeat(" ", 33)+"you: Owner") {
		t.Fatalf("search rows:\n%s", v)
	}
}
