package steps

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
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
