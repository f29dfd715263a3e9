package fake

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
)

// DemoOAuthClientID is the OAuth application registered on the stand-in.
const DemoOAuthClientID = "gitlab-token-wizard-demo"

// device is one OAuth device authorization in progress.
type device struct {
	code, userCode, clientID string
	scopes                   []string
	expires                  time.Time
	interval                 int
	lastPoll                 time.Time
	status                   string // pending, approved, denied, used
	userID                   int
}

// SetDeviceInterval sets the polling interval (seconds) the device flow asks for.
func (s *Server) SetDeviceInterval(n int) { s.mu.Lock(); s.deviceInterval = n; s.mu.Unlock() }

// ApproveDevice approves (or denies) the device authorization with userCode as
// user uid, as a person would in the browser.
func (s *Server) ApproveDevice(userCode string, uid int, approve bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.decideDevice(userCode, uid, approve)
}

func (s *Server) decideDevice(userCode string, uid int, approve bool) error {
	for _, d := range s.devices {
		if strings.EqualFold(d.userCode, strings.TrimSpace(userCode)) && d.status == "pending" {
			d.status, d.userID = "denied", uid
			if approve {
				d.status = "approved"
			}
			return nil
		}
	}
	return fmt.Errorf("no pending authorization with code %q", userCode)
}

// AutoDecide makes every later device authorization approved (or denied) by
// user uid as soon as it is asked for, as a person quick in the browser would.
func (s *Server) AutoDecide(uid int, approve bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoDecide = &autoDecision{uid: uid, approve: approve}
}

type autoDecision struct {
	uid     int
	approve bool
}

// webUser authenticates a browser request: a PRIVATE-TOKEN header or the
// _gitlab_session cookie holding a personal token (the stand-in's session).
func (s *Server) webUser(c *ctx) *User {
	v := c.r.Header.Get("PRIVATE-TOKEN")
	if ck, err := c.r.Cookie("_gitlab_session"); v == "" && err == nil {
		v = ck.Value
	}
	for _, t := range s.tokens {
		if v != "" && t.Value == v && !t.Revoked && !s.expired(t) && t.Resource == "" {
			if u := s.users[t.UserID]; u != nil && !u.Bot {
				c.rec.Auth = fmt.Sprintf("token %d", t.ID)
				return u
			}
		}
	}
	if v == "" && s.browserUser != 0 {
		if u := s.users[s.browserUser]; u != nil {
			c.rec.Auth = "browser session of " + u.Username
			return u
		}
	}
	return nil
}

// SetBrowserUser signs every browser without a session in as user uid, so
// that in --demo a person can open the prefilled form links in a real
// browser and use them. 0 turns it off (the default: browsers must sign in).
func (s *Server) SetBrowserUser(uid int) { s.mu.Lock(); s.browserUser = uid; s.mu.Unlock() }

// signedIn returns the browser's user, or sends it to sign in (302) and returns nil.
func (s *Server) signedIn(c *ctx) *User {
	u := s.webUser(c)
	if u == nil {
		c.w.Header().Set("Location", "/users/sign_in")
		c.rec.Status = 302
		c.w.WriteHeader(302)
	}
	return u
}

func (s *Server) oauthError(c *ctx, status int, code, desc string) {
	c.json(status, map[string]string{"error": code, "error_description": desc})
}

// formParams reads a form body and the query.
func formParams(c *ctx) url.Values {
	v, _ := url.ParseQuery(string(c.body))
	if strings.Contains(c.r.Header.Get("Content-Type"), "json") {
		var m map[string]any
		if json.Unmarshal(c.body, &m) == nil {
			v = url.Values{}
			for k, x := range m {
				v.Set(k, fmt.Sprint(x))
			}
		}
	}
	for k, x := range c.r.URL.Query() {
		if _, ok := v[k]; !ok {
			v[k] = x
		}
	}
	return v
}

// routeWeb serves what lives outside /api/v4: the OAuth endpoints and the
// personal access token page of the web UI. The caller holds s.mu.
func (s *Server) routeWeb(c *ctx, p string) {
	m := c.r.Method
	switch {
	case p == "/oauth/authorize_device" && m == "POST":
		s.authorizeDevice(c)
	case p == "/oauth/token" && m == "POST":
		s.oauthToken(c)
	case p == "/oauth/token/info" && m == "GET":
		s.oauthTokenInfo(c)
	case p == "/oauth/device":
		s.devicePage(c)
	case p == s.patFormPath():
		s.patPage(c)
	default:
		c.message(404, "404 Not Found")
	}
}

