package termcheck

import "testing"

func TestProblem(t *testing.T) {
	for _, ok := range []string{"plain", "\x1b[1mbold\x1b[0m\n", "\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", "é ✓ 🙂"} {
		if p := Problem(ok); p != "" {
			t.Errorf("Problem(%q) = %s", ok, p)
		}
	}
	for _, bad := range []string{"\x1b]52;c;ZXZpbA==\x07", "\x1b]0;title\x07", "\x1b[2J", "a\u202eb", "\xff", "bell\x07", "\u009b31m"} {
		if Problem(bad) == "" {
			t.Errorf("Problem(%q) found nothing", bad)
		}
	}
}
