package gitlab

import (
	"context"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// BenchmarkSearchProjectsLarge is one keystroke's search on an instance with
// 5 000 projects the caller maintains, over HTTP to the stand-in.
func BenchmarkSearchProjectsLarge(b *testing.B) {
	_, ts, err := fake.Start("large")
	if err != nil {
		b.Fatal(err)
	}
	defer ts.Close()
	c, err := New(Options{Host: ts.URL, Token: fake.MaintainerToken})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ps, err := c.SearchProjects(context.Background(), "repo-042", 20, token.RoleMaintainer)
		if err != nil || len(ps) == 0 {
			b.Fatal(len(ps), err)
		}
	}
}

// BenchmarkPreflight is the three concurrent calls made before the first question.
func BenchmarkPreflight(b *testing.B) {
	_, ts, err := fake.Start("demo")
	if err != nil {
		b.Fatal(err)
	}
	defer ts.Close()
	c, err := New(Options{Host: ts.URL, Token: fake.MaintainerToken})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Preflight(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
