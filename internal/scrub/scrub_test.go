package scrub

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	s := New()
	s.Add("glpat-credential-0001", "short", "glpat-credential-0001-longer-new-token")
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "nothing to see here", "nothing to see here"},
		{"the credential anywhere", "401: token glpat-credential-0001 is bad", "401: token [REDACTED] is bad"},
		{"a secret containing another goes whole", "x glpat-credential-0001-longer-new-token y", "x [REDACTED] y"},
		{"short values are not secrets", "a short word", "a short word"},
		{"URL userinfo", "cannot reach https://root:glpat-zzz@gitlab.example.com/api", "cannot reach https://[REDACTED]@gitlab.example.com/api"},
		{"user without password", "see http://alice@host:8080/x", "see http://[REDACTED]@host:8080/x"},
		{"an e-mail address is no URL", "mail alice@example.com", "mail alice@example.com"},
		{"a path with @ after the host stays", "https://gitlab.com/@alice", "https://gitlab.com/@alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNilScrubberRemovesUserinfo(t *testing.T) {
	var s *Scrubber
	s.Add("glpat-ignored-000") // must not panic
	if got := s.String("https://u:p@h/x"); got != "https://[REDACTED]@h/x" {
		t.Errorf("got %q", got)
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	s := New()
	w := s.Writer(&buf)
	s.Add("glpat-secret-value-1") // registered after the writer was made: still scrubbed
	n, err := fmt.Fprintf(w, "error: GitLab said %q\n", "glpat-secret-value-1")
	if err != nil || n != len("error: GitLab said \"glpat-secret-value-1\"\n") {
		t.Fatalf("Write = %d, %v: must report the caller's length", n, err)
	}
	if strings.Contains(buf.String(), "glpat-secret-value-1") || !strings.Contains(buf.String(), Mask) {
		t.Errorf("written: %q", buf.String())
	}
	if Underlying(w) != &buf {
		t.Error("Underlying does not reach the buffer")
	}
}

func FuzzString(f *testing.F) {
	f.Add("glpat-abcdef", "x glpat-abcdef y https://a:b@c/")
	f.Fuzz(func(t *testing.T, secret, text string) {
		s := New()
		s.Add(secret)
		out := s.String(text)
		if v := strings.TrimSpace(secret); len(v) >= minLen && !strings.Contains(Mask, v) && strings.Contains(out, v) {
			// A secret may only survive when the mask itself or the
			// replacement created it anew (e.g. secret "DACTED").
			if strings.Count(strings.ReplaceAll(out, Mask, ""), v) > 0 {
				t.Fatalf("secret %q survives in %q", v, out)
			}
		}
	})
}

// A server that echoes the credential cut short, or with invisible
// characters inside it, must not get it printed (review finding 1).
func TestPartialAndHiddenEchoes(t *testing.T) {
	const cred = "glpat-Ab3dE6fG9hJ2kL5mN8pQ"
	s := New()
	s.Add(cred)
	for _, in := range []string{
		"x " + cred[:24] + "…",
		"… " + cred[3:] + " y",
		"glpat-Ab3d\u200bE6fG9hJ2kL5mN8pQ",
		"glpat-Ab3dE6fG9\u2060hJ2kL5mN8pQ",
		"glpat-\u00adAb3dE6fG9hJ2kL5mN8pQ",
		"glpat-Ab3dE6f\U000E0041G9hJ2kL5mN8pQ",
	} {
		out := s.String(in)
		visible := strings.Map(func(r rune) rune {
			if r == 0x200b || r == 0x2060 || r == 0xad || r >= 0xE0000 {
				return -1
			}
			return r
		}, out)
		for i := 0; i+8 <= len(cred); i++ {
			if strings.Contains(visible, cred[i:i+8]) && i+12 <= len(cred) {
				t.Fatalf("String(%q) = %q still shows %q", in, out, cred[i:i+8])
			}
		}
	}
	if got := s.String("the token Ab3dE6 and glpat- are fine"); got != "the token Ab3dE6 and glpat- are fine" {
		t.Fatalf("short fragments were masked: %q", got)
	}
}
