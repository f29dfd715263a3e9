package fake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// resourceScopes are the scopes GitLab accepts for project and group tokens
// (lib/gitlab/auth.rb resource_bot_scopes: the non-admin scopes without
// read_user), with the version each arrived in ("" long ago).
var resourceScopes = map[string]string{
	"api": "", "read_api": "", "read_repository": "", "write_repository": "",
	"read_registry": "", "write_registry": "", "read_virtual_registry": "17.3", "write_virtual_registry": "17.9",
	"create_runner": "", "manage_runner": "17.1", "ai_features": "", "k8s_proxy": "16.5", "self_rotate": "17.9",
	"read_observability": "", "write_observability": "",
}

// scopeAvailable is GitLab's scope list as the instance builds it: by
// version, and without the registry scopes when the container registry is
// off or the virtual-registry ones when the dependency proxy is; s.mu is held.
func (s *Server) scopeAvailable(scope string, personal bool) bool {
	since, ok := resourceScopes[scope]
	if personal {
		since, ok = personalScopes[scope]
	}
	switch {
	case !ok || versionBefore(s.version, since):
		return false
	case strings.HasSuffix(scope, "_virtual_registry"):
		return !s.features.noDependencyProxy
	case strings.HasSuffix(scope, "_registry"):
		return !s.features.noRegistry
	}
	return true
}

// versionBefore reports whether version ("17.11.2-ee") is older than since ("17.9").
func versionBefore(version, since string) bool {
	var a, b, x, y int
	if since == "" {
		return false
	}
	if n, _ := fmt.Sscanf(version, "%d.%d", &a, &b); n < 2 {
		return false
	}
	fmt.Sscanf(since, "%d.%d", &x, &y)
	return a < x || a == x && b < y
}

var validLevels = map[int]bool{10: true, 15: true, 20: true, 30: true, 40: true, 50: true}

// validLevel reports whether GitLab accepts access level n: the Planner
// role (15) arrived in 17.7, and before it Grape's values check refuses it.
func (s *Server) validLevel(n int) bool {
	return validLevels[n] && (n != 15 || !versionBefore(s.version, "17.7"))
}

// resource is the project or group a token request is about.
type resource struct {
	key  string // "project:100"
	kind string // "project" or "group"
	role int    // the caller's access level on it
	id   int
	// custom: the caller's custom role manages its tokens (Ultimate).
	custom bool
}

func (s *Server) resolveResource(c *ctx) *resource {
	if c.seg[0] == "projects" {
		p := s.visibleProject(c)
		if p == nil {
			return nil
		}
		role := s.projectRole(p, c.user.ID)
		if c.user.Admin {
			role = 50
		}
		return &resource{key: "project:" + itoa(p.ID), kind: "project", role: role, id: p.ID, custom: p.CustomManagers[c.user.ID]}
	}
	g := s.visibleGroup(c)
	if g == nil {
		return nil
	}
	role := s.groupRole(g.ID, c.user.ID)
	if c.user.Admin {
		role = 50
	}
	return &resource{key: "group:" + itoa(g.ID), kind: "group", role: role, id: g.ID, custom: g.CustomManagers[c.user.ID]}
}

// mayManage is GitLab's rule: Maintainer or Owner on a project, Owner on a
// group, and never a bot (a project or group token cannot make tokens).
func (r *resource) mayManage(u *User) bool {
	if u.Bot {
		return false
	}
	if r.custom {
		return true // its base role (r.role) still bounds what it grants
	}
	if r.kind == "group" {
		return r.role >= 50
	}
	return r.role >= 40
}

// managedResource finds the project or group and the caller's right to read
// its tokens; the caller has checked the token's scope (and Grape's
// parameters). On failure it answers as GitLab's resource_access_tokens.rb
// list and get do — 401 without the right (unauthorized! unless
// can?(:read_resource_access_tokens)) — and returns nil. Create, rotate and
// revoke order their checks themselves.
func (s *Server) managedResource(c *ctx) *resource {
	res := s.resolveResource(c)
	if res == nil {
		return nil
	}
	if !res.mayManage(c.user) {
		c.message(401, "401 Unauthorized")
		return nil
	}
	return res
}

