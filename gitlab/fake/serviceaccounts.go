package fake

// Group service accounts, their personal access tokens, and memberships, as
// GitLab's lib/api/group_service_accounts.rb, lib/api/members.rb and the
// services behind them answer (read in GitLab's source; see GITLAB.md).

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// serviceAccountLimit is GitLab's LIMIT_FOR_FREE (lib/authn/service_accounts.rb):
// per top-level group on GitLab.com Free.
const serviceAccountLimit = 100

// SetServiceAccountOwners says whether group Owners may create service
// accounts: GitLab.com's rule (true, the stand-in's default) or, on
// self-managed, the instance setting allow_top_level_group_owners_to_create_service_accounts
// (false there by default: only administrators).
func (s *Server) SetServiceAccountOwners(allowed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.features.noOwnerServiceAccounts = !allowed
}

// serviceAccountGroup is the group of a service-accounts request, when the
// caller may manage its service accounts: the before-block's
// authorize!(:admin_service_accounts), which ee/app/policies/ee/group_policy.rb
// grants to Owners (and administrators) only where service accounts are
// available to the group; 403 otherwise, for every route.
func (s *Server) serviceAccountGroup(c *ctx, write bool) *Group {
	scoped := s.canRead
	if write {
		scoped = s.canWrite
	}
	if !scoped(c) {
		return nil
	}
	g := s.visibleGroup(c)
	if g == nil {
		return nil
	}
	if !s.groupOwner(c, g) {
		return nil
	}
	if !s.serviceAccountsAvailable(g) {
		c.message(403, "403 Forbidden")
		return nil
	}
	return g
}

// serviceAccountsAvailable is the policy's service_accounts_available
// (@subject.feature_available?(:service_accounts)): Premium and Ultimate
// (trials included) always; Free from 18.11, where MR !227910 removed
// service accounts from the premium features (18.10 had it behind a flag,
// off by default).
func (s *Server) serviceAccountsAvailable(g *Group) bool {
	return s.rootPlan(g.ID) != "free" || !versionBefore(s.version, "18.11")
}

// serviceAccountsAllowed applies who may create one, where and on which plan
// (BaseCreateService#creation_allowed?); it returns GitLab's 400 message or "".
func (s *Server) serviceAccountsAllowed(c *ctx, g *Group) string {
	noPermission := "400 Bad request - User does not have permission to create a service account in this group."
	switch {
	case g.ParentID != 0 && versionBefore(s.version, "18.11"):
		return noPermission // top-level groups only before 18.11
	case !c.user.Admin && s.features.noOwnerServiceAccounts:
		return noPermission
	}
	// Free reaches here from 18.11 only (serviceAccountsAvailable); Free
	// and trials then have LIMIT_FOR_FREE and LIMIT_FOR_TRIAL.
	root := s.groups[s.rootGroup(g.ID)]
	if root.Plan == "free" || strings.HasSuffix(root.Plan, "_trial") {
		if s.serviceAccountCount(root.ID) >= serviceAccountLimit {
			return "400 Bad request - This namespace either does not have an active subscription that can create service accounts, or the subscription has reached its service account creation limit."
		}
	}
	return ""
}

func (s *Server) serviceAccountCount(rootID int) int {
	n := 0
	for _, u := range s.users {
		if u.ServiceAccountOf != 0 && s.rootGroup(u.ServiceAccountOf) == rootID {
			n++
		}
	}
	return n
}

func serviceAccountJSON(u *User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Username, "name": u.Name, "email": u.Email}
}

// createServiceAccount is POST /groups/:id/service_accounts (name, username, email).
func (s *Server) createServiceAccount(c *ctx) {
	g := s.serviceAccountGroup(c, true)
	if g == nil {
		return
	}
	if msg := s.serviceAccountsAllowed(c, g); msg != "" {
		c.message(400, msg)
		return
	}
	p := s.readParams(c)
	if p == nil {
		c.message(400, "400 Bad request - Invalid JSON body")
		return
	}
	name, _ := p.str("name")
	if strings.TrimSpace(name) == "" {
		name = "Service account user"
	}
	username, _ := p.str("username")
	email, _ := p.str("email")
	if username == "" {
		username = fmt.Sprintf("service_account_group_%d_%s", g.ID, randomHex(16))
	}
	for _, u := range s.users {
		if strings.EqualFold(u.Username, username) {
			c.message(400, "400 Bad request - Username has already been taken")
			return
		}
		if email != "" && strings.EqualFold(u.Email, email) {
			c.message(400, "400 Bad request - Email has already been taken")
			return
		}
	}
	if email == "" || versionBefore(s.version, "17.9") {
		email = username + "@noreply.gitlab.example"
	}
	u := s.addUser(User{ID: s.nextUser, Username: username, Name: name, Email: email, ServiceAccountOf: g.ID})
	c.json(201, serviceAccountJSON(u))
}

