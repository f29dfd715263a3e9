package fake

import (
	"fmt"
	"time"
)

// Audit seed layout: the group "bigco" (AuditGroupID) with ten divisions of
// ten teams each, projects spread over them, and tokens of every shape.
// Olivia owns bigco; alice is Maintainer of its first division only (so
// most of it is unreadable to her); dave is Developer of bigco (so he may
// read no token at all).
const (
	AuditGroupID   = 1000
	auditDivisions = 10
	auditTeams     = 10
	auditProject0  = 100000
)

// auditScopes are the scope sets the audit seed's tokens cycle through.
var auditScopes = [][]string{
	{"read_api"}, {"api"}, {"read_repository"}, {"read_repository", "write_repository"},
	{"read_api", "read_registry"}, {"api", "write_registry"},
}

// auditNames include names a spreadsheet or a terminal would misread.
var auditNames = []string{"Jira sync", "CI deploy", "Renovate", "backup", "=HYPERLINK(\"http://evil.example\",\"x\")",
	"\x1b]0;pwned\x07Jira", "-2+3", "@SUM(A1)", "metrics exporter", "release bot"}

// seedAudit adds the bigco hierarchy with n projects and m project and group
// tokens, and 100 users with two personal tokens each (for --instance). It
// builds everything directly, without token values: nobody signs in with them.
func (s *Server) seedAudit(n, m int) {
	now := s.now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	s.addGroup(Group{ID: AuditGroupID, Name: "BigCo", Path: "bigco", Members: map[int]int{4: 50, 3: 30}})
	groups := []int{AuditGroupID}
	for d := 0; d < auditDivisions; d++ {
		did := AuditGroupID + 1 + d
		g := s.addGroup(Group{ID: did, Name: fmt.Sprintf("Division %d", d), Path: fmt.Sprintf("div-%d", d), ParentID: AuditGroupID})
		if d == 0 {
			g.Members[2] = 40
		}
		groups = append(groups, did)
		for t := 0; t < auditTeams; t++ {
			tid := AuditGroupID + 1 + auditDivisions + d*auditTeams + t
			s.addGroup(Group{ID: tid, Name: fmt.Sprintf("Team %d-%d", d, t), Path: fmt.Sprintf("team-%d", t), ParentID: did})
			groups = append(groups, tid)
		}
	}
	for i := 0; i < n; i++ {
		p := &Project{ID: auditProject0 + i, Name: fmt.Sprintf("Service %05d", i), Path: fmt.Sprintf("svc-%05d", i),
			GroupID: groups[i%len(groups)], Members: map[int]int{}, Created: today.AddDate(-2, 0, 0)}
		s.projects[p.ID] = p
	}
	for i := 0; i < m; i++ {
		res := fmt.Sprintf("project:%d", auditProject0+(i*7)%max(n, 1))
		if i%25 == 0 || n == 0 {
			res = fmt.Sprintf("group:%d", groups[(i/25)%len(groups)])
		}
		t, ips := auditToken(i, today)
		s.addResourceToken(res, t, ips)
	}
	for u := 0; u < 100; u++ {
		user := s.addUser(User{ID: s.nextUser, Username: fmt.Sprintf("user%03d", u), Name: fmt.Sprintf("User %03d", u)})
		for k := 0; k < 2; k++ {
			t, _ := auditToken(u*2+k, today)
			t.UserID, t.AccessLevel = user.ID, 0
			s.addToken(t)
		}
	}
}

// auditToken is the i-th token shape: every 20 tokens hold one revoked, two
// expired, one without expiry, four expiring within 30 days and twelve
// later; every seventh was never used and another seventh not for 120 days.
func auditToken(i int, today time.Time) (Token, []string) {
	t := Token{
		Name:        fmt.Sprintf("%s %d", auditNames[(i/20+i)%len(auditNames)], i),
		Scopes:      auditScopes[i%len(auditScopes)],
		AccessLevel: []int{10, 20, 30, 40, 50}[i%5],
		CreatedAt:   today.AddDate(0, 0, -400+i%30).Add(9 * time.Hour),
	}
	date := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }
	switch k := i % 20; {
	case k == 0:
		t.Revoked, t.ExpiresAt = true, date(100)
	case k == 1:
		t.ExpiresAt = date(-1 - i%30)
	case k == 2:
		t.ExpiresAt = date(0) // expired at 00:00 today
	case k == 3:
		// No expiry: tokens made before GitLab 16.0, or where expiry is not enforced.
	case k <= 7:
		t.ExpiresAt = date(1 + (i/20)%30)
	default:
		t.ExpiresAt = date(31 + i%330)
	}
	var ips []string
	switch i % 7 {
	case 0: // never used
	case 1:
		used := today.AddDate(0, 0, -120)
		t.LastUsedAt = &used
	default:
		used := today.AddDate(0, 0, -1-i%60).Add(13 * time.Hour)
		t.LastUsedAt = &used
		ips = []string{fmt.Sprintf("10.%d.%d.%d", i%200, i%100, i%50+1)}
	}
	return t, ips
}
