package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityTableNamesRealTests keeps docs/SECURITY.md honest: every test
// it cites must exist in the file it names.
func TestSecurityTableNamesRealTests(t *testing.T) {
	doc, err := os.ReadFile("docs/SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	cite := regexp.MustCompile("`([a-z0-9_/]+\\.go|internal/[a-z]+)`([^·|]*)")
	name := regexp.MustCompile(`\b((?:Test|Fuzz)[A-Za-z0-9]+|executeEnv)`)
	n := 0
	for _, m := range cite.FindAllStringSubmatch(string(doc), -1) {
		file := m[1]
		var src []byte
		if strings.HasSuffix(file, ".go") {
			if src, err = os.ReadFile(file); err != nil {
				t.Errorf("SECURITY.md cites %s: %v", file, err)
				continue
			}
		} else {
			entries, _ := os.ReadDir(file)
			for _, e := range entries {
				b, _ := os.ReadFile(file + "/" + e.Name())
				src = append(src, b...)
			}
		}
		for _, fn := range name.FindAllString(m[2], -1) {
			n++
			if !strings.Contains(string(src), "func "+fn+"(") {
				t.Errorf("SECURITY.md cites %s in %s, which has no such function", fn, file)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d citations found: the pattern no longer matches the document", n)
	}
}
