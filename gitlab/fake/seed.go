package fake

import (
	"crypto/sha1"
	"fmt"
	"strings"
	"time"
)

// Well-known credentials of the seeded users. They exist only in the stand-in.
const (
	AdminToken      = "glpat-demo-admin-0000000000"
	MaintainerToken = "glpat-demo-maintainer-00000"
	DeveloperToken  = "glpat-demo-developer-000000"
	OwnerToken      = "glpat-demo-owner-0000000000"
	// ReadOnlyToken belongs to the maintainer but has only read_api: it cannot create tokens.
	ReadOnlyToken = "glpat-demo-readonly-0000000"
	// ExpiredToken belongs to the maintainer and expired yesterday.
	ExpiredToken = "glpat-demo-expired-00000000"
)

// Seeds lists the seed names New accepts.
var Seeds = []string{"empty", "demo", "large", "hostile", "audit", "audit-small"}

func (s *Server) seed(name string) error {
	switch name {
	case "", "empty":
		return nil
	case "demo":
		s.seedDemo()
	case "large":
		s.seedDemo()
		s.seedMany(5000)
	case "audit":
		s.seedDemo()
		s.seedAudit(10000, 20000)
	case "audit-small":
		s.seedDemo()
		s.seedAudit(300, 600)
	case "hostile":
		s.seedDemo()
		s.seedHostile()
	default:
		return fmt.Errorf("unknown seed %q: use %s", name, strings.Join(Seeds, ", "))
	}
	return nil
}

func (s *Server) addUser(u User) *User {
	s.users[u.ID] = &u
	if u.ID >= s.nextUser {
		s.nextUser = u.ID + 1
	}
	return s.users[u.ID]
}

func (s *Server) addToken(t Token) {
	if t.ID == 0 {
		t.ID = s.nextToken
	}
	if t.ID >= s.nextToken {
		s.nextToken = t.ID + 1
	}
	s.tokens[t.ID] = &t
}

func (s *Server) addGroup(g Group) *Group {
	if g.Members == nil {
		g.Members = map[int]int{}
	}
	if g.Plan == "" {
		g.Plan = "ultimate"
	}
	s.groups[g.ID] = &g
	return s.groups[g.ID]
}

func (s *Server) addProject(p Project, commits int) *Project {
	if p.Members == nil {
		p.Members = map[int]int{}
	}
	base := s.now().Add(-time.Duration(p.ID) * time.Hour)
	for i := 0; i < commits; i++ {
		h := sha1.Sum([]byte(fmt.Sprintf("%d/%d", p.ID, i)))
		p.Commits = append(p.Commits, Commit{
			ID:         fmt.Sprintf("%x", h),
			Title:      fmt.Sprintf("%s: change %d", p.Path, commits-i),
			AuthorName: "Dave Developer",
			CreatedAt:  base.Add(-time.Duration(i) * 3 * time.Hour),
		})
	}
	p.Created = base.AddDate(0, -6, 0)
	s.projects[p.ID] = &p
	return s.projects[p.ID]
}

