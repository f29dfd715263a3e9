package fake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// personalScopes are the scopes of personal access tokens; adminScopes need an administrator.
var (
	personalScopes = func() map[string]string {
		m := map[string]string{"read_user": "", "sudo": "", "admin_mode": "", "read_service_ping": "17.1"}
		for k, v := range resourceScopes {
			m[k] = v
		}
		return m
	}()
	adminScopes = map[string]bool{"sudo": true, "admin_mode": true, "read_service_ping": true}
	// selfServiceScopes are all POST /user/personal_access_tokens accepts (16.5+).
	selfServiceScopes = map[string]bool{"k8s_proxy": true, "self_rotate": true}
)

// personalTokenParams reads and checks name, scopes, description and expiry
// of a personal token request; it writes GitLab's 400 and returns ok=false.
func (s *Server) personalTokenParams(c *ctx, allowed func(string) bool) (t Token, ok bool) {
	p := s.readParams(c)
	if p == nil {
		c.message(400, "400 Bad request - Invalid JSON body")
		return t, false
	}
	name, has := p.str("name")
	if !has || strings.TrimSpace(name) == "" {
		c.errorField("name is missing")
		return t, false
	}
	raw, isList := p["scopes"].([]any)
	if !isList || len(raw) == 0 {
		c.errorField("scopes is missing")
		return t, false
	}
	for _, x := range raw {
		sc, isStr := x.(string)
		if !isStr || !allowed(sc) {
			c.errorField("scopes does not have a valid value")
			return t, false
		}
		t.Scopes = append(t.Scopes, sc)
	}
	expires, hasExpiry := p.str("expires_at")
	var d time.Time
	if hasExpiry {
		var err error
		if d, err = time.Parse("2006-01-02", expires); err != nil {
			c.errorField("expires_at is invalid")
			return t, false
		}
	}
	// The model's validations: 422 with the bare sentence (users.rb
	// render_api_error!(response.message, :unprocessable_entity)).
	if msg := s.checkLifetime(hasExpiry, d); msg != "" {
		c.message(422, msg)
		return t, false
	}
	if !hasExpiry && s.life.expiryRequired() {
		expires = s.today().AddDate(0, 0, s.life.maxDays()).Format("2006-01-02")
	}
	desc, _ := p.str("description")
	if utf8.RuneCountInString(desc) > 255 {
		c.message(422, "Description is too long (maximum is 255 characters)")
		return t, false
	}
	if versionBefore(s.version, "17.7") {
		desc = ""
	}
	t.Name, t.Description, t.ExpiresAt = name, desc, expires
	return t, true
}

// createUserToken is POST /users/:id/personal_access_tokens: administrators only.
func (s *Server) createUserToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	if !c.user.Admin || (s.adminMode && !hasScope(c.tok, "admin_mode")) {
		c.message(403, "403 Forbidden")
		return
	}
	u := s.userAt(c)
	if u == nil {
		return
	}
	t, ok := s.personalTokenParams(c, func(sc string) bool { return s.scopeAvailable(sc, true) })
	if !ok {
		return
	}
	t.ID, t.Value, t.UserID, t.CreatedAt = s.nextToken, s.tokenValue(), u.ID, s.now()
	s.addToken(t)
	c.json(201, s.tokenJSON(s.tokens[t.ID], true))
}

// createOwnToken is POST /user/personal_access_tokens: any user, limited scopes.
func (s *Server) createOwnToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	if c.user.Bot {
		c.message(403, "403 Forbidden")
		return
	}
	t, ok := s.personalTokenParams(c, func(sc string) bool { return selfServiceScopes[sc] })
	if !ok {
		return
	}
	t.ID, t.Value, t.UserID, t.CreatedAt = s.nextToken, s.tokenValue(), c.user.ID, s.now()
	s.addToken(t)
	c.json(201, s.tokenJSON(s.tokens[t.ID], true))
}

// listPersonalTokens is GET /personal_access_tokens: the caller's own, or any
// user's (user_id) for an administrator, with the access_token_params
// filters (tokenFilter).
func (s *Server) listPersonalTokens(c *ctx) {
	if !s.canRead(c) {
		return
	}
	q := c.r.URL.Query()
	uid := c.user.ID
	if v := q.Get("user_id"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.errorField("user_id is invalid")
			return
		}
		if n != c.user.ID && !c.user.Admin {
			c.message(401, "401 Unauthorized")
			return
		}
		uid = n
	} else if c.user.Admin {
		uid = 0 // every user's
	}
	keep, ok := s.tokenFilter(c)
	if !ok {
		return
	}
	var out []map[string]any
	for id := 1; id < s.nextToken; id++ {
		t := s.tokens[id]
		if t == nil || t.Resource != "" || t.OAuth || (uid != 0 && t.UserID != uid) || !keep(t) {
			continue
		}
		out = append(out, s.tokenJSON(t, false))
	}
	c.json(200, paginate(c, out))
}

