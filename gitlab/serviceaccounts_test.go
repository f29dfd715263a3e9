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

func saRequest(places ...token.Place) token.Request {
	if len(places) == 0 {
		places = []token.Place{{Kind: token.KindProject, Path: "acme/web"}}
	}
	return token.Request{Kind: token.KindServiceAccount, Target: "acme", Account: token.Account{Username: "jira-bot", Name: "Jira bot", Email: "team@example.com"},
		Places: places, Name: "Jira link", Role: token.RoleReporter, Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(time.Now())}
}

// provision gathers and provisions r as cred, the way create does.
func provision(t *testing.T, c *Client, r token.Request) (Provisioned, Gathered, error) {
	t.Helper()
	g, err := c.Gather(context.Background(), r)
	if err != nil {
		return Provisioned{}, g, err
	}
	if err := token.CheckRights(r, g.Facts(), time.Now()); err != nil {
		return Provisioned{}, g, err
	}
	p, err := c.ProvisionServiceAccount(context.Background(), r, g, nil)
	return p, g, err
}

func TestServiceAccountTokenForAnOwner(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	r := saRequest()
	p, _, err := provision(t, c, r)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Created || p.Account.Username != "jira-bot" || len(p.Memberships) != 1 || p.Memberships[0].How != token.Given || p.Token == nil {
		t.Fatalf("provisioned %+v", p)
	}
	for path, want := range map[string]int{"/groups/acme/service_accounts": 1, "/projects/acme%2Fweb/members": 1, "/personal_access_tokens": 1} {
		if n := srv.CountRequests("POST", path); n != want {
			t.Errorf("POST %s sent %d times, want %d", path, n, want)
		}
	}
	r.UserID = p.Account.ID
	if v := c.VerifyToken(context.Background(), p.Token.Value, r); !v.OK() {
		t.Fatalf("the token does not read acme/web: %v", v.Problems())
	}
	// A second run with the same name reuses the account; the membership stands.
	r.Name = "Jira link 2"
	p2, g2, err := provision(t, c, r)
	if err != nil || g2.Account == nil || p2.Created || p2.Account.ID != p.Account.ID || p2.Memberships[0].How != token.Existed || p2.Memberships[0].Role != token.RoleReporter {
		t.Fatalf("second run: %+v, %v", p2, err)
	}
	if n := srv.CountRequests("POST", "/groups/acme/service_accounts"); n != 1 {
		t.Fatalf("the account was created %d times", n)
	}
}

func TestServiceAccountMembershipsAreNeverRaised(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	r := saRequest(token.Place{Kind: token.KindProject, Path: "acme/web"}, token.Place{Kind: token.KindProject, Path: "acme/docs"})
	r.Role = token.RoleGuest
	if _, _, err := provision(t, c, r); err != nil {
		t.Fatal(err)
	}
	// Asked again at Reporter: the Guest membership stays, and says so.
	r.Role, r.Name = token.RoleReporter, "again"
	p, _, err := provision(t, c, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range p.Memberships {
		if m.How != token.Existed || m.Role != token.RoleGuest {
			t.Fatalf("membership %+v: want the existing Guest, unchanged", m)
		}
	}
	_ = srv
}

func TestServiceAccountRefusals(t *testing.T) {
	tests := []struct {
		name  string
		cred  string
		setup func(*fake.Server)
		r     func() token.Request
		want  string
	}{
		{"a Maintainer of the group is not its Owner", fake.MaintainerToken, func(s *fake.Server) { s.SetVersion("18.11.0") }, func() token.Request {
			r := saRequest(token.Place{Kind: token.KindGroup, Path: "acme/platform"})
			r.Target = "acme/platform"
			return r
		}, "service accounts are created by the group's Owners"},
		{"a subgroup before 18.11", fake.OwnerToken, func(s *fake.Server) { s.SetVersion("18.9.0") }, func() token.Request {
			r := saRequest(token.Place{Kind: token.KindGroup, Path: "acme/platform"})
			r.Target = "acme/platform"
			return r
		}, "keeps service accounts on top-level groups"},
		// The Community Edition has no service-account routes before 18.11
		// (a 404): /version's "enterprise": false says so first.
		{"the Community Edition before 18.11", fake.OwnerToken, func(s *fake.Server) { s.SetVersion("17.5.0"); s.SetCommunity(true) },
			func() token.Request { return saRequest() }, "the Community Edition of GitLab 17.5.0, which has no service accounts"},
		{"before the API existed", fake.OwnerToken, func(s *fake.Server) { s.SetVersion("16.0.5") }, func() token.Request { return saRequest() }, "cannot create service accounts through its API"},
		{"self-managed: only administrators", fake.OwnerToken, func(s *fake.Server) { s.SetServiceAccountOwners(false) }, func() token.Request { return saRequest() },
			"Allow top-level group owners to create service accounts"},
		// GitLab refuses at authorize! (403: no service accounts on the
		// plan), before the account is even looked up.
		{"GitLab.com Free before 18.11", fake.MaintainerToken, func(s *fake.Server) { s.SetVersion("18.8.0") }, func() token.Request {
			r := saRequest(token.Place{Kind: token.KindProject, Path: "widgets/shop"})
			r.Target = "widgets"
			return r
		}, "a plan with service accounts (Premium or Ultimate; Free too from GitLab 18.11)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, tt.cred)
			if tt.setup != nil {
				tt.setup(srv)
			}
			_, _, err := provision(t, c, tt.r())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if n := srv.CountRequests("POST", "/personal_access_tokens"); n != 0 {
				t.Fatalf("a token was created: %d", n)
			}
		})
	}
}

