package fake

import (
	"net/url"
	"sort"
	"strings"
)

// maxCounted is Kaminari's MAX_COUNT_LIMIT: above it GitLab stops counting
// (lib/gitlab/pagination/offset_pagination.rb, exceeds_count?).
const maxCounted = 10000

// paginateLarge is paginate as GitLab answers lists of more than 10 000
// records: without X-Total, X-Total-Pages and the rel="last" link
// (offset_header_builder.rb). X-Next-Page is still given.
func paginateLarge[T any](c *ctx, items []T) []T {
	page := paginate(c, items)
	if len(items) <= maxCounted {
		return page
	}
	h := c.w.Header()
	h.Del("X-Total")
	h.Del("X-Total-Pages")
	var keep []string
	for _, l := range strings.Split(h.Get("Link"), ", ") {
		if !strings.HasSuffix(l, `rel="last"`) {
			keep = append(keep, l)
		}
	}
	h.Set("Link", strings.Join(keep, ", "))
	return page
}

// groupOwner is an Owner-only authorize! (admin_group, admin_service_accounts):
// the group's Owners and administrators pass; anyone else gets 403 and false.
func (s *Server) groupOwner(c *ctx, g *Group) bool {
	if c.user.Admin || s.groupRole(g.ID, c.user.ID) >= 50 {
		return true
	}
	c.message(403, "403 Forbidden")
	return false
}

// inGroup reports whether group gid is group root or one of its descendants.
func (s *Server) inGroup(gid, root int) bool {
	for g := s.groups[gid]; g != nil; g = s.groups[g.ParentID] {
		if g.ID == root {
			return true
		}
	}
	return false
}

// listDescendantGroups is GET /groups/:id/descendant_groups: every group
// below the group, at any depth, that the caller can see.
func (s *Server) listDescendantGroups(c *ctx) {
	if !s.canRead(c) {
		return
	}
	g := s.visibleGroup(c)
	if g == nil {
		return
	}
	var list []*Group
	for _, d := range s.sortedGroups() {
		if d.ID == g.ID || !s.inGroup(d.ID, g.ID) {
			continue
		}
		if c.user.Admin || s.groupRole(d.ID, c.user.ID) > 0 || s.hasProjectIn(d.ID, c.user.ID) {
			list = append(list, d)
		}
	}
	page := paginateLarge(c, list)
	out := make([]map[string]any, len(page))
	for i, d := range page {
		out[i] = s.groupJSON(d)
	}
	c.json(200, out)
}

// listManagedResourceTokens is GET /groups/:id/manage/resource_access_tokens
// (ee/lib/api/manage/groups.rb): every project and group token in the
// group's hierarchy in one list, with resource_type and resource_id. GitLab
// answers 404 where the credentials inventory is not available (only
// GitLab.com has it) and 403 to anyone but the group's Owners.
func (s *Server) listManagedResourceTokens(c *ctx) {
	if !s.audit.manage {
		c.message(404, "404 Not Found")
		return
	}
	if !s.canRead(c) {
		return
	}
	g := s.visibleGroup(c)
	if g == nil {
		return
	}
	if !s.groupOwner(c, g) {
		return
	}
	keep, ok := s.tokenFilter(c)
	if !ok {
		return
	}
	var list []*Token
	add := func(key string) {
		for _, t := range s.resourceTokens(key) {
			if keep(t) {
				list = append(list, t)
			}
		}
	}
	for _, d := range s.sortedGroups() {
		if s.inGroup(d.ID, g.ID) {
			add("group:" + itoa(d.ID))
		}
	}
	for _, p := range s.sortedProjects() {
		if s.inGroup(p.GroupID, g.ID) {
			add("project:" + itoa(p.ID))
		}
	}
	desc := c.r.URL.Query().Get("sort") == "created_desc"
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt) != desc
		}
		return (a.ID < b.ID) != desc
	})
	page := paginateLarge(c, list)
	out := make([]map[string]any, len(page))
	for i, t := range page {
		out[i] = s.tokenJSON(t, false)
	}
	c.json(200, out)
}

// tokenFilter reads the access_token_params filters GitLab's token lists
// share (lib/api/helpers/personal_access_tokens_helpers.rb: revoked
// Boolean, state values active|inactive, created_before/after DateTime,
// search); false after Grape's 400, which names every invalid parameter in
// the order they are declared. Grape validates them before the endpoint
// runs, so callers read them before looking the resource up.
func (s *Server) tokenFilter(c *ctx) (func(*Token) bool, bool) {
	q := c.r.URL.Query()
	var invalid []string
	revoked, revokedSent := grapeBool(q, "revoked")
	if revokedSent && revoked == nil {
		invalid = append(invalid, "revoked is invalid")
	}
	state, stateSent := q["state"]
	if stateSent && state[0] != "active" && state[0] != "inactive" {
		invalid = append(invalid, "state does not have a valid value")
	}
	before, errB := parseTimeParam(q.Get("created_before"))
	if errB != nil {
		invalid = append(invalid, "created_before is invalid")
	}
	after, errA := parseTimeParam(q.Get("created_after"))
	if errA != nil {
		invalid = append(invalid, "created_after is invalid")
	}
	if len(invalid) > 0 {
		c.errorField(strings.Join(invalid, ", "))
		return nil, false
	}
	term := strings.ToLower(q.Get("search"))
	return func(t *Token) bool {
		active := !t.Revoked && !s.expired(t)
		switch {
		case stateSent && (state[0] == "active") != active:
			return false
		case revoked != nil && *revoked != t.Revoked:
			return false
		case !after.IsZero() && t.CreatedAt.Before(after), !before.IsZero() && t.CreatedAt.After(before):
			return false
		}
		return term == "" || strings.Contains(strings.ToLower(t.Name), term)
	}, true
}

// grapeBool reads a Boolean parameter as Grape coerces it (dry-types'
// Params::Bool strings); nil when it was sent but is none of them.
func grapeBool(q url.Values, key string) (v *bool, sent bool) {
	vals, sent := q[key]
	if !sent {
		return nil, false
	}
	switch vals[0] {
	case "1", "on", "On", "ON", "t", "true", "True", "TRUE", "T", "y", "yes", "Yes", "YES", "Y":
		b := true
		return &b, true
	case "0", "off", "Off", "OFF", "f", "false", "False", "FALSE", "F", "n", "no", "No", "NO", "N":
		b := false
		return &b, true
	}
	return nil, true
}
