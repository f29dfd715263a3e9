package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIsPrivateAndNeverOverwrites(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token.txt")
	if err := Free(p); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, "glpat-one"); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if err := Write(p, "glpat-two"); !errors.Is(err, ErrExists) || Free(p) == nil {
		t.Fatalf("second write: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "glpat-one\n" {
		t.Fatalf("content %q", b)
	}
	if err := Free(filepath.Join(t.TempDir(), "no", "such", "dir", "t")); err == nil {
		t.Fatal("a missing folder passed")
	}
}