// The account's create answer is lost: it is found by its username and the
// run goes on, without a second account.
func TestServiceAccountLostAnswerIsFoundByUsername(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/service_accounts", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	p, _, err := provision(t, c, saRequest())
	if err != nil || p.Token == nil || srv.CountRequests("POST", "/service_accounts") != 1 {
		t.Fatalf("%+v, %v, %d account POSTs", p, err, srv.CountRequests("POST", "/service_accounts"))
	}
}

// An inherited role above the one asked for stands: GitLab's 400 is read as
// "already has more".
func TestServiceAccountInheritedMembership(t *testing.T) {
	_, c := setup(t, fake.OwnerToken)
	r := saRequest(token.Place{Kind: token.KindGroup, Path: "acme"})
	r.Role = token.RoleDeveloper
	if _, _, err := provision(t, c, r); err != nil {
		t.Fatal(err)
	}
	r.Places, r.Role, r.Name = []token.Place{{Kind: token.KindProject, Path: "acme/web"}}, token.RoleReporter, "web"
	p, _, err := provision(t, c, r)
	if err != nil || p.Memberships[0].How != token.Inherited || p.Memberships[0].Role != token.RoleDeveloper {
		t.Fatalf("%+v, %v", p.Memberships, err)
	}
	var ge *Error
	if errors.As(err, &ge) {
		t.Fatal(ge)
	}
}

// An audit of the group finds its service accounts' tokens too, each with
// the commands that act on it.
func TestAuditFindsServiceAccountTokens(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	r := saRequest()
	r.ExpiresAt = token.Today(time.Now()).AddDate(0, 0, 10)
	p, _, err := provision(t, c, r)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Audit(context.Background(), AuditOptions{Group: "acme"})
	if err != nil || rep.ServiceAccounts != 1 {
		t.Fatalf("%v, %+v", err, rep)
	}
	var found *token.Found
	for i, f := range rep.Tokens {
		if f.ID == p.Token.ID {
			found = &rep.Tokens[i]
		}
	}
	if found == nil || found.Where.Kind != token.KindServiceAccount || found.Where.Path != "acme/@jira-bot" {
		t.Fatalf("the account's token: %+v", found)
	}
	j := token.AuditPolicy{Host: c.BaseURL(), Now: time.Now(), WithinDays: 30}.Judge(*found)
	var cmds []string
	for _, f := range j.Findings {
		cmds = append(cmds, f.Command.String())
	}
	if !strings.Contains(strings.Join(cmds, "\n"), "rotate --host "+c.BaseURL()+" --group acme --service-account jira-bot "+fmt.Sprint(p.Token.ID)) {
		t.Fatalf("commands: %q (findings of %+v)", cmds, *found)
	}
	_ = srv
}

