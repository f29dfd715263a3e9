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
	c := benchClient(b, "large")
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
	c := benchClient(b, "demo")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Preflight(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func benchClient(b *testing.B, seed string) *Client {
	b.Helper()
	_, ts, err := fake.Start(seed)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ts.Close)
	c, err := New(Options{Host: ts.URL, Token: fake.MaintainerToken})
	if err != nil {
		b.Fatal(err)
	}
	return c
}