// listServiceAccounts is GET /groups/:id/service_accounts (17.1+): the
// accounts this group provisioned, order_by id|username (default id), sort
// asc|desc (default desc). Another value is Grape's 400 (values:), checked
// after the before-block's authorize!.
func (s *Server) listServiceAccounts(c *ctx) {
	if versionBefore(s.version, "17.1") {
		c.message(404, "404 Not Found")
		return
	}
	g := s.serviceAccountGroup(c, false)
	if g == nil {
		return
	}
	q := c.r.URL.Query()
	var invalid []string // Grape reports every invalid parameter, joined
	for _, p := range []struct {
		name   string
		values []string
	}{{"order_by", []string{"id", "username"}}, {"sort", []string{"asc", "desc"}}} {
		if v, sent := q[p.name]; sent && !slices.Contains(p.values, v[0]) {
			invalid = append(invalid, p.name+" does not have a valid value")
		}
	}
	if len(invalid) > 0 {
		c.errorField(strings.Join(invalid, ", "))
		return
	}
	var list []*User
	for _, u := range s.users {
		if u.ServiceAccountOf == g.ID {
			list = append(list, u)
		}
	}
	desc := q.Get("sort") != "asc"
	sort.Slice(list, func(i, j int) bool {
		if q.Get("order_by") == "username" {
			return (list[i].Username < list[j].Username) != desc
		}
		return (list[i].ID < list[j].ID) != desc
	})
	page := paginate(c, list)
	out := make([]map[string]any, len(page))
	for i, u := range page {
		out[i] = serviceAccountJSON(u)
	}
	c.json(200, out)
}

// serviceAccount finds the path's group (see serviceAccountGroup) and its
// account among the group's own (provisioned_users.find_by_id): 404 "User
// Not Found" otherwise. It answers the failure and returns nil.
func (s *Server) serviceAccount(c *ctx, write bool) *User {
	g := s.serviceAccountGroup(c, write)
	if g == nil {
		return nil
	}
	return s.groupServiceAccount(c, g)
}

// groupServiceAccount is validate_service_account_user: the path's account
// among group g's own, or 404 "User Not Found" and nil.
func (s *Server) groupServiceAccount(c *ctx, g *Group) *User {
	uid, _ := strconv.Atoi(c.seg[3])
	u := s.users[uid]
	if u == nil || u.ServiceAccountOf != g.ID {
		c.notFound("User")
		return nil
	}
	return u
}

// deleteServiceAccount is DELETE /groups/:id/service_accounts/:user_id: 204,
// the account removed (GitLab does it asynchronously).
func (s *Server) deleteServiceAccount(c *ctx) {
	u := s.serviceAccount(c, true)
	if u == nil {
		return
	}
	delete(s.users, u.ID)
	c.noContent()
}

// createServiceAccountToken is POST …/service_accounts/:user_id/personal_access_tokens:
// any scope GitLab knows; model errors are 422 with the bare sentence.
func (s *Server) createServiceAccountToken(c *ctx) {
	u := s.serviceAccount(c, true)
	if u == nil {
		return
	}
	t, ok := s.personalTokenParams(c, func(sc string) bool { return s.scopeAvailable(sc, true) && !adminScopes[sc] })
	if !ok {
		return
	}
	t.ID, t.Value, t.UserID, t.CreatedAt = s.nextToken, s.tokenValue(), u.ID, s.now()
	s.addToken(t)
	c.json(201, s.tokenJSON(s.tokens[t.ID], true))
}

// listServiceAccountTokens is GET …/personal_access_tokens (17.11+), with
// the access_token_params filters (tokenFilter).
func (s *Server) listServiceAccountTokens(c *ctx) {
	if versionBefore(s.version, "17.11") {
		c.message(404, "404 Not Found")
		return
	}
	// The before-block's authorize!, then Grape's filters, then the account.
	g := s.serviceAccountGroup(c, false)
	if g == nil {
		return
	}
	keep, ok := s.tokenFilter(c)
	if !ok {
		return
	}
	u := s.groupServiceAccount(c, g)
	if u == nil {
		return
	}
	var out []map[string]any
	for id := 1; id < s.nextToken; id++ {
		if t := s.tokens[id]; t != nil && t.UserID == u.ID && keep(t) {
			out = append(out, s.tokenJSON(t, false))
		}
	}
	c.json(200, paginate(c, out))
}

// serviceAccountToken is the path's token of account u: 404 otherwise.
func (s *Server) serviceAccountToken(c *ctx, u *User, msg string) *Token {
	id, _ := strconv.Atoi(c.seg[5])
	t := s.tokens[id]
	if t == nil || t.UserID != u.ID {
		c.message(404, msg)
		return nil
	}
	return t
}

