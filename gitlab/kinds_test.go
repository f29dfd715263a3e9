package gitlab

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

func TestGroupToken(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	ctx := context.Background()
	gs, err := c.SearchGroups(ctx, "acme", 20, false)
	if err != nil || len(gs) == 0 || gs[0].Path != "acme" || gs[0].Role != token.RoleOwner {
		t.Fatalf("SearchGroups = %+v, %v", gs, err)
	}
	r := jiraRead()
	r.Kind, r.Target = token.KindGroup, "acme"
	nt, err := c.CreateToken(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if nt.AccessLevel != token.RoleReporter || len(srv.Tokens("group:10")) != 1 {
		t.Fatalf("group token = %+v", nt)
	}
	// What Jira does with a group token: list the group's projects, then
	// read one's commits.
	v := c.VerifyToken(ctx, nt.Value, r)
	detail := func(v Verification, name string) string {
		for _, ch := range v.Checks {
			if strings.Contains(ch.Name, name) {
				return ch.Detail
			}
		}
		return "(no such check)"
	}
	counted := detail(v, "lists the projects of group acme")
	if !v.OK() || counted != "2 project(s) on the first page" || detail(v, "reads the latest commit of acme/") == "(no such check)" {
		t.Fatalf("verification = %+v", v)
	}
	// Null elements in the group's project list are not counted.
	srv.SetNullElements(true)
	if v := c.VerifyToken(ctx, nt.Value, r); !v.OK() || detail(v, "lists the projects of group acme") != counted {
		t.Fatalf("with null elements: %+v, without: %q", v.Checks, counted)
	}
	srv.SetNullElements(false)
	// Gathered first, a project of the group is read beside the listing,
	// not after it (one round less): the read does not wait on the list,
	// and stands when the list fails.
	if _, err := c.Gather(ctx, r); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/groups/acme/projects", Kind: fake.FaultStatus, Status: 500, Times: 100})
	v = c.VerifyToken(ctx, nt.Value, r)
	read := false
	for _, ch := range v.Checks {
		read = read || strings.Contains(ch.Name, "reads the latest commit of acme/") && ch.OK
	}
	if detail(v, "lists the projects of group acme") == counted || !read {
		t.Fatalf("verification after gathering, with the listing failing: %+v", v.Checks)
	}
	// The group's own projects only: with_shared defaults to true, and a
	// project shared into the group at Guest would fail a good token.
	for _, q := range srv.Requests() {
		if strings.HasSuffix(q.Path, "/groups/acme/projects") && q.Query.Get("with_shared") != "false" {
			t.Fatalf("a group's projects listed with shared ones: %v", q.Query)
		}
	}
	if err := c.RevokeToken(ctx, r, nt.ID); err != nil || !srv.Tokens("group:10")[0].Revoked {
		t.Fatalf("revoke: %v", err)
	}
}

func TestGroupSearchMarksMaintainers(t *testing.T) {
	_, c := setup(t, fake.MaintainerToken)
	gs, err := c.SearchGroups(context.Background(), "", 20, false)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]token.Role{}
	for _, g := range gs {
		roles[g.Path] = g.Role
	}
	// alice owns widgets and maintains acme/platform (and, inherited, acme/platform/tools).
	if roles["widgets"] != token.RoleOwner || roles["acme/platform"] != token.RoleMaintainer || roles["acme"] != 0 {
		t.Fatalf("roles = %v", roles)
	}
	pf, _ := c.Preflight(context.Background())
	role, _, err := c.memberRole(context.Background(), token.KindGroup, "acme/platform/tools", pf.User.ID)
	if err != nil || role != token.RoleMaintainer {
		t.Fatalf("inherited group role = %v, %v", role, err)
	}
}

