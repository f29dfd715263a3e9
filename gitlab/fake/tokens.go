package fake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// resourceScopes are the scopes GitLab accepts for project and group tokens.
var resourceScopes = map[string]bool{
	"api": true, "read_api": true, "read_repository": true, "write_repository": true,
	"read_registry": true, "write_registry": true, "read_virtual_registry": true, "write_virtual_registry": true,
	"create_runner": true, "manage_runner": true, "ai_features": true, "k8s_proxy": true, "self_rotate": true,
}

var validLevels = map[int]bool{10: true, 15: true, 20: true, 30: true, 40: true, 50: true}

// resource is the project or group a token request is about.
type resource struct {
	key   string // "project:100"
	kind  string // "project" or "group"
	role  int    // the caller's access level on it
	id    int
	label string
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
		return &resource{key: "project:" + itoa(p.ID), kind: "project", role: role, id: p.ID, label: "project"}
	}
	g := s.visibleGroup(c)
	if g == nil {
		return nil
	}
	role := s.groupRole(g.ID, c.user.ID)
	if c.user.Admin {
		role = 50
	}
	return &resource{key: "group:" + itoa(g.ID), kind: "group", role: role, id: g.ID, label: "group"}
}

// mayManage is GitLab's rule: Maintainer or Owner on a project, Owner on a
// group, and never a bot (a project or group token cannot make tokens).
func (r *resource) mayManage(u *User) bool {
	if u.Bot {
		return false
	}
	if r.kind == "group" {
		return r.role >= 50
	}
	return r.role >= 40
}

// managedResource checks the calling token's scope (read_api for reads, api
// when verb names a change), finds the project or group and the caller's right
// to manage its tokens. On failure it answers as GitLab does — 403 for reads,
// 400 with the permission message for changes — and returns nil.
func (s *Server) managedResource(c *ctx, verb string) *resource {
	scoped := s.canRead
	if verb != "" {
		scoped = s.canWrite
	}
	if !scoped(c) {
		return nil
	}
	res := s.resolveResource(c)
	if res == nil {
		return nil
	}
	if !res.mayManage(c.user) {
		if verb == "" {
			// resource_access_tokens.rb: unauthorized! unless can?(:read_resource_access_tokens)
			c.message(401, "401 Unauthorized")
		} else {
			c.message(400, fmt.Sprintf("400 Bad request - User does not have permission to %s %s access token", verb, res.kind))
		}
		return nil
	}
	return res
}

