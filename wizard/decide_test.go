package wizard

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// Issues 10 and 11 in the wizard: a picked target read in one Gather and
// judged by the rules create shares; from the review on, two round trips.

// counting counts the wizard's reads of a target and of names.
type counting struct {
	*gitlab.Client
	gathers, named atomic.Int32
}

func (c *counting) Gather(ctx context.Context, r token.Request) (gitlab.Gathered, error) {
	c.gathers.Add(1)
	return c.Client.Gather(ctx, r)
}

func (c *counting) Named(ctx context.Context, r token.Request) gitlab.Existing {
	c.named.Add(1)
	return c.Client.Named(ctx, r)
}

// countingDriver is the wizard on srv, signed in with cred, counting reads.
func countingDriver(t *testing.T, srv *fake.Server, url, cred string) (*driver, *counting) {
	t.Helper()
	c, err := gitlab.New(gitlab.Options{Host: url, Token: token.Secret(cred), GitLabCom: true})
	if err != nil {
		t.Fatal(err)
	}
	api := &counting{Client: c}
	m := New(context.Background(), Options{API: api, Request: token.Request{Preset: "jira-read"}, SaveDir: t.TempDir(),
		Clock: steps.InstantClock(time.Now)})
	d := &driver{t: t, m: m}
	d.send(d.run(m.Init()))
	return d, api
}

// startFake starts the demo stand-in for the test.
func startFake(t testing.TB) (*fake.Server, string) {
	t.Helper()
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// Picking a target reads it once (Gather: role, plan, names together); a
// Maintainer is offered the roles GitLab lets a Maintainer grant — never
// Planner — and the review warns of a token already named so.
func TestPickingATargetGathersOnceAndTheReviewWarns(t *testing.T) {
	srv, url := startFake(t)
	srv.AddResourceToken("project:100", fake.Token{Name: "Jira integration", Scopes: []string{"read_api"}, AccessLevel: 20,
		ExpiresAt: token.DefaultExpiry(time.Now()).Format(token.DateLayout)})
	d, api := countingDriver(t, srv, url, fake.MaintainerToken)
	d.key("enter")
	d.key("enter")
	d.key("enter") // acme/web
	if g := api.gathers.Load(); g != 1 || !strings.Contains(d.screen(), "Name the token") {
		t.Fatalf("%d gathers; screen:\n%s", g, d.screen())
	}
	d.key("enter")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which role?") || strings.Contains(scr, "Planner") || !strings.Contains(scr, "Maintainer") {
		t.Fatalf("roles offered to a Maintainer:\n%s", scr)
	}
	d.key("enter")
	d.key("enter")
	flat := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(flat, "already has 1 active token(s) named \"Jira integration\"") || api.named.Load() != 0 {
		t.Fatalf("review (%d name reads):\n%s", api.named.Load(), d.screen())
	}
}

// A custom role (Ultimate) below Maintainer that may manage tokens is left
// to GitLab: the wizard goes on instead of refusing; without one, a
// Developer is told the Maintainer rule before filling in the rest.
func TestACustomRoleIsLeftToGitLab(t *testing.T) {
	d := stubDriver(&stub{role: token.RoleDeveloper, custom: true}, 100, 30)
	d.key("enter")
	d.key("enter")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Name the token") {
		t.Fatalf("a custom token manager was refused:\n%s", scr)
	}
	d = stubDriver(&stub{role: token.RoleDeveloper}, 100, 30)
	d.key("enter")
	d.key("enter")
	d.key("enter")
	if flat := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(flat, "needs Maintainer or Owner") {
		t.Fatalf("a Developer was not told the rule:\n%s", d.screen())
	}
}