// listResourceTokens is GET /projects|groups/:id/access_tokens: the filters
// are validated before the project or group is looked up.
func (s *Server) listResourceTokens(c *ctx) {
	if !s.canRead(c) {
		return
	}
	keep, ok := s.tokenFilter(c)
	if !ok {
		return
	}
	res := s.managedResource(c)
	if res == nil {
		return
	}
	var out []map[string]any
	for _, t := range s.resourceTokens(res.key) {
		if !keep(t) {
			continue
		}
		out = append(out, s.tokenJSON(t, false))
	}
	c.json(200, paginateLarge(c, out))
}

func parseTimeParam(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", v)
}

func (s *Server) resourceToken(c *ctx, res *resource) *Token {
	id, _ := strconv.Atoi(c.seg[3])
	t := s.tokens[id]
	if t == nil || t.Resource != res.key {
		c.notFound(res.kind + " Access Token") // "404 project Access Token Not Found"
		return nil
	}
	return t
}

func (s *Server) getResourceToken(c *ctx) {
	if !s.canRead(c) {
		return
	}
	res := s.managedResource(c)
	if res == nil {
		return
	}
	if t := s.resourceToken(c, res); t != nil {
		c.json(200, s.tokenJSON(t, false))
	}
}

// revokeResourceToken finds the token first, then checks the rights: an
// unknown id is 404 for anyone, and a caller without rights gets the revoke
// service's 400 naming both users (revoke_service.rb).
func (s *Server) revokeResourceToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	res := s.resolveResource(c)
	if res == nil {
		return
	}
	t := s.resourceToken(c, res)
	if t == nil {
		return
	}
	if !res.mayManage(c.user) {
		bot := s.users[t.UserID]
		c.message(400, fmt.Sprintf("400 Bad request - %s cannot delete %s", c.user.Name, bot.Name))
		return
	}
	t.Revoked = true
	c.noContent()
}

func (s *Server) createResourceToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	// Grape validates the parameters before the endpoint looks anything up.
	p := s.readParams(c)
	if p == nil {
		c.message(400, "400 Bad request - Invalid JSON body")
		return
	}
	name, ok := p.str("name")
	if !ok || strings.TrimSpace(name) == "" {
		c.errorField("name is missing")
		return
	}
	rawScopes, ok := p["scopes"].([]any)
	if !ok || len(rawScopes) == 0 {
		c.errorField("scopes is missing")
		return
	}
	var scopes []string
	for _, x := range rawScopes {
		sc, isStr := x.(string)
		if !isStr || !s.scopeAvailable(sc, false) {
			c.errorField("scopes does not have a valid value")
			return
		}
		scopes = append(scopes, sc)
	}
	level := 40 // default: Gitlab::Access::MAINTAINER
	if v, ok := p.str("access_level"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || !s.validLevel(n) {
			c.errorField("access_level does not have a valid value")
			return
		}
		level = n
	}
	expires, hasExpiry := p.str("expires_at")
	var expDate time.Time
	if hasExpiry {
		d, err := time.Parse("2006-01-02", expires)
		if err != nil {
			c.errorField("expires_at is invalid")
			return
		}
		expDate = d
	}
	desc, _ := p.str("description")
	res := s.resolveResource(c)
	if res == nil {
		return
	}
	if !res.mayManage(c.user) || !s.tokensAllowed(res) {
		c.message(400, fmt.Sprintf("400 Bad request - User does not have permission to create %s access token", res.kind))
		return
	}
	if msg := s.planRefusal(res); msg != "" {
		c.message(400, msg)
		return
	}
	// create_service.rb: validate_access_level, then reached_access_token_limit?.
	if !encompasses(res.role, level) {
		c.message(400, "400 Bad request - Access level of the token contains permissions not held by the creating user")
		return
	}
	if s.trialLimitReached(res) {
		c.message(400, "400 Bad request - Access token limit reached")
		return
	}
	if msg := s.checkLifetime(hasExpiry, expDate); msg != "" {
		c.message(400, "400 Bad request - "+msg)
		return
	}
	// The description's limit is the database's (add_text_limit); the name has none in the API.
	if utf8.RuneCountInString(desc) > 255 {
		c.message(400, "400 Bad request - Description is too long (maximum is 255 characters)")
		return
	}
	if versionBefore(s.version, "17.7") {
		desc = "" // GitLab before 17.7 has no description and drops it silently
	}
	if !hasExpiry && s.life.expiryRequired() {
		expires = s.today().AddDate(0, 0, 365).Format("2006-01-02")
	}
	bot := s.addUser(User{ID: s.nextUser, Username: fmt.Sprintf("%s_%d_bot_%s", res.kind, res.id, randomHex(16)), Name: name, Bot: true})
	s.addMember(res, bot.ID, level)
	t := &Token{ID: s.nextToken, Name: name, Description: desc, Value: s.tokenValue(), UserID: bot.ID, Scopes: scopes,
		ExpiresAt: expires, CreatedAt: s.now(), Resource: res.key, AccessLevel: level}
	s.addToken(*t)
	c.json(201, s.tokenJSON(s.tokens[t.ID], true))
}

