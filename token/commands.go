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
	if r.Kind.HasRole() {
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
	}
	return "/projects/" + url.PathEscape(r.Target) + "/access_tokens"
}

// Curl writes the request as a curl command; the credential stays $GITLAB_TOKEN.
func (r Request) Curl(base string) string {
	body, _ := json.Marshal(r.CreateBody())
	return "curl --request POST --header \"PRIVATE-TOKEN: $GITLAB_TOKEN\" --header 'Content-Type: application/json' \\\n  --data " +
		ShellQuote(string(body)) + " \\\n  " + ShellQuote(strings.TrimRight(base, "/")+"/api/v4"+r.CreatePath())
}

// commandStart is "gitlab-token-wizard VERB [--host H] --project|--group|--user TARGET".
func (r Request) commandStart(base, verb string) []string {
	parts := []string{"gitlab-token-wizard", verb}
	if base != "" && base != "https://gitlab.com" {
		parts = append(parts, "--host", ShellQuote(base))
	}
	switch r.Kind {
	case KindGroup:
		parts = append(parts, "--group", ShellQuote(r.Target))
	case KindProject:
		parts = append(parts, "--project", ShellQuote(r.Target))
	case KindPersonal:
		parts = append(parts, "--user", ShellQuote(r.PersonalUser()))
	}
	return parts
}

// TokenCommandLine writes the command that applies verb (rotate, revoke) to
// token id of the request's kind and target.
func (r Request) TokenCommandLine(base, verb string, id int64) string {
	return strings.Join(append(r.commandStart(base, verb), fmt.Sprint(id)), " ")
}

// CommandLine writes the equivalent gitlab-token-wizard create command.
func (r Request) CommandLine(base string) string {
	parts := r.commandStart(base, "create")
	parts = append(parts, "--name", ShellQuote(r.Name))
	if r.Description != "" {
		parts = append(parts, "--description", ShellQuote(r.Description))
	}
	if r.Kind.HasRole() {
		parts = append(parts, "--access-level", r.Role.String())
	}
	parts = append(parts, "--scope", JoinScopes(r.Scopes))
	if !r.ExpiresAt.IsZero() {
		parts = append(parts, "--expires-at", r.ExpiresAt.Format(DateLayout))
	}
	return strings.Join(parts, " ")
}
