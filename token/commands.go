package token

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// ShellQuote quotes s for a POSIX shell.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@%+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// CreateBody is the JSON body of a create request, in GitLab's field names.
func (r Request) CreateBody() map[string]any {
	m := map[string]any{"name": r.Name, "scopes": r.Scopes}
	if r.Description != "" {
		m["description"] = r.Description
	}
	if r.Kind.HasTokenRole() {
		m["access_level"] = int(r.Role)
	}
	if !r.ExpiresAt.IsZero() {
		m["expires_at"] = r.ExpiresAt.Format(DateLayout)
	}
	return m
}

// CreatePath is the API path (under /api/v4) that creates the token.
func (r Request) CreatePath() string {
	switch r.Kind {
	case KindGroup:
		return "/groups/" + url.PathEscape(r.Target) + "/access_tokens"
	case KindPersonal:
		if r.UserID > 0 {
			return fmt.Sprintf("/users/%d/personal_access_tokens", r.UserID)
		}
		return "/users/$USER_ID/personal_access_tokens"
	case KindServiceAccount:
		id := "SERVICE_ACCOUNT_ID"
		if r.UserID > 0 {
			id = fmt.Sprint(r.UserID)
		}
		return "/groups/" + url.PathEscape(r.Target) + "/service_accounts/" + id + "/personal_access_tokens"
	}
	return "/projects/" + url.PathEscape(r.Target) + "/access_tokens"
}

// Curl writes the request as a curl command; the credential stays $GITLAB_TOKEN.
func (r Request) Curl(base string) string {
	body, _ := json.Marshal(r.CreateBody())
	return curlText(string(body), apiURL(base, r.CreatePath()))
}

// TokenCommandLine writes the command that applies verb (rotate, revoke) to
// token id of the request's kind and target, on one line.
func (r Request) TokenCommandLine(base, verb string, id int64) string {
	return r.TokenCommand(base, verb, id).String()
}

// CommandLine writes the equivalent gitlab-token-wizard create command on one line.
func (r Request) CommandLine(base string) string { return r.CreateCommand(base).String() }
