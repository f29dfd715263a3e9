package fake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

const minSearchChars = 3

// matches follows GitLab's search: terms shorter than three characters only match whole values.
func matches(term string, values ...string) bool {
	term = strings.ToLower(strings.TrimSpace(term))
	if term == "" {
		return true
	}
	for _, v := range values {
		v = strings.ToLower(v)
		if len([]rune(term)) < minSearchChars {
			if v == term {
				return true
			}
		} else if strings.Contains(v, term) {
			return true
		}
	}
	return false
}

func (s *Server) getVersion(c *ctx) {
	c.json(200, map[string]any{"version": s.version, "revision": "f4k3f4k3", "kas": map[string]any{"enabled": false}, "enterprise": !s.community})
}

func (s *Server) userJSON(u *User, forAdmin bool) map[string]any {
	m := map[string]any{
		"id": u.ID, "username": u.Username, "name": u.Name, "state": "active", "locked": false,
		"avatar_url": nil, "web_url": "https://gitlab.example/" + u.Username, "bot": u.Bot,
	}
	if forAdmin {
		m["is_admin"] = u.Admin
	}
	return m
}

func (s *Server) getUser(c *ctx) {
	if !s.requireScope(c, "api", "read_api", "read_user") {
		return
	}
	m := s.userJSON(c.user, c.user.Admin)
	m["created_at"] = "2024-01-01T00:00:00.000Z"
	c.json(200, m)
}

func (s *Server) listUsers(c *ctx) {
	if !s.requireScope(c, "api", "read_api", "read_user") {
		return
	}
	q := c.r.URL.Query()
	var out []map[string]any
	for id := 1; id < s.nextUser; id++ {
		u := s.users[id]
		if u == nil || (u.Bot && q.Get("exclude_bots") == "true") {
			continue
		}
		if q.Get("username") != "" && !strings.EqualFold(q.Get("username"), u.Username) {
			continue
		}
		if matches(q.Get("search"), u.Username, u.Name) {
			out = append(out, s.userJSON(u, c.user.Admin))
		}
	}
	c.json(200, paginate(c, out))
}