func TestPersonalTokenByAdmin(t *testing.T) {
	srv, c := setup(t, fake.AdminToken)
	ctx := context.Background()
	us, err := c.SearchUsers(ctx, "ali", 10)
	if err != nil || len(us) != 1 || us[0].Username != "alice" || us[0].Name != "Alice Maintainer" {
		t.Fatalf("SearchUsers = %+v, %v", us, err)
	}
	r := jiraRead()
	r.Kind, r.Target, r.Role, r.Repo = token.KindPersonal, "alice", token.RoleNone, "acme/web"
	nt, err := c.CreateToken(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if nt.UserID != 2 {
		t.Fatalf("owner = %d", nt.UserID)
	}
	last := srv.Requests()
	if p := last[len(last)-1].Path; p != "/api/v4/users/2/personal_access_tokens" {
		t.Fatalf("create path = %s", p)
	}
	v := c.VerifyToken(ctx, nt.Value, r)
	if !v.OK() {
		t.Fatalf("verification = %+v", v)
	}
	if _, err := c.CreateToken(ctx, token.Request{Kind: token.KindPersonal, Target: "nobody", Name: "x", Scopes: r.Scopes, ExpiresAt: r.ExpiresAt}); code(err) != CodeNotFound || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Fatalf("unknown user: %v", err)
	}
	// An ambiguous failure on a personal create is checked like any other.
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/personal_access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502})
	r.Name = "second"
	_, err = c.CreateToken(ctx, r)
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Orphan == nil || ou.Orphan.Name != "second" {
		t.Fatalf("orphan check: %v", err)
	}
	if err := c.RevokeToken(ctx, r, ou.Orphan.ID); err != nil {
		t.Fatal(err)
	}
}

func TestPersonalTokenByNonAdminRefused(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	r := jiraRead()
	r.Kind, r.Target = token.KindPersonal, token.Me
	_, err := c.CreateToken(context.Background(), r)
	if code(err) != CodeNoPermission {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Tokens("*")); n != 6 {
		t.Fatalf("tokens = %d", n)
	}
}

func TestNamespacePlan(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	ctx := context.Background()
	// Off GitLab.com the plan decides nothing, so it is not even asked.
	if p, err := c.NamespacePlan(ctx, "widgets/shop"); err != nil || p.Name != "" || srv.CountRequests("GET", "/namespaces/widgets") != 0 {
		t.Fatalf("self-managed: %+v, %v, %d requests", p, err, srv.CountRequests("GET", "/namespaces/widgets"))
	}
	c.opts.GitLabCom = true
	p, err := c.NamespacePlan(ctx, "widgets/shop")
	if err != nil || p.Name != "free" {
		t.Fatalf("widgets = %+v, %v", p, err)
	}
	if err := token.CheckPlan(token.KindProject, p.Name, p.Trial); err == nil || !strings.Contains(err.Error(), "personal access token") {
		t.Fatalf("CheckPlan = %v", err)
	}
	// A Maintainer of acme may not see its plan: unknown, not an error.
	if p, err := c.NamespacePlan(ctx, "acme/web"); err != nil || p.Name != "" {
		t.Fatalf("acme = %+v, %v", p, err)
	}
}

func TestOAuthPreflight(t *testing.T) {
	srv, ts := deviceServer(t)
	// Obtain an OAuth token through the device flow, as cli does.
	cfgTok, err := DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, ClientID: fake.DemoOAuthClientID, Scopes: []string{"api"},
		Prompt: func(d DeviceCode) { go func() { _ = srv.ApproveDevice(d.UserCode, 2, true) }() }})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Host: ts.URL, Token: cfgTok, OAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	pf, err := c.Preflight(context.Background())
	if err != nil || pf.User.Username != "alice" || !pf.HasScope("api") || !pf.OAuth || pf.ShortLived(time.Now()) {
		t.Fatalf("OAuth preflight = %+v, %v", pf, err)
	}
	if err := pf.CheckCanCreate(time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestDeviceLoginDeniedAndUnknownClient(t *testing.T) {
	srv, ts := deviceServer(t)
	_, err := DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, ClientID: fake.DemoOAuthClientID, Scopes: []string{"api"},
		Prompt: func(d DeviceCode) { go func() { _ = srv.ApproveDevice(d.UserCode, 2, false) }() }})
	if err == nil || !strings.Contains(err.Error(), "denied") {
		t.Fatalf("denied: %v", err)
	}
	_, err = DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, ClientID: "nope", Scopes: []string{"api"}, Prompt: func(DeviceCode) {}})
	if err == nil || !strings.Contains(err.Error(), "client id") {
		t.Fatalf("unknown client: %v", err)
	}
}