// revokeServiceAccountToken is DELETE …/personal_access_tokens/:token_id (17.11+).
func (s *Server) revokeServiceAccountToken(c *ctx) {
	if versionBefore(s.version, "17.11") {
		c.message(404, "404 Not Found")
		return
	}
	u := s.serviceAccount(c, true)
	if u == nil {
		return
	}
	if t := s.serviceAccountToken(c, u, "404 Personal Access Token Not Found"); t != nil {
		t.Revoked = true
		c.noContent()
	}
}

// rotateServiceAccountToken is POST …/:token_id/rotate: 200 and a new value.
// expires_at is declared from 17.9 (type: Date, validated after the
// before-block's authorize! and before the account is looked up); before
// 17.9 it is ignored. Without it the new token gets rotationExpiry.
func (s *Server) rotateServiceAccountToken(c *ctx) {
	g := s.serviceAccountGroup(c, true)
	if g == nil {
		return
	}
	expires, d, has, ok := s.rotationExpiry(), time.Time{}, false, true
	if !versionBefore(s.version, "17.9") {
		if expires, d, has, ok = s.rotationParams(c); !ok {
			return
		}
	}
	u := s.groupServiceAccount(c, g)
	if u == nil {
		return
	}
	t := s.serviceAccountToken(c, u, "404 Not Found")
	if t == nil {
		return
	}
	s.finishRotation(c, t, expires, d, has, "")
}

// createMember is POST /groups/:id/members and /projects/:id/members
// (members.rb): user_id and access_level; 201 with the member; 409 "Member
// already exists" for a direct member; 400 when an inherited membership is
// higher. Group members need Owner; project members Maintainer, and Owner
// for the Owner role (403).
func (s *Server) createMember(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	res := s.resolveResource(c)
	if res == nil {
		return
	}
	p := s.readParams(c)
	uidText, okU := p.str("user_id")
	levelText, okL := p.str("access_level")
	if !okU {
		c.errorField("user_id is missing")
		return
	}
	if !okL {
		c.errorField("access_level is missing")
		return
	}
	level, err := strconv.Atoi(levelText)
	if err != nil || !s.validLevel(level) {
		c.errorField("access_level does not have a valid value")
		return
	}
	need := 40
	if res.kind == "group" || level == 50 {
		need = 50
	}
	if !c.user.Admin && res.role < need {
		c.message(403, "403 Forbidden")
		return
	}
	uid, _ := strconv.Atoi(uidText)
	u := s.users[uid]
	if u == nil {
		c.notFound("User")
		return
	}
	direct, inherited, from := s.memberships(res, uid)
	if direct > 0 {
		c.message(409, "Member already exists")
		return
	}
	if inherited > level {
		c.json(400, map[string]any{"message": map[string]any{"access_level": []string{
			fmt.Sprintf("should be greater than or equal to %s inherited membership from group %s", levelName(inherited), from)}}})
		return
	}
	s.addMember(res, uid, level)
	c.json(201, map[string]any{"id": u.ID, "username": u.Username, "name": u.Name, "state": "active", "access_level": level,
		"created_at": s.now().UTC().Format(time.RFC3339), "expires_at": nil, "member_role": nil})
}

// memberships is user uid's direct level on res and the highest it inherits
// from the groups above, with that group's name.
func (s *Server) memberships(res *resource, uid int) (direct, inherited int, from string) {
	var gid int
	if res.kind == "project" {
		direct, gid = s.projects[res.id].Members[uid], s.projects[res.id].GroupID
	} else {
		direct, gid = s.groups[res.id].Members[uid], s.groups[res.id].ParentID
	}
	for g := s.groups[gid]; g != nil; g = s.groups[g.ParentID] {
		if l := g.Members[uid]; l > inherited {
			inherited, from = l, g.Name
		}
	}
	return direct, inherited, from
}

// getDirectMember is GET /groups|projects/:id/members/:user_id: direct
// members only (404 "Not found" otherwise).
func (s *Server) getDirectMember(c *ctx) {
	if !s.canRead(c) {
		return
	}
	res := s.resolveResource(c)
	if res == nil {
		return
	}
	uid, _ := strconv.Atoi(c.seg[3])
	direct, _, _ := s.memberships(res, uid)
	u := s.users[uid]
	if u == nil || direct == 0 {
		c.message(404, "404 Not found")
		return
	}
	c.json(200, map[string]any{"id": u.ID, "username": u.Username, "name": u.Name, "state": "active", "access_level": direct, "member_role": nil})
}

func levelName(l int) string {
	return map[int]string{10: "Guest", 15: "Planner", 20: "Reporter", 30: "Developer", 40: "Maintainer", 50: "Owner"}[l]
}
