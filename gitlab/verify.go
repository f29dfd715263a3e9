package gitlab

import (
	"context"
	"fmt"
	"slices"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// Check is one verification result, a pass/fail line for the user.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// Verification is what using the new token proved.
type Verification struct {
	Checks []Check
	// Self is the token as GitLab reports it to its own holder.
	Self *TokenInfo
}

// OK reports whether every check passed.
func (v Verification) OK() bool {
	for _, c := range v.Checks {
		if !c.OK {
			return false
		}
	}
	return len(v.Checks) > 0
}

// VerifyToken uses the new token itself, as Jira will: it reads the token's
// own record (is it active, which scopes, which expiry) and the project's
// latest commit. want is the request, to compare scopes and expiry with.
func (c *Client) VerifyToken(ctx context.Context, value token.Secret, want token.Request) Verification {
	var v Verification
	tc, err := c.newAuth(value)
	if err != nil {
		v.Checks = append(v.Checks, Check{Name: "token accepted by GitLab", Detail: err.Error()})
		return v
	}
	self, _, err := tc.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(ctx))
	if err != nil {
		v.Checks = append(v.Checks, Check{Name: "token accepted by GitLab", Detail: c.classify(err, "read the token's own record").Error()})
	} else {
		info := fromPAT(self, 0)
		v.Self = &info
		v.Checks = append(v.Checks, Check{Name: "token accepted by GitLab", OK: info.Active && !info.Revoked,
			Detail: fmt.Sprintf("id %d, active=%t", info.ID, info.Active)})
		var missing []string
		for _, s := range want.Scopes {
			if !slices.Contains(info.Scopes, string(s)) {
				missing = append(missing, string(s))
			}
		}
		scopeCheck := Check{Name: "scopes as requested", OK: len(missing) == 0, Detail: strings.Join(info.Scopes, ", ")}
		if len(missing) > 0 {
			scopeCheck.Detail = fmt.Sprintf("GitLab reports %s; missing %s", strings.Join(info.Scopes, ", "), strings.Join(missing, ", "))
		}
		v.Checks = append(v.Checks, scopeCheck)
		expCheck := Check{Name: "expiry as requested", OK: info.ExpiresAt.Equal(want.ExpiresAt)}
		if info.ExpiresAt.IsZero() {
			expCheck.Detail = "GitLab reports no expiry"
		} else {
			expCheck.Detail = info.ExpiresAt.Format(token.DateLayout) + " 00:00 UTC"
			if !expCheck.OK {
				expCheck.Detail += fmt.Sprintf(" (asked for %s)", want.ExpiresAt.Format(token.DateLayout))
			}
		}
		v.Checks = append(v.Checks, expCheck)
	}
	if want.Kind == token.KindProject && want.Target != "" {
		name := fmt.Sprintf("reads the latest commit of %s (what Jira does)", safe.Line(want.Target, 100))
		cs, _, err := tc.Commits.ListCommits(projectID(want.Target), &gl.ListCommitsOptions{ListOptions: gl.ListOptions{PerPage: 1}}, gl.WithContext(ctx))
		switch {
		case err != nil:
			v.Checks = append(v.Checks, Check{Name: name, Detail: c.classify(err, "read commits with the new token").Error()})
		case len(cs) == 0:
			v.Checks = append(v.Checks, Check{Name: name, OK: true, Detail: "the repository has no commits yet; reading it worked"})
		default:
			v.Checks = append(v.Checks, Check{Name: name, OK: true, Detail: fmt.Sprintf("%s %s", safe.Line(cs[0].ShortID, 12), safe.Line(cs[0].Title, 72))})
		}
	}
	return v
}
