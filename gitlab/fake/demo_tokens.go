package fake

import "time"

// DemoJiraToken is the value of alice's personal "Jira (personal)" token that
// SeedDemoTokens adds: read_api, 90 days left, so `check --demo` has a token
// that passes.
const DemoJiraToken = "glpat-demo-jira-read-000000"

// SeedDemoTokens gives the demo something to list, rotate, revoke, check and
// audit: tokens on acme/web (alice maintains it) and on widgets (she owns
// it), and alice's own personal tokens — some expiring within days, one
// revoked, one expired, one unused. `--demo` calls it when it starts the
// stand-in; the "demo" seed itself stays as it is, since tests count its
// tokens. The names differ from the presets' ("Jira integration"), so the
// wizard's same-name warning stays quiet on the demo's default path.
func (s *Server) SeedDemoTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	day := func(n int) string { return now.AddDate(0, 0, n).Format("2006-01-02") }
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	created := now.AddDate(0, -3, 0)
	for _, rt := range []struct {
		resource string
		t        Token
		ips      []string
	}{
		{"project:100", Token{Name: "Jira sync", Description: "Jira's development panel", Scopes: []string{"read_api"}, AccessLevel: 20,
			ExpiresAt: day(5), LastUsedAt: ago(20 * time.Hour)}, []string{"203.0.113.7"}},
		{"project:100", Token{Name: "CI release bot", Scopes: []string{"api", "write_repository"}, AccessLevel: 30,
			ExpiresAt: day(120), LastUsedAt: ago(2 * time.Hour)}, []string{"198.51.100.20"}},
		{"project:100", Token{Name: "Deploy preview", Scopes: []string{"read_repository"}, AccessLevel: 30, ExpiresAt: day(12)}, nil},
		{"project:100", Token{Name: "Old Jira token", Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: day(200), Revoked: true,
			LastUsedAt: ago(40 * 24 * time.Hour)}, nil},
		{"project:100", Token{Name: "Legacy importer", Scopes: []string{"api"}, AccessLevel: 40, ExpiresAt: day(-10),
			LastUsedAt: ago(100 * 24 * time.Hour)}, nil},
		{"group:13", Token{Name: "Widgets Jira", Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: day(3),
			LastUsedAt: ago(5 * time.Hour)}, []string{"203.0.113.7"}},
		{"group:13", Token{Name: "Widgets backup", Scopes: []string{"read_repository"}, AccessLevel: 20, ExpiresAt: day(200)}, nil},
	} {
		rt.t.Value, rt.t.CreatedAt = newTokenValue(), created
		s.addResourceToken(rt.resource, rt.t, rt.ips)
	}
	for _, t := range []Token{
		{Name: "Jira (personal)", Value: DemoJiraToken, Scopes: []string{"read_api"}, ExpiresAt: day(90), LastUsedAt: ago(3 * time.Hour)},
		{Name: "laptop", Value: newTokenValue(), Scopes: []string{"api"}, ExpiresAt: day(9)},
	} {
		t.UserID, t.CreatedAt = 2, created
		s.addToken(t)
	}
}

// SeedDemoServiceAccounts adds what --demo needs to show service accounts:
// the top-level group "integrations" (Premium) that alice owns, where she
// may make a service account and give it access to the projects she
// maintains (acme/web). It has no project of its own, so the demo's project
// lists stay as they are.
func (s *Server) SeedDemoServiceAccounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findGroup("integrations") == nil {
		s.addGroup(Group{ID: 15, Name: "Integrations", Path: "integrations", Members: map[int]int{2: 50}, Plan: "premium"})
	}
}