// Before the account is chosen (the wizard's group step), Gather reads no
// token list: there is no account whose tokens could be listed.
func TestGatherListsNoTokensWithoutAnAccount(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	if _, err := c.Gather(context.Background(), token.Request{Kind: token.KindServiceAccount, Target: "acme", Name: "Jira link"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range srv.Requests() {
		if strings.Contains(q.Path, "personal_access_tokens") && !strings.HasSuffix(q.Path, "/self") {
			t.Fatalf("Gather sent %s %s", q.Method, q.Path)
		}
	}
}

// GitLab refuses the list of a group's service accounts (403) to anyone but
// its Owners, and to them too where the plan has none: the refusal says
// both, not only the role the Owner of a Free group already has.
func TestListServiceAccountsRefusalNamesRoleAndPlan(t *testing.T) {
	_, c := setup(t, fake.MaintainerToken) // alice owns widgets (Free) and maintains acme
	for _, group := range []string{"widgets", "acme"} {
		_, err := c.ListServiceAccounts(context.Background(), group)
		var ge *Error
		if !errors.As(err, &ge) || ge.Code != CodeNoPermission || !strings.Contains(ge.Error(), "Owner role") ||
			!strings.Contains(ge.Error(), "Premium or Ultimate") {
			t.Fatalf("%s: %v", group, err)
		}
	}
}

// saToken gives acme (or the group named) a service account jira-bot with a
// token that expires in 10 days, through the API as its Owner.
func saToken(t *testing.T, c *Client, group string) *NewToken {
	t.Helper()
	r := saRequest(token.Place{Kind: token.KindGroup, Path: group})
	r.Target = group
	r.ExpiresAt = token.Today(time.Now()).AddDate(0, 0, 10)
	p, _, err := provision(t, c, r)
	if err != nil {
		t.Fatal(err)
	}
	return p.Token
}

func findToken(rep *AuditReport, id int64) *token.Found {
	for i, f := range rep.Tokens {
		if f.ID == id {
			return &rep.Tokens[i]
		}
	}
	return nil
}

// GitLab's credentials inventory lists project and group tokens only: an
// audit that reads it still reads the group's service accounts' tokens.
func TestAuditWithTheInventoryFindsServiceAccountTokens(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	srv.SetManageEndpoint(true)
	srv.AddResourceToken("project:100", fake.Token{Name: "ci", Scopes: []string{"read_api"}, ExpiresAt: token.Today(time.Now()).AddDate(0, 0, 50).Format(token.DateLayout)})
	nt := saToken(t, c, "acme")
	rep, err := c.Audit(context.Background(), AuditOptions{Group: "acme"})
	if err != nil || !rep.Inventory || rep.ServiceAccounts != 1 || len(rep.Tokens) != 2 || rep.Unreadable+rep.Failed != 0 {
		t.Fatalf("%v, %+v", err, rep)
	}
	if f := findToken(rep, nt.ID); f == nil || f.Where.Path != "acme/@jira-bot" {
		t.Fatalf("the account's token: %+v", f)
	}
}

// A list of service accounts (or of an account's tokens) that GitLab
// refuses is a place the caller may not read, counted and named; one that
// fails is a failure, and the audit is incomplete.
func TestAuditCountsServiceAccountListsItCouldNotRead(t *testing.T) {
	tests := []struct {
		name, cred, group string
		fault             *fake.Fault
		unreadable        string // the place named, else a failure
	}{
		{"the accounts' list fails", fake.OwnerToken, "acme", &fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Status: 500}, ""},
		{"an account's token list fails", fake.OwnerToken, "acme", &fake.Fault{Method: "GET", PathSuffix: "/personal_access_tokens", Status: 500}, ""},
		{"the accounts' list is refused", fake.OwnerToken, "acme", &fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Status: 403, Body: `{"message":"403 Forbidden"}`},
			"the service accounts of group acme"},
		// alice owns widgets, on Free: GitLab 17.11 has no service accounts there (403).
		{"a plan without service accounts", fake.MaintainerToken, "widgets", nil, "the service accounts of group widgets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, fake.OwnerToken)
			saToken(t, c, "acme")
			if tt.fault != nil {
				srv.AddFault(*tt.fault)
			}
			rep, err := auditClient(t, c.BaseURL(), tt.cred).Audit(context.Background(), AuditOptions{Group: tt.group})
			if err != nil {
				t.Fatal(err)
			}
			if tt.unreadable == "" {
				if rep.Failed != 1 || rep.FailedExample == nil || rep.Unreadable != 0 {
					t.Fatalf("failed %d (%v), unreadable %d", rep.Failed, rep.FailedExample, rep.Unreadable)
				}
				return
			}
			if rep.Unreadable != 1 || len(rep.UnreadableExamples) != 1 || rep.UnreadableExamples[0].String() != tt.unreadable || rep.Failed != 0 || rep.Readable == 0 {
				t.Fatalf("unreadable %d %v, failed %d, readable %d", rep.Unreadable, rep.UnreadableExamples, rep.Failed, rep.Readable)
			}
		})
	}
}