func (s *Server) tokenJSON(t *Token, withValue bool) map[string]any {
	m := map[string]any{
		"id": t.ID, "name": t.Name, "description": t.Description, "revoked": t.Revoked,
		"active": !t.Revoked && !s.expired(t), "created_at": t.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		"scopes": t.Scopes, "user_id": t.UserID, "last_used_at": nil, "expires_at": nil,
	}
	if t.LastUsedAt != nil {
		m["last_used_at"] = t.LastUsedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if t.ExpiresAt != "" {
		m["expires_at"] = t.ExpiresAt
	}
	if t.Resource != "" {
		m["access_level"] = t.AccessLevel
	} else {
		m["expired"] = s.expired(t)
	}
	s.auditFields(m, t)
	if withValue {
		m["token"] = t.Value
	}
	return m
}

// getSelf describes the calling personal, project or group token. An OAuth
// token is not a personal access token (self_information.rb).
func (s *Server) getSelf(c *ctx) {
	if c.tok.OAuth {
		c.message(400, "400 Bad request - This endpoint requires token type to be a personal access token")
		return
	}
	c.json(200, s.tokenJSON(c.tok, false))
}

func (s *Server) revokeSelf(c *ctx) {
	if c.tok.OAuth {
		c.message(404, "404 Not Found")
		return
	}
	c.tok.Revoked = true
	c.noContent()
}

// projectJSON is a project as GitLab presents it. Its permissions differ
// between one project and a list (entities/project_with_access.rb): a single
// project's group_access is the caller's highest membership in the project's
// group or any ancestor (highest_group_member), while a list preloads only
// the memberships in each project's own group, so a role held through a
// parent group is missing there.
func (s *Server) projectJSON(p *Project, uid int, inList bool) map[string]any {
	path := s.projectPath(p)
	g := s.groups[p.GroupID]
	perm := map[string]any{"project_access": nil, "group_access": nil}
	if l := p.Members[uid]; l > 0 {
		perm["project_access"] = map[string]any{"access_level": l, "notification_level": 3}
	}
	groupLevel := s.groupRole(p.GroupID, uid)
	if inList {
		groupLevel = g.Members[uid]
	}
	if l := groupLevel; l > 0 {
		perm["group_access"] = map[string]any{"access_level": l, "notification_level": 3}
	}
	last := s.lastActivity(p)
	return map[string]any{
		"id": p.ID, "name": p.Name, "path": p.Path, "path_with_namespace": path,
		"name_with_namespace": s.groupFullName(p.GroupID) + " / " + p.Name,
		"description":         nil, "default_branch": "main", "visibility": "private",
		"web_url": "https://gitlab.example/" + path, "created_at": p.Created.UTC().Format(time.RFC3339),
		"last_activity_at": last.UTC().Format(time.RFC3339), "empty_repo": len(p.Commits) == 0,
		"namespace":   map[string]any{"id": g.ID, "name": g.Name, "path": g.Path, "kind": "group", "full_path": s.groupFullPath(g.ID)},
		"permissions": perm,
	}
}

func (s *Server) visibleProject(c *ctx) *Project {
	p := s.findProject(c.seg[1])
	if p == nil || (!c.user.Admin && s.projectRole(p, c.user.ID) == 0) {
		c.notFound("Project")
		return nil
	}
	return p
}

func (s *Server) listProjects(c *ctx) {
	if !s.canRead(c) {
		return
	}
	q := c.r.URL.Query()
	minLevel, _ := strconv.Atoi(q.Get("min_access_level"))
	membership := q.Get("membership") == "true" || minLevel > 0
	search := q.Get("search")
	withNS := q.Get("search_namespaces") == "true"
	var list []*Project
	for _, p := range s.sortedProjects() {
		role := s.projectRole(p, c.user.ID)
		if (membership || !c.user.Admin) && role == 0 {
			continue
		}
		if minLevel > 0 && role < minLevel {
			continue
		}
		values := []string{p.Name, p.Path}
		if withNS {
			values = append(values, s.projectPath(p))
		}
		if !matches(search, values...) {
			continue
		}
		list = append(list, p)
	}
	desc := q.Get("sort") != "asc"
	switch q.Get("order_by") {
	case "name", "path":
		sort.SliceStable(list, func(i, j int) bool { return (list[i].Name < list[j].Name) == desc })
	case "last_activity_at":
		sort.SliceStable(list, func(i, j int) bool {
			return s.lastActivity(list[i]).After(s.lastActivity(list[j])) == desc
		})
	default:
		sort.SliceStable(list, func(i, j int) bool { return (list[i].ID > list[j].ID) == desc })
	}
	page := paginate(c, list)
	out := make([]map[string]any, len(page))
	for i, p := range page {
		out[i] = s.projectJSON(p, c.user.ID, true)
	}
	c.json(200, out)
}

func (s *Server) lastActivity(p *Project) time.Time {
	if len(p.Commits) > 0 {
		return p.Commits[0].CreatedAt
	}
	return p.Created
}

func (s *Server) getProject(c *ctx) {
	if !s.canRead(c) {
		return
	}
	if p := s.visibleProject(c); p != nil {
		c.json(200, s.projectJSON(p, c.user.ID, false))
	}
}

// memberJSON answers a membership; a custom role (Ultimate) comes as
// member_role with its base access level.
func (s *Server) memberJSON(c *ctx, uidText string, level func(uid int) int, custom map[int]bool) {
	uid, _ := strconv.Atoi(uidText)
	u := s.users[uid]
	if u == nil || level(uid) == 0 {
		c.message(404, "404 Not found")
		return
	}
	m := map[string]any{"id": u.ID, "username": u.Username, "name": u.Name, "state": "active", "access_level": level(uid), "member_role": nil}
	if custom[uid] {
		m["member_role"] = map[string]any{"id": 7, "name": "Token manager", "base_access_level": level(uid)}
	}
	c.json(200, m)
}

func (s *Server) getProjectMember(c *ctx) {
	if !s.canRead(c) {
		return
	}
	if p := s.visibleProject(c); p != nil {
		s.memberJSON(c, c.seg[4], func(uid int) int { return s.projectRole(p, uid) }, p.CustomManagers)
	}
}

func (s *Server) listCommits(c *ctx) {
	if !s.canRead(c) {
		return
	}
	p := s.visibleProject(c)
	if p == nil {
		return
	}
	if !c.user.Admin && s.projectRole(p, c.user.ID) < 20 {
		c.message(403, "403 Forbidden")
		return
	}
	var out []map[string]any
	for _, cm := range p.Commits {
		ts := cm.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
		out = append(out, map[string]any{
			"id": cm.ID, "short_id": cm.ID[:8], "title": cm.Title, "message": cm.Title + "\n",
			"author_name": cm.AuthorName, "author_email": "dev@example.com", "authored_date": ts,
			"created_at": ts, "committed_date": ts, "parent_ids": []string{},
			"web_url": "https://gitlab.example/" + s.projectPath(p) + "/-/commit/" + cm.ID,
		})
	}
	c.json(200, paginate(c, out))
}

func (s *Server) groupJSON(g *Group) map[string]any {
	m := map[string]any{
		"id": g.ID, "name": g.Name, "path": g.Path, "full_name": s.groupFullName(g.ID), "full_path": s.groupFullPath(g.ID),
		"visibility": "private", "web_url": "https://gitlab.example/groups/" + s.groupFullPath(g.ID), "parent_id": nil,
	}
	if g.ParentID != 0 {
		m["parent_id"] = g.ParentID
	}
	return m
}

func (s *Server) visibleGroup(c *ctx) *Group {
	g := s.findGroup(c.seg[1])
	if g == nil || (!c.user.Admin && s.groupRole(g.ID, c.user.ID) == 0 && !s.hasProjectIn(g.ID, c.user.ID)) {
		c.notFound("Group")
		return nil
	}
	return g
}

func (s *Server) hasProjectIn(gid, uid int) bool {
	for _, p := range s.projects {
		if p.GroupID == gid && p.Members[uid] > 0 {
			return true
		}
	}
	return false
}

func (s *Server) listGroups(c *ctx) {
	if !s.canRead(c) {
		return
	}
	q := c.r.URL.Query()
	minLevel, _ := strconv.Atoi(q.Get("min_access_level"))
	var out []map[string]any
	for _, g := range s.sortedGroups() {
		role := s.groupRole(g.ID, c.user.ID)
		if !c.user.Admin && role == 0 && !s.hasProjectIn(g.ID, c.user.ID) {
			continue
		}
		if minLevel > 0 && role < minLevel {
			continue
		}
		if matches(q.Get("search"), g.Name, g.Path, s.groupFullPath(g.ID)) {
			out = append(out, s.groupJSON(g))
		}
	}
	c.json(200, paginate(c, out))
}

func (s *Server) getGroup(c *ctx) {
	if !s.canRead(c) {
		return
	}
	g := s.visibleGroup(c)
	if g == nil {
		return
	}
	out := s.groupJSON(g)
	// GroupDetail carries the group's projects (at most 100, with their
	// full details) unless with_projects=false: it defaults to true.
	if c.r.URL.Query().Get("with_projects") != "false" {
		projects := []map[string]any{}
		for _, p := range s.sortedProjects() {
			if p.GroupID == g.ID && len(projects) < 100 && (c.user.Admin || s.projectRole(p, c.user.ID) > 0) {
				projects = append(projects, s.projectJSON(p, c.user.ID, true))
			}
		}
		out["projects"], out["shared_projects"] = projects, []any{}
	}
	c.json(200, out)
}

func (s *Server) getGroupMember(c *ctx) {
	if !s.canRead(c) {
		return
	}
	if g := s.visibleGroup(c); g != nil {
		s.memberJSON(c, c.seg[4], func(uid int) int { return s.groupRole(g.ID, uid) }, g.CustomManagers)
	}
}

func itoa(i int) string { return fmt.Sprint(i) }

// listGroupProjects is GET /groups/:id/projects: the group's own projects
// (with include_subgroups=true, its descendants' too) that the caller can see.
func (s *Server) listGroupProjects(c *ctx) {
	if !s.canRead(c) {
		return
	}
	g := s.visibleGroup(c)
	if g == nil {
		return
	}
	sub := c.r.URL.Query().Get("include_subgroups") == "true"
	var list []*Project
	for _, p := range s.sortedProjects() {
		in := p.GroupID == g.ID || sub && s.inGroup(p.GroupID, g.ID)
		if in && (c.user.Admin || s.projectRole(p, c.user.ID) > 0) {
			list = append(list, p)
		}
	}
	// The JSON of the page only: a 10 000-project group is listed in 100 pages.
	page := paginateLarge(c, list)
	out := make([]map[string]any, len(page))
	for i, p := range page {
		out[i] = s.projectJSON(p, c.user.ID, true)
	}
	c.json(200, out)
}