// encompasses is Gitlab::Access.level_encompasses?: Planner (15) sits
// outside the hierarchy, granted only by Owners and Planners.
func encompasses(have, give int) bool {
	if give == 15 {
		return have == 50 || have == 15
	}
	if have == 15 {
		return give == 10
	}
	return give <= have
}

// planRefusal applies GitLab.com's tiers to the right to create
// (has_permission_to_create?): no project or group tokens on Free, no group
// tokens on a trial. The trial's one project token is trialLimitReached.
func (s *Server) planRefusal(res *resource) string {
	plan := s.rootPlan(s.resourceGroup(res))
	if plan == "free" || strings.HasSuffix(plan, "_trial") && res.kind == "group" {
		return fmt.Sprintf("400 Bad request - User does not have permission to create %s access token", res.kind)
	}
	return ""
}

// trialLimitReached is EE's reached_access_token_limit?, which
// create_service.rb asks after validate_access_level: on a trial, one
// active project token (not revoked, not expired) across the root group's
// hierarchy.
func (s *Server) trialLimitReached(res *resource) bool {
	gid := s.resourceGroup(res)
	if !strings.HasSuffix(s.rootPlan(gid), "_trial") {
		return false
	}
	for _, t := range s.tokens {
		if strings.HasPrefix(t.Resource, "project:") && !t.Revoked && !s.expired(t) {
			if p := s.projects[atoiOrZero(strings.TrimPrefix(t.Resource, "project:"))]; p != nil && s.rootGroup(p.GroupID) == s.rootGroup(gid) {
				return true
			}
		}
	}
	return false
}

// resourceGroup is the group of a resource: the group itself, or the
// project's group.
func (s *Server) resourceGroup(res *resource) int {
	if res.kind == "project" {
		return s.projects[res.id].GroupID
	}
	return res.id
}

func (s *Server) rootGroup(gid int) int {
	for g := s.groups[gid]; g != nil; g = s.groups[g.ParentID] {
		if g.ParentID == 0 {
			return g.ID
		}
	}
	return 0
}

// checkLifetime applies the instance's rule (personal_access_token.rb):
// nothing when expiry is not required; otherwise no date after today + the
// maximum, today counted in the instance's time zone, that date itself
// allowed. GitLab has no check for past dates (they make a token that is
// already expired), so neither has the stand-in. It returns the model's
// message, without the API's prefix.
func (s *Server) checkLifetime(has bool, d time.Time) string {
	if !has || !s.life.expiryRequired() {
		return ""
	}
	max := s.today().AddDate(0, 0, s.life.maxDays())
	if d.After(max) {
		return "Expiration date must be before " + max.Format("2006-01-02")
	}
	return ""
}

// resourceByKey is the project or group of a token's resource key
// ("project:100"), without a caller; nil when it does not exist.
func (s *Server) resourceByKey(key string) *resource {
	kind, id, _ := strings.Cut(key, ":")
	n := atoiOrZero(id)
	switch {
	case kind == "project" && s.projects[n] != nil, kind == "group" && s.groups[n] != nil:
		return &resource{key: key, kind: kind, id: n}
	}
	return nil
}

// maxMemberAccess is the team's max_member_access: user uid's highest
// level on res, direct or inherited from the groups above.
func (s *Server) maxMemberAccess(res *resource, uid int) int {
	direct, inherited, _ := s.memberships(res, uid)
	return max(direct, inherited)
}

func (s *Server) addMember(res *resource, uid, level int) {
	if res.kind == "project" {
		s.projects[res.id].Members[uid] = level
	} else {
		s.groups[res.id].Members[uid] = level
	}
}