// patFormPath is the web page for personal access tokens: moved in 16.7.
func (s *Server) patFormPath() string {
	if versionBefore(s.version, "16.7") {
		return "/-/profile/personal_access_tokens"
	}
	return "/-/user_settings/personal_access_tokens"
}

func (s *Server) authorizeDevice(c *ctx) {
	v := formParams(c)
	if v.Get("client_id") != DemoOAuthClientID {
		s.oauthError(c, 401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	scopes := strings.Fields(v.Get("scope"))
	for _, sc := range scopes {
		if !s.scopeAvailable(sc, true) || adminScopes[sc] {
			s.oauthError(c, 400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
			return
		}
	}
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	interval := s.deviceInterval
	if interval <= 0 {
		interval = 5
	}
	d := &device{code: randomHex(40), userCode: strings.ToUpper(randomHex(4) + "-" + randomHex(4)), clientID: v.Get("client_id"),
		scopes: scopes, expires: s.now().Add(300 * time.Second), interval: interval, status: "pending"}
	s.devices = append(s.devices, d)
	if a := s.autoDecide; a != nil {
		_ = s.decideDevice(d.userCode, a.uid, a.approve)
	}
	base := "http://" + c.r.Host
	if c.r.TLS != nil {
		base = "https://" + c.r.Host
	}
	c.json(200, map[string]any{"device_code": d.code, "user_code": d.userCode, "verification_uri": base + "/oauth/device",
		"verification_uri_complete": base + "/oauth/device?user_code=" + d.userCode, "expires_in": 300, "interval": interval})
}

func (s *Server) oauthToken(c *ctx) {
	v := formParams(c)
	if v.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" {
		s.oauthError(c, 400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	var d *device
	for _, x := range s.devices {
		if x.code == v.Get("device_code") && x.clientID == v.Get("client_id") {
			d = x
		}
	}
	now := s.now()
	switch {
	case d == nil || d.status == "used":
		s.oauthError(c, 400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
	case !now.Before(d.expires):
		s.oauthError(c, 400, "expired_token", "The device code has expired, and the device authorization session has concluded.")
	case d.status == "denied":
		s.oauthError(c, 400, "access_denied", "The resource owner or authorization server denied the request.")
	case !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < time.Duration(d.interval)*time.Second-200*time.Millisecond:
		d.interval += 5
		d.lastPoll = now
		s.oauthError(c, 400, "slow_down", "The client should slow down its polling.")
	case d.status == "pending":
		d.lastPoll = now
		s.oauthError(c, 400, "authorization_pending", "The authorization request is still pending as the end user hasn't yet completed the user-interaction steps.")
	default:
		d.status = "used"
		t := Token{ID: s.nextToken, Name: "oauth " + d.clientID, Value: randomHex(64), UserID: d.userID, Scopes: d.scopes,
			CreatedAt: now, OAuth: true, OAuthExpires: now.Add(2 * time.Hour), ClientID: d.clientID}
		s.addToken(t)
		c.json(200, map[string]any{"access_token": t.Value, "token_type": "Bearer", "expires_in": 7200,
			"refresh_token": randomHex(64), "scope": strings.Join(d.scopes, " "), "created_at": now.Unix()})
	}
}

func (s *Server) oauthTokenInfo(c *ctx) {
	a := c.r.Header.Get("Authorization")
	v := strings.TrimSpace(strings.TrimPrefix(a, "Bearer "))
	for _, t := range s.tokens {
		if v != "" && t.OAuth && t.Value == v {
			if t.Revoked || s.expired(t) {
				break
			}
			c.json(200, map[string]any{"resource_owner_id": t.UserID, "scope": t.Scopes, "scopes": t.Scopes,
				"expires_in": int(t.OAuthExpires.Sub(s.now()).Seconds()), "expires_in_seconds": int(t.OAuthExpires.Sub(s.now()).Seconds()),
				"application": map[string]any{"uid": t.ClientID}, "created_at": t.CreatedAt.Unix()})
			return
		}
	}
	s.oauthError(c, 401, "invalid_token", "The access token is invalid")
}

// devicePage is where a person enters the user code and approves or denies.
func (s *Server) devicePage(c *ctx) {
	u := s.signedIn(c)
	if u == nil {
		return
	}
	v := formParams(c)
	if c.r.Method == "POST" {
		if err := s.decideDevice(v.Get("user_code"), u.ID, v.Get("action") != "deny"); err != nil {
			s.page(c, 422, "Device authorization", "<p>"+html.EscapeString(err.Error())+"</p>")
			return
		}
		s.page(c, 200, "Device authorization", "<p>Done. You may close this window.</p>")
		return
	}
	s.page(c, 200, "Device authorization", fmt.Sprintf(`<form method="post"><input name="user_code" value="%s"><button name="action" value="approve">Authorize</button><button name="action" value="deny">Deny</button></form>`,
		html.EscapeString(v.Get("user_code"))))
}

// patPage is the personal access token page: GET shows the form prefilled
// from name, description and scopes (unknown scopes dropped, no expiry
// parameter, description from 18.1, as GitLab does); POST creates the token
// for the signed-in user and answers, as GitLab's page does, with JSON
// carrying new_token.
func (s *Server) patPage(c *ctx) {
	u := s.signedIn(c)
	if u == nil {
		return
	}
	v := formParams(c)
	var scopes []string
	for _, f := range v["scopes"] {
		for _, sc := range strings.Split(f, ",") {
			if sc = strings.TrimSpace(sc); s.scopeAvailable(sc, true) && (u.Admin || !adminScopes[sc]) {
				scopes = append(scopes, sc)
			}
		}
	}
	if c.r.Method == "GET" {
		desc := ""
		if !versionBefore(s.version, "18.1") {
			desc = v.Get("description")
		}
		s.page(c, 200, "Personal access tokens", fmt.Sprintf(`<form method="post">
<input id="personal_access_token_name" name="name" value="%s">
<input id="personal_access_token_description" name="description" value="%s">
<input id="personal_access_token_expires_at" name="expires_at" type="date" value="%s">
<input id="personal_access_token_scopes" name="scopes" value="%s">
<button type="submit">Create token</button></form>`,
			html.EscapeString(v.Get("name")), html.EscapeString(desc), s.now().AddDate(0, 0, 30).Format("2006-01-02"), html.EscapeString(strings.Join(scopes, ","))))
		return
	}
	if c.r.Method != "POST" {
		c.message(404, "404 Not Found")
		return
	}
	name := v.Get("name")
	if strings.TrimSpace(name) == "" || len(scopes) == 0 {
		c.json(422, map[string]any{"errors": []string{"Name can't be blank", "Scopes can't be blank"}})
		return
	}
	expires := v.Get("expires_at")
	d, err := time.Parse("2006-01-02", expires)
	if err != nil {
		c.json(422, map[string]any{"errors": []string{"Expiration date is invalid"}})
		return
	}
	if msg := s.checkLifetime(true, d); msg != "" {
		c.json(422, map[string]any{"errors": []string{strings.TrimPrefix(msg, "400 Bad request - ")}})
		return
	}
	t := Token{ID: s.nextToken, Name: name, Description: v.Get("description"), Value: s.tokenValue(), UserID: u.ID,
		Scopes: scopes, ExpiresAt: expires, CreatedAt: s.now()}
	s.addToken(t)
	if strings.Contains(c.r.Header.Get("Accept"), "text/html") {
		// A browser's plain form post: show the token once, as GitLab's page does.
		s.page(c, 200, "Personal access tokens", fmt.Sprintf(`<p>Your new personal access token has been created. Copy it now: you will not see it again.</p>
<input id="created-personal-access-token" readonly size="40" value="%s"><p>Name: %s · Scopes: %s · Expires: %s</p>`,
			html.EscapeString(t.Value), html.EscapeString(t.Name), html.EscapeString(strings.Join(t.Scopes, ", ")), html.EscapeString(t.ExpiresAt)))
		return
	}
	c.json(200, map[string]any{"new_token": t.Value, "active_access_tokens": []any{s.tokenJSON(s.tokens[t.ID], false)}, "total": 1})
}

func (s *Server) page(c *ctx, status int, title, body string) {
	c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.rec.Status = status
	c.w.WriteHeader(status)
	fmt.Fprintf(c.w, "<!DOCTYPE html><html><head><title>%s · GitLab</title></head><body><h1>%s</h1>%s</body></html>\n", title, title, body)
}
