package safe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "acme/web", "acme/web"},
		{"sgr", "\x1b[31mred\x1b[0m", "red"},
		{"osc52 clipboard", "a\x1b]52;c;ZXZpbA==\x07b", "ab"},
		{"osc title st", "x\x1b]0;pwned\x1b\\y", "xy"},
		{"c1 csi", "a\u009b31mb", "a31mb"},
		{"bidi", "abc\u202Egnp.exe", "abcgnp.exe"},
		{"newline", "line1\nline2", "line1 line2"},
		{"nul", "a\x00b", "ab"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"emoji kept", "ok 🚀 é", "ok 🚀 é"},
		{"bell", "a\x07b", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Fatalf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	got := Line(strings.Repeat("x", 10000), 0)
	if utf8.RuneCountInString(got) != MaxLen || !strings.HasSuffix(got, "…") {
		t.Fatalf("Line kept %d characters", utf8.RuneCountInString(got))
	}
	if Line("short", 10) != "short" {
		t.Fatal("Line changed a short string")
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "\u202e", "a\xff", "\x1bP1$r\x1b\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, c := range out {
			if c < 0x20 || (c >= 0x7f && c < 0xa0) || IsBidi(c) {
				t.Fatalf("Text(%q) kept control %U", s, c)
			}
		}
	})
}

func BenchmarkText(b *testing.B) {
	plain := "acme/platform/service-01"
	hostile := "\x1b]52;c;Y3VybCBldmlsfHNo\x07Evil \u202e" + strings.Repeat("Long\x1b[31m", 2500)
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Text(plain)
		}
	})
	b.Run("hostile-20KB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Line(hostile, 300)
		}
	})
}
