package gitlab

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
)

// oauthInfo reads GET /oauth/token/info: the scopes and lifetime of the OAuth
// token the client signs in with.
func (c *Client) oauthInfo(ctx context.Context) (TokenInfo, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+"/oauth/token/info", nil)
	if err != nil {
		return TokenInfo{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.opts.Token.Reveal())
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return TokenInfo{}, c.classify(err, "check your OAuth sign-in")
	}
	defer resp.Body.Close()
	if resp.StatusCode == 404 {
		// An instance without the introspection endpoint: the sign-in asked for
		// api, and GitLab refuses what the token may not do anyway.
		return TokenInfo{Active: true, Scopes: []string{"api"}}, nil
	}
	if resp.StatusCode != 200 {
		// Read as every other answer is: a 401 blames the sign-in, a 5xx or
		// a 429 the server, not the credential.
		e := c.classify(gl.CheckResponse(resp), "check your OAuth sign-in")
		if ge, ok := e.(*Error); ok && ge.Code == CodeUnauthorized {
			ge.Next = "sign in again; OAuth tokens last two hours"
		}
		return TokenInfo{}, e
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var info struct {
		Scope     []string `json:"scope"`
		ExpiresIn *int64   `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return TokenInfo{}, &Error{Code: CodeServer, Explanation: "GitLab's /oauth/token/info answer was not JSON", Next: "check the host"}
	}
	out := TokenInfo{Active: true}
	for _, s := range info.Scope {
		out.Scopes = append(out.Scopes, safe.Line(s, 64))
	}
	if info.ExpiresIn != nil {
		// The date the token is gone by: OAuth tokens last hours, so this is today or tomorrow.
		exp := c.now().Add(time.Duration(*info.ExpiresIn) * time.Second).UTC()
		out.ExpiresAt = time.Date(exp.Year(), exp.Month(), exp.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	}
	return out, nil
}