func (s *Server) seedDemo() {
	now := s.now()
	exp := now.AddDate(0, 0, 300).UTC().Format("2006-01-02")
	created := now.AddDate(0, -1, 0)
	s.addUser(User{ID: 1, Username: "root", Name: "Administrator", Admin: true})
	s.addUser(User{ID: 2, Username: "alice", Name: "Alice Maintainer"})
	s.addUser(User{ID: 3, Username: "dave", Name: "Dave Developer"})
	s.addUser(User{ID: 4, Username: "olivia", Name: "Olivia Owner"})
	for _, t := range []Token{
		{ID: 1, Name: "admin", Value: AdminToken, UserID: 1, Scopes: []string{"api", "read_user", "admin_mode"}},
		{ID: 2, Name: "wizard", Value: MaintainerToken, UserID: 2, Scopes: []string{"api"}},
		{ID: 3, Name: "wizard", Value: DeveloperToken, UserID: 3, Scopes: []string{"api"}},
		{ID: 4, Name: "wizard", Value: OwnerToken, UserID: 4, Scopes: []string{"api"}},
		{ID: 5, Name: "read only", Value: ReadOnlyToken, UserID: 2, Scopes: []string{"read_api"}},
		{ID: 6, Name: "old", Value: ExpiredToken, UserID: 2, Scopes: []string{"api"},
			ExpiresAt: now.AddDate(0, 0, -1).UTC().Format("2006-01-02")},
	} {
		if t.ExpiresAt == "" {
			t.ExpiresAt = exp
		}
		t.CreatedAt = created
		s.addToken(t)
	}
	s.addGroup(Group{ID: 10, Name: "Acme", Path: "acme", Members: map[int]int{4: 50, 2: 30, 3: 30}})
	s.addGroup(Group{ID: 11, Name: "Platform", Path: "platform", ParentID: 10, Members: map[int]int{2: 40}})
	s.addGroup(Group{ID: 12, Name: "Tools", Path: "tools", ParentID: 11})
	s.addGroup(Group{ID: 13, Name: "Widgets", Path: "widgets", Members: map[int]int{2: 50}, Plan: "free"})
	s.addProject(Project{ID: 100, Name: "Web", Path: "web", GroupID: 10, Members: map[int]int{2: 40}}, 5)
	s.addProject(Project{ID: 101, Name: "Docs", Path: "docs", GroupID: 10}, 3)
	s.addProject(Project{ID: 102, Name: "API", Path: "api", GroupID: 11}, 8)
	s.addProject(Project{ID: 103, Name: "CLI", Path: "cli", GroupID: 12}, 4)
	s.addProject(Project{ID: 104, Name: "Empty", Path: "empty", GroupID: 11}, 0)
	s.addGroup(Group{ID: 14, Name: "Trialco", Path: "trialco", Members: map[int]int{4: 50}, Plan: "premium_trial"})
	s.addProject(Project{ID: 105, Name: "Shop", Path: "shop", GroupID: 13}, 2)
	s.addProject(Project{ID: 106, Name: "Pilot", Path: "pilot", GroupID: 14}, 2)
	for i := 1; i <= 24; i++ {
		s.addProject(Project{ID: 200 + i, Name: fmt.Sprintf("Service %02d", i), Path: fmt.Sprintf("service-%02d", i), GroupID: 11}, 2)
	}
}

func (s *Server) seedMany(n int) {
	s.addGroup(Group{ID: 20, Name: "Monorepo Farm", Path: "farm", Members: map[int]int{2: 40}})
	for i := 0; i < n; i++ {
		s.addProject(Project{ID: 10000 + i, Name: fmt.Sprintf("Repo %05d", i), Path: fmt.Sprintf("repo-%05d", i), GroupID: 20}, 1)
	}
}

// seedHostile adds names a compromised or hostile server could send: escape
// sequences (colours, OSC 52 clipboard writes, window titles), bidi controls,
// invalid UTF-8 and very long strings.
func (s *Server) seedHostile() {
	s.addGroup(Group{ID: 30, Name: "Evil \x1b]0;pwned\x07Group", Path: "evil", Members: map[int]int{2: 40}})
	s.addProject(Project{ID: 300, Name: "\x1b[2J\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07Clipboard", Path: "clipboard", GroupID: 30}, 1)
	s.addProject(Project{ID: 301, Name: "Bidi \u202Etxt.exe\u202C and \xff\xfe bad UTF-8", Path: "bidi", GroupID: 30}, 1)
	s.addProject(Project{ID: 302, Name: strings.Repeat("Long", 2500), Path: "long", GroupID: 30}, 1)
	p := s.projects[300]
	p.Commits[0].Title = "\x1b[31mred commit\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07"
	p.Commits[0].AuthorName = "\x1b]52;c;ZXZpbA==\x07Mallory"
}