// Service accounts are read where GitLab has them: from 17.11 (their
// tokens' list), on top-level groups, and on subgroups from 18.11.
func TestAuditReadsServiceAccountsWhereGitLabHasThem(t *testing.T) {
	tests := []struct {
		version  string
		lists    int // GET …/service_accounts sent by an audit of acme (3 groups)
		unlisted string
	}{
		{"17.0.3", 0, "GitLab 17.0.3 does not list a group's service accounts (17.1 and later do)"},
		{"17.10.1", 0, "GitLab 17.10.1 does not list a service account's tokens (17.11 and later do)"},
		{"17.11.2-ee", 1, ""},
		{"18.11.0-ee", 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			srv, c := setup(t, fake.OwnerToken)
			srv.SetVersion(tt.version)
			rep, err := c.Audit(context.Background(), AuditOptions{Group: "acme"})
			if err != nil || rep.Unreadable+rep.Failed != 0 || !strings.HasPrefix(rep.ServiceAccountsUnlisted, tt.unlisted) ||
				(tt.unlisted == "") != (rep.ServiceAccountsUnlisted == "") {
				t.Fatalf("%v, %+v", err, rep)
			}
			n := 0
			for _, q := range srv.Requests() {
				if strings.HasSuffix(q.Path, "/service_accounts") {
					n++
				}
			}
			if n != tt.lists {
				t.Fatalf("%d lists of service accounts, want %d", n, tt.lists)
			}
		})
	}
	// From 18.11 a subgroup's own account is found, under the subgroup.
	srv, c := setup(t, fake.OwnerToken)
	srv.SetVersion("18.11.0-ee")
	nt := saToken(t, c, "acme/platform")
	rep, err := c.Audit(context.Background(), AuditOptions{Group: "acme"})
	if f := findToken(rep, nt.ID); err != nil || f == nil || f.Where.Path != "acme/platform/@jira-bot" {
		t.Fatalf("%v, the subgroup account's token: %+v", err, f)
	}
}

// A service account's token has the role of the account's membership in
// its group, so that an Owner membership is judged broad (a personal token
// has no role of its own, and the audit showed none).
func TestAuditGivesAccountTokensTheirMembershipsRole(t *testing.T) {
	_, c := setup(t, fake.OwnerToken)
	r := saRequest(token.Place{Kind: token.KindGroup, Path: "acme"})
	r.Role = token.RoleOwner
	p, _, err := provision(t, c, r)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Audit(context.Background(), AuditOptions{Group: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Tokens {
		if f.ID != p.Token.ID {
			continue
		}
		j := token.AuditPolicy{Now: time.Now(), WithinDays: 30}.Judge(f)
		broad := false
		for _, fi := range j.Findings {
			broad = broad || fi.Kind == token.FindBroad
		}
		if f.Role != token.RoleOwner || !broad {
			t.Fatalf("role %s, findings %+v", f.Role, j.Findings)
		}
		return
	}
	t.Fatalf("the account's token %d is not in the audit", p.Token.ID)
}

// The version a pre-flight read is not asked again by the audit after it
// (the wizard's audit key): one GET /version in the run.
func TestAuditReusesThePreflightsVersion(t *testing.T) {
	srv, c := setup(t, fake.OwnerToken)
	if _, err := c.Preflight(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Audit(context.Background(), AuditOptions{Group: "acme"}); err != nil {
		t.Fatal(err)
	}
	if n := srv.CountRequests("GET", "/version"); n != 1 {
		t.Fatalf("GET /version sent %d times", n)
	}
}
