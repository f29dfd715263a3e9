package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

func TestRotate(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	ctx := context.Background()
	r := jiraRead()
	first, err := c.CreateToken(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	exp := token.Today(time.Now()).AddDate(0, 0, 90)
	nt, err := c.RotateToken(ctx, r, first.ID, exp)
	if err != nil {
		t.Fatal(err)
	}
	if nt.ID == first.ID || nt.Value == first.Value || !nt.ExpiresAt.Equal(exp) {
		t.Fatalf("rotated = %+v", nt.TokenInfo)
	}
	if v := c.VerifyToken(ctx, nt.Value, token.Request{Kind: r.Kind, Target: r.Target, Scopes: r.Scopes, ExpiresAt: exp}); !v.OK() {
		t.Fatalf("the new token: %+v", v)
	}
	// The old one is revoked now; rotating it again would revoke the family: refused before sending.
	posts := srv.CountRequests("POST", "/rotate")
	if _, err := c.RotateToken(ctx, r, first.ID, exp); code(err) != CodeInvalid || !strings.Contains(err.Error(), "is revoked and cannot be rotated") {
		t.Fatalf("rotating a revoked token: %v", err)
	}
	if srv.CountRequests("POST", "/rotate") != posts {
		t.Fatal("a rotate of a revoked token was sent")
	}
	for _, tk := range srv.Tokens("project:100") {
		if tk.ID == int(nt.ID) && tk.Revoked {
			t.Fatal("the family was revoked")
		}
	}
}

func TestRotateFaults(t *testing.T) {
	for _, tt := range []struct {
		name    string
		fault   fake.Fault
		rotated bool
	}{
		{"rotated, then 502", fake.Fault{Method: "POST", PathSuffix: "/rotate", Kind: fake.FaultCommitThenStatus, Status: 502}, true},
		{"503 before anything", fake.Fault{Method: "POST", PathSuffix: "/rotate", Kind: fake.FaultStatus, Status: 503}, false},
		{"reset after rotating", fake.Fault{Method: "POST", PathSuffix: "/rotate", Kind: fake.FaultCommitThenReset}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			ctx := context.Background()
			r := jiraRead()
			first, err := c.CreateToken(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			srv.AddFault(tt.fault)
			_, err = c.RotateToken(ctx, r, first.ID, token.Today(time.Now()).AddDate(0, 0, 60))
			var ou *OutcomeUnknownError
			if !errors.As(err, &ou) || !ou.Rotated {
				t.Fatalf("err = %v", err)
			}
			if srv.CountRequests("POST", "/rotate") != 1 {
				t.Fatal("the rotate was sent twice")
			}
			if tt.rotated {
				if ou.Orphan == nil || ou.Orphan.ID == first.ID || !strings.Contains(err.Error(), "rotate token") {
					t.Fatalf("replacement not named: %v", err)
				}
				// Rotating the replacement once is safe and gives a value.
				srv.ClearFaults()
				nt, err := c.RotateToken(ctx, r, ou.Orphan.ID, token.Today(time.Now()).AddDate(0, 0, 60))
				if err != nil || nt.Value == "" {
					t.Fatalf("rotating the replacement: %v", err)
				}
				return
			}
			// A 503 may come from a proxy while GitLab still rotates: the old
			// token being active so far is all that is known.
			if ou.Orphan != nil || !ou.NothingFound() || strings.Contains(err.Error(), "safe to try again") || !strings.Contains(err.Error(), "may still finish") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// A personal token is rotated by its user (POST
// /personal_access_tokens/:id/rotate): a new value with the asked expiry,
// the old one revoked, the request sent once.
func TestRotatePersonalToken(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	ctx := context.Background()
	in := func(days int) time.Time { return token.Today(time.Now()).AddDate(0, 0, days) }
	v := srv.AddPersonalToken(2, "laptop", []string{"read_api"}, in(5).Format(token.DateLayout))
	r := token.Request{Kind: token.KindPersonal, Target: token.Me}
	var id int64
	for _, tk := range srv.Tokens("*") {
		if tk.Value == v {
			id = int64(tk.ID)
		}
	}
	nt, err := c.RotateToken(ctx, r, id, in(60))
	if err != nil {
		t.Fatal(err)
	}
	if nt.ID == id || nt.Name != "laptop" || !nt.ExpiresAt.Equal(in(60)) || nt.UserID != 2 || srv.CountRequests("POST", fmt.Sprintf("/personal_access_tokens/%d/rotate", id)) != 1 {
		t.Fatalf("rotated = %+v", nt.TokenInfo)
	}
	if old, err := c.GetToken(ctx, r, id); err != nil || !old.Revoked {
		t.Fatalf("the old token: %+v %v", old, err)
	}
}

// RotateToken (for tests) replaces project or group token id with a new one expiring on
// expires; GitLab revokes the old one. A revoked token is refused before
// anything is sent (GitLab would answer "Token already revoked").
func (c *Client) RotateToken(ctx context.Context, r token.Request, id int64, expires time.Time) (*NewToken, error) {
	old, err := c.GetToken(ctx, r, id)
	if err != nil {
		return nil, err
	}
	if old.Revoked {
		return nil, &Error{Code: CodeInvalid, Explanation: fmt.Sprintf("token %d is revoked and cannot be rotated", id),
			Next: "rotate its replacement, or create a new token", Field: token.FieldTarget}
	}
	return c.RotateKnown(ctx, r, old, expires)
}

// GitLab gives the right to rotate only where creating is allowed: with the
// top-level group's setting off, a Maintainer's rotate is a 401, and the
// refusal names the setting besides the role (project_policy.rb).
func TestRotateRefusedByTheGroupSetting(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	ctx := context.Background()
	r := jiraRead()
	first, err := c.CreateToken(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Preflight(ctx); err != nil {
		t.Fatal(err)
	}
	srv.ForbidResourceTokens("acme")
	_, err = c.RotateToken(ctx, r, first.ID, token.Today(time.Now()).AddDate(0, 0, 30))
	if code(err) != CodeNoPermission || !strings.Contains(err.Error(), `"Users can create project access tokens and group access tokens in this group" is off`) ||
		!strings.Contains(err.Error(), "rotating project access tokens needs Maintainer on acme/web") {
		t.Fatalf("rotate with the setting off: %v", err)
	}
	for _, tk := range srv.Tokens("project:100") {
		if tk.Revoked {
			t.Fatalf("token %d was revoked", tk.ID)
		}
	}
}
