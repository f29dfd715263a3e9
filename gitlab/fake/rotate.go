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
)

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

// rotateResourceToken is rotate_service.rb: a revoked token is refused
// ("Token already revoked", nothing else revoked), as is one whose role the
// caller could not grant; an expired one is rotated (there is no expiry
// check). Revoke and create are one transaction. Without expires_at the new
// token gets rotationExpiry. Grape validates the declared expires_at (type:
// Date) before the endpoint looks the project or the rights up.
func (s *Server) rotateResourceToken(c *ctx) {
	if !s.canWrite(c) {
		return
	}
	expires, d, has, ok := s.rotationParams(c)
	if !ok {
		return
	}
	res := s.resolveResource(c)
	if res == nil {
		return
	}
	id, _ := strconv.Atoi(c.seg[3])
	t := s.tokens[id]
	// Rotating needs manage_resource_access_tokens, which GitLab's policies
	// give only where creating is allowed: the top-level group's "Users can
	// create project access tokens and group access tokens" setting off
	// stops rotation too (project_policy.rb, group_policy.rb).
	if !res.mayManage(c.user) || !s.tokensAllowed(res) || t == nil || t.Resource != res.key {
		c.hidden(c.user.Admin)
		return
	}
	// project_access_tokens/rotate_service.rb valid_access_level?: the
	// bot's role is read from the team (max_member_access), not the token.
	eligible := ""
	if !encompasses(res.role, s.maxMemberAccess(res, t.UserID)) {
		eligible = "Not eligible to rotate tokens with permissions not held by the user"
	}
	s.finishRotation(c, t, expires, d, has, eligible)
}

// finishRotation is the end every rotation shares (the rotate services):
// a revoked token is refused, then the kind's own refusal (refuse, when not
// empty), then the lifetime rule; else t is rotated and the new token sent.
func (s *Server) finishRotation(c *ctx, t *Token, expires string, d time.Time, has bool, refuse string) {
	if t.Revoked {
		refuse = "Token already revoked"
	}
	if refuse == "" {
		refuse = s.checkLifetime(has, d)
	}
	if refuse != "" {
		c.message(400, "400 Bad request - "+refuse)
		return
	}
	c.json(200, s.tokenJSON(s.rotate(t, expires), true))
}

// hidden answers a token the caller may not see or that does not exist:
// only administrators learn that it does not exist (404); others get 401.
func (c *ctx) hidden(admin bool) {
	if admin {
		c.message(404, "404 Not Found")
	} else {
		c.message(401, "401 Unauthorized")
	}
}

// rotationParams reads a rotation's optional expires_at (type: Date): the
// date as sent and parsed, or rotationExpiry when it is absent. It answers
// 400 "expires_at is invalid" and returns ok=false for a date Grape refuses.
func (s *Server) rotationParams(c *ctx) (expires string, d time.Time, has, ok bool) {
	expires, has = s.readParams(c).str("expires_at")
	if !has {
		return s.rotationExpiry(), time.Time{}, false, true
	}
	d, err := time.Parse("2006-01-02", expires)
	if err != nil {
		c.errorField("expires_at is invalid")
		return "", time.Time{}, true, false
	}
	return expires, d, true, true
}

// rotationExpiry is the expiry of a rotation without expires_at
// (personal_access_tokens/rotate_service.rb enforced_expiration_date, which
// the project, group and service-account rotations share): one week where
// expiry is required, none ("") otherwise; EE
// (ee/app/services/ee/personal_access_tokens/rotate_service.rb) takes the
// shorter of the week and the instance's maximum lifetime. Service accounts
// follow the instance's rule here (the stand-in has no separate
// service_access_tokens_expiration_enforced setting).
func (s *Server) rotationExpiry() string {
	if !s.life.expiryRequired() {
		return ""
	}
	return s.today().AddDate(0, 0, min(7, s.life.maxDays())).Format("2006-01-02")
}

// rotate revokes t and makes its replacement (same name, scopes, role and
// user; a new value; expires), remembered as t's successor; s.mu is held.
func (s *Server) rotate(t *Token, expires string) *Token {
	t.Revoked = true
	n := *t
	n.ID, n.Value, n.ExpiresAt, n.CreatedAt, n.Revoked, n.LastUsedAt, n.PreviousID = s.nextToken, s.tokenValue(), expires, s.now(), false, nil, t.ID
	s.addToken(n)
	return s.tokens[n.ID]
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