func TestPATFormURLAndPastedTokenCheck(t *testing.T) {
	scopes := []token.Scope{"read_api"}
	u := PATFormURL("https://gitlab.example.com/", "17.11.2-ee", "Jira integration", "for Jira", scopes)
	if u != "https://gitlab.example.com/-/user_settings/personal_access_tokens?name=Jira+integration&scopes=read_api" {
		t.Fatalf("17.11 url = %s", u)
	}
	u = PATFormURL("https://gitlab.example.com", "16.5.0", "Jira", "", []token.Scope{"read_api", "read_repository"})
	if !strings.HasPrefix(u, "https://gitlab.example.com/-/profile/personal_access_tokens?") || !strings.Contains(u, "scopes=read_api,read_repository") {
		t.Fatalf("16.5 url = %s", u)
	}
	u = PATFormURL("https://gitlab.example.com", "18.2.0", "Jira", "a & b", scopes)
	if q, _ := url.Parse(u); q.Query().Get("description") != "a & b" {
		t.Fatalf("18.2 url = %s", u)
	}

	srv, c := setup(t, fake.MaintainerToken)
	want := token.Request{Kind: token.KindPersonal, Name: "Jira", Scopes: scopes, Repo: "acme/web", ExpiresAt: token.Today(time.Now()).AddDate(0, 0, 30)}
	in := func(days int) string { return token.Today(time.Now()).AddDate(0, 0, days).Format(token.DateLayout) }
	tests := []struct {
		name    string
		value   string
		ok      bool
		want    string
		problem token.CheckProblem
	}{
		{"good", srv.AddPersonalToken(2, "Jira", []string{"read_api"}, in(90)), true, "", token.ProblemNone},
		{"api covers read_api", srv.AddPersonalToken(2, "Jira", []string{"api"}, in(90)), true, "", token.ProblemNone},
		{"missing scope", srv.AddPersonalToken(2, "Jira", []string{"read_user"}, in(90)), false, "missing read_api", token.ProblemUnfit},
		{"expires soon", srv.AddPersonalToken(2, "Jira", []string{"read_api"}, in(3)), false, "expires in 3 days", token.ProblemUnfit},
		{"someone else's", srv.AddPersonalToken(3, "Jira", []string{"read_api"}, in(90)), false, "belongs to user id 3", token.ProblemNotYours},
		{"cannot read the project", srv.AddPersonalToken(4, "Jira", []string{"read_api"}, in(90)), false, "not found, or you cannot see it", token.ProblemUnfit},
		{"unknown", "glpat-not-a-real-token-000", false, "did not accept", token.ProblemUnknown},
		{"expired", fake.ExpiredToken, false, "has expired", token.ProblemLapsed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := int64(2)
			if tt.name == "cannot read the project" {
				owner = 4
				want.Repo = "widgets/shop"
				defer func() { want.Repo = "acme/web" }()
			}
			v := c.CheckPastedToken(context.Background(), token.Secret(tt.value), want, owner)
			if v.OK() != tt.ok || !strings.Contains(strings.Join(v.Problems(), "\n"), tt.want) || v.Problem() != tt.problem || len(v.Unchecked()) > 0 {
				t.Fatalf("ok=%v problem=%q problems=%q checks=%+v", v.OK(), v.Problem(), v.Problems(), v.Checks)
			}
		})
	}
	// A pasted token with more scopes than the form asked for works, but
	// its line says so rather than "as requested" with nothing more.
	broad := c.CheckPastedToken(context.Background(), token.Secret(srv.AddPersonalToken(2, "Jira", []string{"read_api", "api"}, in(90))), want, 2)
	said := false
	for _, ch := range broad.Checks {
		said = said || ch.Name == "scopes as requested" && ch.OK && strings.Contains(ch.Detail, "more than asked: api")
	}
	if !said {
		t.Fatalf("a read_api+api token: %+v", broad.Checks)
	}
	// GitLab failing is no verdict on the token: every check it kept from
	// being made is listed as not made, and none as the token's failure.
	good := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, in(90))
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/personal_access_tokens/self", Kind: fake.FaultStatus, Status: 503, Times: 10})
	v := c.CheckPastedToken(context.Background(), token.Secret(good), want, 2)
	if v.OK() || len(v.Problems()) > 0 || v.Problem() != token.ProblemUnreachable || len(v.Unchecked()) != 1 ||
		!strings.Contains(v.Unchecked()[0], "GitLab answered 503") || !v.Checks[0].Unchecked() {
		t.Fatalf("503: problem=%q problems=%q unchecked=%q checks=%+v", v.Problem(), v.Problems(), v.Unchecked(), v.Checks)
	}
}

