// Package browser does, for tests, what a person does in a browser on the
// stand-in's web pages. It is kept out of package fake so that the binary,
// which links fake for --demo, does not carry it.
package browser

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SubmitPATForm does what a person does in a browser on the personal access
// token page: it submits form (name, scopes, expires_at, ...) to the page at
// base+path, signed in with session (a personal token of the user, the
// stand-in's session cookie), and returns the new token. For tests.
func SubmitPATForm(base, path, session string, form url.Values) (string, error) {
	req, err := http.NewRequest("POST", strings.TrimRight(base, "/")+path, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "_gitlab_session", Value: session})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		NewToken string   `json:"new_token"`
		Errors   []string `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("form answer %d: %w", resp.StatusCode, err)
	}
	if out.NewToken == "" {
		return "", fmt.Errorf("form refused (%d): %s", resp.StatusCode, strings.Join(out.Errors, "; "))
	}
	return out.NewToken, nil
}