// The scopes offered follow the instance's version; a description sent to
// a GitLab before 17.7 is warned about on the review.
func TestScopesAndWarningsFollowTheVersion(t *testing.T) {
	srv, url := startFake(t)
	srv.SetVersion("16.4.0")
	d, _ := countingDriver(t, srv, url, fake.MaintainerToken)
	for i := 0; i < 3; i++ {
		d.key("enter")
	}
	d.key("tab")
	for _, c := range "ticket 42" {
		d.key(string(c))
	}
	for i := 0; i < 3; i++ { // name, expiry, role
		d.key("enter")
	}
	if scr := d.screen(); !strings.Contains(scr, "Which scopes?") || strings.Contains(scr, "self_rotate") || strings.Contains(scr, "k8s_proxy") {
		t.Fatalf("scopes on 16.4:\n%s", scr)
	}
	d.key("enter")
	if flat := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(flat, "ignores token descriptions") {
		t.Fatalf("no description warning on 16.4:\n%s", d.screen())
	}
}

// An administrator's instance says its lifetime rule: the expiry step
// offers only what it allows and names the rule as the instance's.
func TestExpiryFollowsTheInstanceLifetime(t *testing.T) {
	srv, url := startFake(t)
	srv.SetLifetime(90, false, false)
	d, _ := countingDriver(t, srv, url, fake.AdminToken)
	for i := 0; i < 4; i++ { // purpose, kind, the first project, name
		d.key("enter")
	}
	scr := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(scr, "This instance allows at most 90 days") || strings.Contains(scr, "180 days") || !strings.Contains(scr, "90 days —") {
		t.Fatalf("expiry on a 90-day instance:\n%s", d.screen())
	}
}

// When GitLab refuses with "must be before DATE", the wizard says that is
// the instance's limit, and the expiry step opens with it selected.
func TestTheInstancesLastDateIsNamedAndPreselected(t *testing.T) {
	srv, url := startFake(t)
	srv.SetLifetime(90, false, false) // a Maintainer cannot read it: GitLab says it on the create
	d, _ := countingDriver(t, srv, url, fake.MaintainerToken)
	for i := 0; i < 4; i++ {
		d.key("enter")
	}
	d.key("down")
	d.key("down")            // 180 days
	for i := 0; i < 4; i++ { // expiry, role, scopes, create
		d.key("enter")
	}
	last := token.Today(time.Now()).AddDate(0, 0, 90).Format(token.DateLayout)
	flat := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(flat, last+" is the last date this instance accepts") || !strings.Contains(flat, "the instance's own limit") {
		t.Fatalf("refusal:\n%s", d.screen())
	}
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "When should it expire?") || !strings.Contains(scr, last) || !strings.Contains(scr, "This instance allows at most 90 days") {
		t.Fatalf("expiry step after the refusal:\n%s", scr)
	}
	d.key("enter")
	d.key("enter")
	ts := srv.Tokens("project:100")
	if len(ts) != 1 || ts[0].ExpiresAt != last {
		t.Fatalf("tokens %+v, want one expiring %s", ts, last)
	}
}

// From the review on, two round trips: the POST, sent at once (the names
// were read when the review appeared), then the verification.
func TestFromTheReviewTwoRoundTrips(t *testing.T) {
	srv, url := startFake(t)
	d, api := countingDriver(t, srv, url, fake.MaintainerToken)
	for i := 0; i < 3; i++ {
		d.key("enter")
	}
	for _, c := range " 2027" { // a name Gather did not read
		d.key(string(c))
	}
	for i := 0; i < 4; i++ { // name, expiry, role, scopes
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Review: nothing has been sent yet") || api.named.Load() != 1 {
		t.Fatalf("review (%d name reads):\n%s", api.named.Load(), d.screen())
	}
	before := len(srv.Requests())
	d.key("enter")
	after := srv.Requests()[before:]
	if len(after) == 0 || after[0].Method != "POST" || !strings.HasSuffix(after[0].Path, "/access_tokens") {
		t.Fatalf("the first request after enter: %+v", after)
	}
	for _, r := range after[1:] {
		if r.Method != "GET" || r.Auth == "token 2" || strings.HasSuffix(r.Path, "/access_tokens") {
			t.Fatalf("after the POST, only the new token's verification reads: %s %s (%s)", r.Method, r.Path, r.Auth)
		}
	}
	t.Logf("enter to result: 1 POST, then %d verification reads in one round", len(after)-1)
	if !strings.Contains(d.screen(), "Your new token") || srv.Tokens("project:100")[0].Name != "Jira integration 2027" {
		t.Fatalf("result:\n%s", d.screen())
	}
}
