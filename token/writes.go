package token

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Write is one request a service-account token takes, for people (What)
// and as curl (Note and the request): the create command's --dry-run and
// the wizard's review list the same writes.
type Write struct {
	// What says it in words: "create the service account @jira-bot in integrations".
	What string
	// Note heads the curl lines as a shell comment.
	Note string
	// Path is under /api/v4; Body is the JSON sent with POST.
	Path, Body string
}

// accountIDPlaceholder stands for the id of an account not created yet.
const accountIDPlaceholder = "SERVICE_ACCOUNT_ID"

// ServiceAccountWrites are the requests of r, a service-account token, in
// the order they are sent: the account when it is new (accountID 0), each
// membership, then the token.
func ServiceAccountWrites(r Request, accountID int64) []Write {
	var out []Write
	uid := accountIDPlaceholder
	if accountID != 0 {
		uid, r.UserID = fmt.Sprint(accountID), accountID
	} else {
		body := fmt.Sprintf(`{"username":%q,"name":%q`, r.Account.Username, cmp.Or(r.Account.Name, r.Account.Username))
		if r.Account.Email != "" {
			body += fmt.Sprintf(`,"email":%q`, r.Account.Email)
		}
		out = append(out, Write{What: fmt.Sprintf("create the service account @%s in %s", r.Account.Username, r.Target),
			Note: "the service account: its answer's id replaces " + accountIDPlaceholder + " below",
			Path: "/groups/" + escapePath(r.Target) + "/service_accounts", Body: body + "}"})
	}
	for _, p := range r.Places {
		out = append(out, Write{What: fmt.Sprintf("give it %s on %s (a role it already has there is kept, never raised)", r.Role.Title(), p),
			Note: fmt.Sprintf("%s access on %s", r.Role.Title(), p),
			Path: "/" + string(p.Kind) + "s/" + escapePath(p.Path) + "/members", Body: fmt.Sprintf(`{"user_id":%s,"access_level":%d}`, uid, int(r.Role))})
	}
	body, _ := json.Marshal(r.CreateBody())
	return append(out, Write{What: fmt.Sprintf("create its token %s (%s, expires %s)", Quote(r.Name), JoinScopes(r.Scopes), r.ExpiresAt.Format(DateLayout)),
		Note: "the token", Path: r.CreatePath(), Body: string(body)})
}

// CurlText is the write as curl on three lines, as the create command's
// --dry-run prints it; the credential stays $GITLAB_TOKEN.
func (w Write) CurlText(base string) string { return curlText(w.Body, apiURL(base, w.Path)) }

// Curl is the write as a Command, broken between arguments to fit a screen.
func (w Write) Curl(base string) Command {
	var c Command
	c.add("curl", "--request", "POST")
	c.add("--header", `"PRIVATE-TOKEN: $GITLAB_TOKEN"`)
	c.add("--header", `'Content-Type: application/json'`)
	c.add("--data", ShellQuote(w.Body))
	c.add(ShellQuote(apiURL(base, w.Path)))
	return c
}

func curlText(body, url string) string {
	return "curl --request POST --header \"PRIVATE-TOKEN: $GITLAB_TOKEN\" --header 'Content-Type: application/json' \\\n  --data " +
		ShellQuote(body) + " \\\n  " + ShellQuote(url)
}

func apiURL(base, path string) string { return strings.TrimRight(base, "/") + "/api/v4" + path }

func escapePath(p string) string { return url.PathEscape(strings.Trim(p, "/")) }

// MembershipHow is how a service account came to have its access to a
// place.
type MembershipHow int

// The ways a membership turns out.
const (
	// Given: this run added it.
	Given MembershipHow = iota
	// Existed: the account was already a member (GitLab's 409); kept.
	Existed
	// Inherited: a group above gives it a role at least as high; kept.
	Inherited
	// FoundAfterLoss: the answer was lost and the membership was then
	// found: given by this run, or already there — which is not known.
	FoundAfterLoss
	// Unanswered: the answer was lost and the membership has not appeared
	// (yet): GitLab may still add it.
	Unanswered
)

// MembershipLine says how a service account's access to place turned out:
// given at role have, or already there — kept as it is, never raised, even
// below the role asked. "" when there is nothing to say.
func MembershipLine(place Place, have, asked Role, how MembershipHow) string {
	switch {
	case how == Unanswered:
		return fmt.Sprintf("%s: not known — GitLab's answer was lost and the membership has not appeared, but GitLab may still add it (see below)", place)
	case have == RoleNone:
		return ""
	case how == Inherited:
		return fmt.Sprintf("%s: already %s through a group above (kept)", place, have.Title())
	case how == Existed && have < asked:
		return fmt.Sprintf("note: %s: already a member as %s, below the %s asked for; it is kept (never raised), so the token can do only what %s allows there",
			place, have.Title(), asked.Title(), have.Title())
	case how == Existed:
		return fmt.Sprintf("%s: already a member as %s (kept)", place, have.Title())
	case how == FoundAfterLoss:
		return fmt.Sprintf("%s: %s (GitLab's answer was lost; found afterwards — given by this run, or already there)", place, have.Title())
	}
	return fmt.Sprintf("%s: %s", place, have.Title())
}