func TestAdminModeNeedsTheAdminModeScope(t *testing.T) {
	srv, c := setup(t, fake.AdminToken)
	srv.SetAdminMode(true)
	r := jiraRead()
	r.Kind, r.Target, r.Role = token.KindPersonal, "alice", token.RoleNone
	if _, err := c.CreateToken(context.Background(), r); err != nil {
		t.Fatalf("admin token with admin_mode: %v", err)
	}
	plain := srv.AddPersonalToken(1, "no admin mode", []string{"api"}, token.Today(time.Now()).AddDate(0, 0, 5).Format(token.DateLayout))
	c2, err := New(Options{Host: c.base, Token: token.Secret(plain)})
	if err != nil {
		t.Fatal(err)
	}
	r.Name = "second"
	_, err = c2.CreateToken(context.Background(), r)
	if code(err) != CodeNoPermission || !strings.Contains(err.Error(), "admin_mode") {
		t.Fatalf("err = %v", err)
	}
}

func TestDeviceCodeExpiry(t *testing.T) {
	srv, ts := deviceServer(t)
	_, err := DeviceLogin(context.Background(), DeviceOptions{Host: ts.URL, ClientID: fake.DemoOAuthClientID, Scopes: []string{"api"},
		Prompt: func(DeviceCode) {
			// Nobody approves; the server's clock passes the code's five minutes.
			srv.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
		}})
	if code(err) != CodeExpired || !strings.Contains(err.Error(), "expired before it was approved") {
		t.Fatalf("err = %v", err)
	}
}

// deviceServer is the stand-in with a one-second device flow interval.
func deviceServer(t *testing.T) (*fake.Server, *httptest.Server) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	srv.SetDeviceInterval(1)
	return srv, ts
}

func FuzzPATFormURL(f *testing.F) {
	f.Add("https://gitlab.example.com", "17.11.2-ee", "Jira integration", "for Jira", "read_api,api")
	f.Add("http://127.0.0.1:3000/", "16.5", "a&b=c", "", "read_api")
	f.Add("https://h/sub", "garbage", "\x1b]52;c;x\x07", "\u202e", "")
	f.Fuzz(func(t *testing.T, base, version, name, desc, scopes string) {
		base, err := NormalizeHost(base, true) // the wizard only ever passes a normalized base
		if err != nil || !utf8.ValidString(name) || !utf8.ValidString(desc) {
			return
		}
		u := PATFormURL(base, version, name, desc, token.ParseScopes(scopes))
		if !strings.HasPrefix(u, strings.TrimRight(base, "/")+"/-/") {
			t.Fatalf("%q does not start with the base %q", u, base)
		}
		i := strings.LastIndex(u, "personal_access_tokens?") + len("personal_access_tokens")
		q, err := url.ParseQuery(u[i+1:])
		if err != nil || q.Get("name") != name {
			t.Fatalf("name %q did not survive: %q (%v)", name, u, err)
		}
		if strings.ContainsAny(u[i:], " \n\x1b") {
			t.Fatalf("unescaped characters in %q", u)
		}
	})
}

// CheckToken reads the checked token's role where it is checked, with the
// token itself: a project or group token's bot user is a member there.
func TestCheckTokenReadsTheRole(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	exp := token.Today(time.Now()).AddDate(0, 0, 60).Format(token.DateLayout)
	srv.AddResourceToken("project:100", fake.Token{Name: "bot", Value: "glpat-project-bot-token-0000", Scopes: []string{"read_api"}, AccessLevel: 40, ExpiresAt: exp})
	personal := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, exp)
	for _, tt := range []struct {
		name, value string
		want        token.Request
		role        token.Role
		on          string
		bot         bool
	}{
		{"a project token", "glpat-project-bot-token-0000", token.Request{Kind: token.KindPersonal, Repo: "acme/web", Scopes: []token.Scope{"read_api"}}, token.RoleMaintainer, "acme/web", true},
		{"alice's personal token", personal, token.Request{Kind: token.KindPersonal, Repo: "acme/web", Scopes: []token.Scope{"read_api"}}, token.RoleMaintainer, "acme/web", false},
		{"no place: no role", personal, token.Request{Kind: token.KindPersonal, Scopes: []token.Scope{"read_api"}}, token.RoleNone, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := c.CheckToken(context.Background(), token.Secret(tt.value), tt.want)
			if !v.OK() || v.Role != tt.role || v.RoleOn != tt.on || tt.on != "" && (v.User == nil || v.User.Bot != tt.bot) {
				t.Fatalf("role %s on %q, user %+v, checks %+v", v.Role, v.RoleOn, v.User, v.Checks)
			}
		})
	}
}