// personalToken is the personal token with the path's id, or nil.
func (s *Server) personalToken(c *ctx) *Token {
	id, _ := strconv.Atoi(c.seg[1])
	t := s.tokens[id]
	if t == nil || t.OAuth {
		return nil
	}
	return t
}

// getPersonalToken is GET /personal_access_tokens/:id (personal_access_tokens.rb):
// someone else's token, or an unknown one, is 401 to a non-administrator —
// only administrators learn that a token does not exist (404).
func (s *Server) getPersonalToken(c *ctx) {
	if !s.canRead(c) {
		return
	}
	t := s.personalToken(c)
	switch {
	case t != nil && (t.UserID == c.user.ID || c.user.Admin):
		c.json(200, s.tokenJSON(t, false))
	case c.user.Admin:
		c.message(404, "404 Not Found")
	default:
		c.message(401, "401 Unauthorized")
	}
}

// revokePersonalToken is DELETE /personal_access_tokens/:id: an unknown id is
// ActiveRecord's 404 ("Not found", lower case); someone else's token is the
// revoke service's 400.
func (s *Server) revokePersonalToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	t := s.personalToken(c)
	switch {
	case t == nil:
		c.message(404, "404 Not found")
	case t.UserID != c.user.ID && !c.user.Admin:
		c.message(400, "400 Bad request - Not permitted to revoke")
	default:
		t.Revoked = true
		c.noContent()
	}
}

// rotatePersonalToken is POST /personal_access_tokens/:id/rotate
// (personal_access_tokens.rb, rotate_service.rb): Grape reads the declared
// expires_at (type: Date) first; then the caller must be the token's user
// or an administrator (UserPolicy manage_user_personal_access_token; with
// Admin Mode on, an administrator's token needs admin_mode) — anyone else,
// and an unknown id, get 401, only administrators learn of a missing token
// (404). A revoked token is refused ("Token already revoked", nothing else
// revoked); the new expiry keeps the lifetime rule; without expires_at the
// replacement lasts a week where expiry is required. Revoke and create are
// one transaction.
func (s *Server) rotatePersonalToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	expires, d, has, ok := s.rotationParams(c)
	if !ok {
		return
	}
	admin := c.user.Admin && (!s.adminMode || hasScope(c.tok, "admin_mode"))
	t := s.personalToken(c)
	if t == nil || t.UserID != c.user.ID && !admin {
		c.hidden(admin)
		return
	}
	s.finishRotation(c, t, expires, d, has, "")
}

// getUserByID is GET /users/:id.
func (s *Server) getUserByID(c *ctx) {
	if !s.requireScope(c, "api", "read_api", "read_user") {
		return
	}
	u := s.userAt(c)
	if u == nil {
		return
	}
	c.json(200, s.userJSON(u, c.user.Admin))
}

// getNamespace is GET /namespaces/:id. As on GitLab.com, the plan of a group
// namespace is shown only to its Owners and to administrators.
func (s *Server) getNamespace(c *ctx) {
	if !s.canRead(c) {
		return
	}
	g := s.findGroup(c.seg[1])
	if g != nil && (c.user.Admin || s.groupRole(g.ID, c.user.ID) > 0 || s.hasProjectIn(g.ID, c.user.ID)) {
		m := map[string]any{"id": g.ID, "name": g.Name, "path": g.Path, "kind": "group", "full_path": s.groupFullPath(g.ID),
			"parent_id": nil, "web_url": "https://gitlab.example/groups/" + s.groupFullPath(g.ID)}
		if g.ParentID != 0 {
			m["parent_id"] = g.ParentID
		}
		if c.user.Admin || s.groupRole(g.ID, c.user.ID) >= 50 {
			m["plan"], m["trial"] = g.Plan, strings.HasSuffix(g.Plan, "_trial")
		}
		c.json(200, m)
		return
	}
	for _, u := range s.users {
		if strings.EqualFold(u.Username, c.seg[1]) || c.seg[1] == fmt.Sprint(1000+u.ID) {
			if u.ID != c.user.ID && !c.user.Admin {
				break
			}
			c.json(200, map[string]any{"id": 1000 + u.ID, "name": u.Name, "path": u.Username, "kind": "user", "full_path": u.Username, "parent_id": nil})
			return
		}
	}
	c.message(404, "404 Namespace Not Found")
}

// rootPlan is the plan of the top-level group above group gid.
func (s *Server) rootPlan(gid int) string {
	if g := s.groups[s.rootGroup(gid)]; g != nil {
		return g.Plan
	}
	return ""
}

// SetAdminMode turns on Admin Mode: administrator-only API calls then need a
// token with the admin_mode scope.
func (s *Server) SetAdminMode(on bool) { s.mu.Lock(); s.adminMode = on; s.mu.Unlock() }

func hasScope(t *Token, scope string) bool {
	for _, x := range t.Scopes {
		if x == scope {
			return true
		}
	}
	return false
}

// userAt is the user of /users/:id, or nil after a 404.
func (s *Server) userAt(c *ctx) *User {
	uid, _ := strconv.Atoi(c.seg[1])
	u := s.users[uid]
	if u == nil {
		c.notFound("User")
	}
	return u
}
