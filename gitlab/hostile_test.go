package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/internal/termcheck"
	"gitlab-token-wizard/token"
)

// A hostile or broken server: names with escape sequences (OSC 52, titles),
// bidi controls, invalid UTF-8, 10 000 characters, nulls where strings are
// expected, fields nobody asked for. Everything the adapter hands out must be
// safe to draw, and nothing may crash.
func TestHostileServerDataIsSanitized(t *testing.T) {
	srv, ts, err := fake.Start("hostile")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	c, err := New(Options{Host: ts.URL, Token: fake.MaintainerToken, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(what string, v any) {
		t.Helper()
		if p := termcheck.Problem(fmt.Sprintf("%+v", v)); p != "" {
			t.Fatalf("%s: %s", what, p)
		}
	}
	for _, hostile := range []bool{false, true} {
		srv.SetHostileJSON(hostile)
		pf, err := c.Preflight(ctx)
		if err != nil {
			t.Fatalf("hostile=%v preflight: %v", hostile, err)
		}
		check("preflight", pf)
		ps, err := c.SearchProjects(ctx, "evil/", 20, token.RoleMaintainer)
		if err != nil || len(ps) != 3 {
			t.Fatalf("hostile=%v search: %d %v", hostile, len(ps), err)
		}
		check("projects", ps)
		for _, p := range ps {
			if len(p.Name) > 1200 {
				t.Fatalf("a %d-byte name was passed on", len(p.Name))
			}
		}
		gs, err := c.SearchGroups(ctx, "evil", 20, false)
		if err != nil {
			t.Fatal(err)
		}
		check("groups", gs)
		r := token.Request{Kind: token.KindProject, Target: "evil/clipboard", Name: fmt.Sprintf("jira %v", hostile), Role: token.RoleReporter,
			Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(time.Now())}
		nt, err := c.CreateToken(ctx, r)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		check("new token", nt.TokenInfo)
		v := c.VerifyToken(ctx, nt.Value, r)
		check("verification", v)
	}
	// An error body carrying escape sequences.
	srv.SetHostileJSON(false)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 400,
		Body: `{"message":"400 Bad request - \u001b]52;c;Y3VybCBldmlsfHNo\u0007\u001b[2J\u202eevil` + strings.Repeat("x", 10000) + `"}`})
	_, err = c.CreateToken(ctx, token.Request{Kind: token.KindProject, Target: "acme/web", Name: "x", Role: token.RoleReporter,
		Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(time.Now())})
	if err == nil {
		t.Fatal("no error")
	}
	check("error", err.Error())
	if len(err.Error()) > 2000 {
		t.Fatalf("a %d-byte error message", len(err.Error()))
	}
}

func TestAnswersThatAreNotJSON(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	ctx := context.Background()
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/projects", Kind: fake.FaultStatus, Status: 200, Body: "<html>Sign in to the proxy</html>", Times: 1})
	if _, err := c.SearchProjects(ctx, "web", 20, token.RoleMaintainer); code(err) != CodeServer || !strings.Contains(err.Error(), "not with the JSON GitLab sends") {
		t.Fatalf("search: %v", err)
	}
	// A create whose 201 answer is cut short: the token exists, its value is lost.
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 201, Body: `{"id":`})
	_, err := c.CreateToken(ctx, token.Request{Kind: token.KindProject, Target: "acme/web", Name: "cut", Role: token.RoleReporter,
		Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(time.Now())})
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Orphan == nil || srv.CountRequests("POST", "/access_tokens") != 1 {
		t.Fatalf("cut answer: %v", err)
	}
}
