package wizard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// TestGoldenScreens keeps the root screens as a person sees them (ANSI
// stripped, fixed clock, a stub GitLab at a fixed address) at 80x24 and
// 120x40, for review: the review, the result, a failure, and the question
// before leaving without the token. Each must fit its window and show keys.
func TestGoldenScreens(t *testing.T) {
	refused := &gitlab.Error{Code: gitlab.CodeRoleTooHigh, Status: 400, Field: token.FieldRole,
		ServerMessage: "400 Bad request - Access level of the token contains permissions not held by the creating user",
		Explanation:   "GitLab refused the role: it is above yours on acme/web", Next: "pick Maintainer or lower"}
	screens := []struct {
		name string
		api  *stub
		keys []string
		want string
	}{
		{"review", &stub{}, enters(7), "Review: nothing has been sent yet"},
		{"result", &stub{}, enters(8), "Your new token — shown once"},
		{"failure", &stub{createErr: refused}, enters(8), "Something needs your attention"},
		{"confirm", &stub{}, append(enters(8), "q"), "Leave without keeping the token?"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				d := stubDriver(sc.api, size[0], size[1])
				for _, k := range sc.keys {
					d.key(k)
				}
				scr := d.screen()
				lines := strings.Split(scr, "\n")
				if !strings.Contains(scr, sc.want) || len(lines) > size[1] {
					t.Fatalf("want %q in at most %d lines:\n%s", sc.want, size[1], scr)
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w >= size[0] {
						t.Fatalf("a line of %d columns at %d: %q", w, size[0], l)
					}
				}
				golden.RequireEqual(t, scr)
			})
		}
	}
}

func enters(n int) []string { return strings.Split(strings.Repeat("enter ", n), " ")[:n] }