func (s *Server) listResourceTokens(c *ctx) {
	res := s.managedResource(c, "")
	if res == nil {
		return
	}
	q := c.r.URL.Query()
	after, errA := parseTimeParam(q.Get("created_after"))
	before, errB := parseTimeParam(q.Get("created_before"))
	if errA != nil || errB != nil {
		c.errorField("created_after is invalid")
		return
	}
	var out []map[string]any
	for _, t := range s.resourceTokens(res.key) {
		active := !t.Revoked && !s.expired(t)
		switch q.Get("state") {
		case "active":
			if !active {
				continue
			}
		case "inactive":
			if active {
				continue
			}
		}
		if !after.IsZero() && t.CreatedAt.Before(after) || !before.IsZero() && t.CreatedAt.After(before) {
			continue
		}
		if term := q.Get("search"); term != "" && !strings.Contains(strings.ToLower(t.Name), strings.ToLower(term)) {
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
		c.message(404, fmt.Sprintf("404 Could not find %s access token with token_id: %s Not Found", res.kind, c.seg[3]))
		return nil
	}
	return t
}

func (s *Server) getResourceToken(c *ctx) {
	res := s.managedResource(c, "")
	if res == nil {
		return
	}
	if t := s.resourceToken(c, res); t != nil {
		c.json(200, s.tokenJSON(t, false))
	}
}

func (s *Server) revokeResourceToken(c *ctx) {
	res := s.managedResource(c, "delete")
	if res == nil {
		return
	}
	if t := s.resourceToken(c, res); t != nil {
		t.Revoked = true
		c.rec.Status = 204
		c.w.WriteHeader(204)
	}
}

// params reads a JSON or form body the way Grape does.
type params map[string]any

func (s *Server) readParams(c *ctx) params {
	p := params{}
	if strings.Contains(c.r.Header.Get("Content-Type"), "json") && len(c.body) > 0 {
		if json.Unmarshal(c.body, &p) != nil {
			return nil
		}
		return p
	}
	vals, _ := url.ParseQuery(string(c.body))
	for k, v := range c.r.URL.Query() {
		vals[k] = append(vals[k], v...)
	}
	for k, v := range vals {
		k = strings.TrimSuffix(k, "[]")
		if k == "scopes" {
			var arr []any
			for _, x := range v {
				arr = append(arr, x)
			}
			p[k] = arr
		} else {
			p[k] = v[0]
		}
	}
	return p
}

func (p params) str(k string) (string, bool) {
	v, ok := p[k]
	if !ok || v == nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return fmt.Sprint(v), true
}

func (s *Server) createResourceToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	res := s.resolveResource(c)
	if res == nil {
		return
	}
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
		if !isStr || !resourceScopes[sc] {
			c.errorField("scopes does not have a valid value")
			return
		}
		scopes = append(scopes, sc)
	}
	level := 40
	if v, ok := p.str("access_level"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || !validLevels[n] {
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
	if !res.mayManage(c.user) {
		c.message(400, fmt.Sprintf("400 Bad request - User does not have permission to create %s access token", res.kind))
		return
	}
	if msg := s.planRefusal(res); msg != "" {
		c.message(400, msg)
		return
	}
	if level > res.role {
		c.message(400, "400 Bad request - Access level of the token contains permissions not held by the creating user")
		return
	}
	if msg := s.checkLifetime(hasExpiry, expDate); msg != "" {
		c.message(400, msg)
		return
	}
	if utf8.RuneCountInString(name) > 255 {
		c.message(400, "400 Bad request - Name is too long (maximum is 255 characters)")
		return
	}
	if utf8.RuneCountInString(desc) > 255 {
		c.message(400, "400 Bad request - Description is too long (maximum is 255 characters)")
		return
	}
	if !hasExpiry {
		expires = s.now().AddDate(0, 0, 365).Format("2006-01-02")
	}
	bot := s.addUser(User{ID: s.nextUser, Username: fmt.Sprintf("%s_%d_bot_%s", res.kind, res.id, randomHex(16)), Name: name, Bot: true})
	s.addMember(res, bot.ID, level)
	t := &Token{ID: s.nextToken, Name: name, Description: desc, Value: s.tokenValue(), UserID: bot.ID, Scopes: scopes,
		ExpiresAt: expires, CreatedAt: s.now(), Resource: res.key, AccessLevel: level}
	s.addToken(*t)
	c.json(201, s.tokenJSON(s.tokens[t.ID], true))
}

// planRefusal applies GitLab.com's tiers: no project or group tokens on Free,
// no group tokens and one project token on a trial.
func (s *Server) planRefusal(res *resource) string {
	gid := res.id
	if res.kind == "project" {
		gid = s.projects[res.id].GroupID
	}
	plan := s.rootPlan(gid)
	noPermission := fmt.Sprintf("400 Bad request - User does not have permission to create %s access token", res.kind)
	switch {
	case plan == "free":
		return noPermission
	case strings.HasSuffix(plan, "_trial") && res.kind == "group":
		return noPermission
	case strings.HasSuffix(plan, "_trial"):
		for _, t := range s.tokens {
			if strings.HasPrefix(t.Resource, "project:") && !t.Revoked {
				var pid int
				fmt.Sscanf(t.Resource, "project:%d", &pid)
				if p := s.projects[pid]; p != nil && s.rootGroup(p.GroupID) == s.rootGroup(gid) {
					return "400 Bad request - Access token limit reached"
				}
			}
		}
	}
	return ""
}

func (s *Server) rootGroup(gid int) int {
	for g := s.groups[gid]; g != nil; g = s.groups[g.ParentID] {
		if g.ParentID == 0 {
			return g.ID
		}
	}
	return 0
}

// checkLifetime applies the instance maximum (365 days; today + 365 passes).
// GitLab has no documented check for past dates; the stand-in is strict and refuses them.
func (s *Server) checkLifetime(has bool, d time.Time) string {
	if !has {
		return ""
	}
	today := s.now().Truncate(24 * time.Hour)
	max := today.AddDate(0, 0, 365)
	if d.After(max) {
		return "400 Bad request - Expires at must be before " + max.Format("2006-01-02")
	}
	if !d.After(today) {
		return "400 Bad request - Expires at cannot be in the past"
	}
	return ""
}

func (s *Server) addMember(res *resource, uid, level int) {
	if res.kind == "project" {
		s.projects[res.id].Members[uid] = level
	} else {
		s.groups[res.id].Members[uid] = level
	}
}

func (s *Server) rotateResourceToken(c *ctx) {
	res := s.managedResource(c, "rotate")
	if res == nil {
		return
	}
	t := s.resourceToken(c, res)
	if t == nil {
		return
	}
	if t.Revoked || s.expired(t) {
		// Rotating a revoked token revokes the whole family, as GitLab does.
		for _, o := range s.tokens {
			if o.UserID == t.UserID {
				o.Revoked = true
			}
		}
		c.message(400, "400 Bad request - Token already revoked")
		return
	}
	p := s.readParams(c)
	expires, has := p.str("expires_at")
	var d time.Time
	if has {
		var err error
		if d, err = time.Parse("2006-01-02", expires); err != nil {
			c.errorField("expires_at is invalid")
			return
		}
	} else {
		expires = s.now().AddDate(0, 0, 7).Format("2006-01-02")
	}
	if msg := s.checkLifetime(has, d); msg != "" {
		c.message(400, msg)
		return
	}
	t.Revoked = true
	n := *t
	n.ID, n.Value, n.ExpiresAt, n.CreatedAt, n.Revoked, n.LastUsedAt = s.nextToken, s.tokenValue(), expires, s.now(), false, nil
	s.addToken(n)
	c.json(200, s.tokenJSON(s.tokens[n.ID], true))
}

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

func newTokenValue() string {
	var b strings.Builder
	b.WriteString("glpat-")
	for i := 0; i < 20; i++ {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}

func randomHex(n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(16))
		b[i] = hex[x.Int64()]
	}
	return string(b)
}
