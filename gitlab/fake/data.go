package fake

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// User is an account on the stand-in; bots are the users behind project and group tokens.
type User struct {
	ID       int
	Username string
	Name     string
	Admin    bool
	Bot      bool
	Email    string
	// ServiceAccountOf is the group that provisioned this service account (0: a person or a bot).
	ServiceAccountOf int
}

// Token is any access token: personal, or a project or group token of a bot user.
type Token struct {
	ID          int
	Name        string
	Description string
	Value       string
	UserID      int
	Scopes      []string
	ExpiresAt   string // YYYY-MM-DD; tokens expire at 00:00 UTC on that date
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	Revoked     bool
	// Resource is "project:ID" or "group:ID" for resource tokens, "" for personal ones.
	Resource    string
	AccessLevel int
	// PreviousID is the token this one replaced by rotation (its family).
	PreviousID int
	// OAuth marks an OAuth access token (device flow); it expires at OAuthExpires.
	OAuth        bool
	OAuthExpires time.Time
	ClientID     string
}

// Group is a (possibly nested) group with members.
type Group struct {
	ID       int
	Name     string
	Path     string
	ParentID int
	Members  map[int]int // user id -> access level
	Plan     string
	// NoResourceTokens is the top-level group's setting that forbids
	// project and group access tokens under it.
	NoResourceTokens bool
	// CustomManagers have a custom role that manages access tokens.
	CustomManagers map[int]bool
}

// Project is a project with members and a commit history.
type Project struct {
	ID      int
	Name    string
	Path    string
	GroupID int
	Members map[int]int
	Commits []Commit
	Created time.Time
	// CustomManagers have a custom role that manages access tokens.
	CustomManagers map[int]bool
}

// Commit is one commit of a project's default branch, newest first in Project.Commits.
type Commit struct {
	ID         string
	Title      string
	AuthorName string
	CreatedAt  time.Time
}

func (s *Server) groupFullPath(id int) string {
	g := s.groups[id]
	if g == nil {
		return ""
	}
	if g.ParentID != 0 {
		return s.groupFullPath(g.ParentID) + "/" + g.Path
	}
	return g.Path
}

func (s *Server) groupFullName(id int) string {
	g := s.groups[id]
	if g == nil {
		return ""
	}
	if g.ParentID != 0 {
		return s.groupFullName(g.ParentID) + " / " + g.Name
	}
	return g.Name
}

func (s *Server) projectPath(p *Project) string { return s.groupFullPath(p.GroupID) + "/" + p.Path }

// groupRole is the user's access level on the group, inherited from ancestors.
func (s *Server) groupRole(gid, uid int) int {
	best := 0
	for g := s.groups[gid]; g != nil; g = s.groups[g.ParentID] {
		if l := g.Members[uid]; l > best {
			best = l
		}
	}
	return best
}

// projectRole is the user's access level on the project, inherited from its groups.
func (s *Server) projectRole(p *Project, uid int) int {
	best := p.Members[uid]
	if l := s.groupRole(p.GroupID, uid); l > best {
		best = l
	}
	return best
}

func (s *Server) findProject(id string) *Project {
	if p := s.projects[atoiOrZero(id)]; p != nil && itoa(p.ID) == id {
		return p
	}
	for _, p := range s.projects {
		if fmt.Sprint(p.ID) == id || strings.EqualFold(s.projectPath(p), id) {
			return p
		}
	}
	return nil
}

func (s *Server) findGroup(id string) *Group {
	if g := s.groups[atoiOrZero(id)]; g != nil && itoa(g.ID) == id {
		return g
	}
	for _, g := range s.groups {
		if fmt.Sprint(g.ID) == id || strings.EqualFold(s.groupFullPath(g.ID), id) {
			return g
		}
	}
	return nil
}

func (s *Server) sortedProjects() []*Project {
	out := make([]*Project, 0, len(s.projects))
	for _, p := range s.projects {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *Server) sortedGroups() []*Group {
	out := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
