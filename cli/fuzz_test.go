package cli

import (
	"strings"
	"testing"

	"gitlab-token-wizard/internal/termcheck"
)

func FuzzGlabConfig(f *testing.F) {
	f.Add([]byte("host: gitlab.com\nhosts:\n  gitlab.com:\n    token: glpat-x\n    api_protocol: https\n"), "")
	f.Add([]byte("hosts:\n  h:\n    is_oauth2: \"true\"\n    token: abc\n"), "h")
	f.Add([]byte("hosts: [1, 2]\n"), "x")
	f.Add([]byte("\x1b]52;c;x\x07: {token: 1}"), "")
	f.Fuzz(func(t *testing.T, data []byte, host string) {
		login, why := parseGlabConfig(data, host)
		if p := termcheck.Problem(why); p != "" {
			t.Fatalf("message is unsafe to print: %s", p)
		}
		if login != nil && !strings.HasPrefix(login.host, "https://") && !strings.HasPrefix(login.host, "http://") {
			t.Fatalf("host %q", login.host)
		}
	})
}
