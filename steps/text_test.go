package steps

import (
	"fmt"
	"slices"
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

// Review finding 5: at 40 columns the scope meanings lost their last letter
// ("dependenc", "GitLab Du"): the column beside the scope was floored at 10
// cells, one more than the window had. Where the column is too narrow, the
// meaning goes under its row, and every line fits the width.
func TestNarrowRowsPutTheMeaningUnderAndClipNothing(t *testing.T) {
	for _, width := range []int{30, 39, 59, 79} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			c := *common
			c.Width = width
			s := NewScopes(&c, token.KindProject, false, "", nil, token.Preset{})
			v := view(s)
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > width {
					t.Errorf("line %q is %d cells, wider than %d", l, ansi.StringWidth(l), width)
				}
			}
			words := strings.Fields(v)
			for _, o := range s.q.Options {
				for _, w := range strings.Fields(o.Meaning) {
					if ansi.StringWidth(w) <= width-4 && !slices.Contains(words, w) {
						t.Errorf("%s: the word %q of its meaning is not drawn whole", o.Value, w)
					}
				}
			}
		})
	}
	// The lead keeps its line; the prose goes under it.
	d := newDoc(39)
	st := NewStyles(true, true)
	d.row(&st, false, false, "[ ] read_virtual_registry", 27, "read the dependency proxy's virtual registries")
	got := ansi.Strip(d.String())
	if want := "  [ ] read_virtual_registry\n    read the dependency proxy's virtual\n    registries"; got != want {
		t.Fatalf("row:\n%s\nwant:\n%s", got, want)
	}
}
