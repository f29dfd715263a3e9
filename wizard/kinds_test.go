package wizard

import (
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/gitlab/fake/browser"
	"gitlab-token-wizard/token"
)

func TestGroupTokenPath(t *testing.T) {
	d, srv := newDriver(t, fake.OwnerToken)
	d.key("enter") // purpose: jira-read
	d.key("down")  // kind: group
	d.key("enter")
	if !strings.Contains(d.screen(), "Which group?") || !strings.Contains(d.screen(), "acme") {
		t.Fatalf("group step:\n%s", d.screen())
	}
	d.key("enter")           // acme (Owner)
	for i := 0; i < 4; i++ { // name, expiry, role, scopes
		d.key("enter")
	}
	scr := d.screen()
	if !strings.Contains(scr, "group        acme") || !strings.Contains(scr, "--group acme") || !strings.Contains(scr, "/api/v4/groups/acme/access_tokens") {
		t.Fatalf("review:\n%s", scr)
	}
	d.key("enter")
	if ts := srv.Tokens("group:10"); len(ts) != 1 || ts[0].AccessLevel != int(token.RoleReporter) {
		t.Fatalf("group tokens = %+v", ts)
	}
	if scr := d.screen(); strings.Count(scr, "PASS") != 5 || !strings.Contains(scr, "reads the latest commit of acme/") || !strings.Contains(scr, "group token id") || !strings.Contains(scr, "every project in it") {
		t.Fatalf("result:\n%s", scr)
	}
	if !strings.Contains(d.m.Summary, "on group acme") {
		t.Fatalf("summary = %q", d.m.Summary)
	}
}

func TestFreePlanOffersThePersonalPath(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	d.key("enter") // purpose
	d.key("down")  // group
	d.key("enter")
	// alice owns widgets (GitLab.com Free) and only maintains acme/platform.
	if scr := d.screen(); !strings.Contains(scr, "acme/platform") || !strings.Contains(scr, "you: Maintainer (needs Owner)") {
		t.Fatalf("group list:\n%s", scr)
	}
	d.key("enter") // widgets, listed first as the only group alice owns
	scr := d.screen()
	if !strings.Contains(scr, "GitLab.com Free") || !strings.Contains(scr, "p make a personal token instead") {
		t.Fatalf("want the Free plan explained before the form:\n%s", scr)
	}
	d.key("p")
	if !strings.Contains(d.screen(), "Which project will Jira read?") {
		t.Fatalf("p should lead to the guided personal path:\n%s", d.screen())
	}
	if d.m.req.Kind != token.KindPersonal || d.m.req.Target != "" {
		t.Fatalf("request = %+v", d.m.req)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

// createInBrowser submits GitLab's form from the prefilled link, with an expiry.
func createInBrowser(t *testing.T, base, link, session, expires string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, base) {
		t.Fatalf("link %q", link)
	}
	form := u.Query()
	form.Set("expires_at", expires)
	v, err := browser.SubmitPATForm(base, u.Path, session, form)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestGuidedPersonalPath(t *testing.T) {
	d, srv := newDriver(t, fake.MaintainerToken)
	var opened []string
	d.m.opts.OpenURL = func(u string) bool { opened = append(opened, u); return true }
	d.key("enter") // purpose
	d.key("down")
	d.key("down") // personal
	d.key("enter")
	d.key("enter") // repo: acme/web
	d.key("enter") // name
	d.key("enter") // expiry 30 days
	d.key("enter") // scopes read_api
	scr := d.screen()
	if len(opened) != 1 || !strings.Contains(opened[0], "/-/user_settings/personal_access_tokens?name=Jira+integration&scopes=read_api") {
		t.Fatalf("opened %q\n%s", opened, scr)
	}
	if !strings.Contains(strings.ReplaceAll(scr, "\n", ""), opened[0]) || !strings.Contains(scr, "opened in your browser") {
		t.Fatalf("guide:\n%s", scr)
	}
	base := d.m.api.BaseURL()
	in := func(days int) string { return token.Today(time.Now()).AddDate(0, 0, days).Format(token.DateLayout) }
	// First the user makes a token that expires too soon: the verdict says so.
	short := createInBrowser(t, base, opened[0], fake.MaintainerToken, in(3))
	d.send(tea.PasteMsg{Content: short + "\n"})
	d.key("enter")
	scr = d.screen()
	if !strings.Contains(scr, "FAIL  expiry: expires in 3 days") || strings.Contains(scr, short) {
		t.Fatalf("verdict on a short token:\n%s", scr)
	}
	good := createInBrowser(t, base, opened[0], fake.MaintainerToken, in(30))
	d.send(tea.PasteMsg{Content: good})
	d.key("enter")
	scr = d.screen()
	if strings.Count(scr, "PASS") != 6 || !strings.Contains(scr, "ready for Jira") || strings.Contains(scr, good) {
		t.Fatalf("verdict on a good token:\n%s", scr)
	}
	d.key("enter")
	if !d.m.quitting || !strings.Contains(d.m.Summary, "ready for Jira") || strings.Contains(d.m.Summary, good) {
		t.Fatalf("finish: quitting=%v summary=%q", d.m.quitting, d.m.Summary)
	}
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/api/") {
			t.Fatalf("the wizard itself created something: %s %s", r.Method, r.Path)
		}
	}
}

func TestAdminPersonalTokenForAUser(t *testing.T) {
	d, srv := newDriver(t, fake.AdminToken)
	d.key("enter") // purpose
	d.key("down")
	d.key("down") // personal
	d.key("enter")
	scr := d.screen()
	if !strings.Contains(scr, "Whose personal token?") || !strings.Contains(scr, "@me") || !strings.Contains(scr, "Alice Maintainer") {
		t.Fatalf("user step:\n%s", scr)
	}
	d.key("down") // alice
	d.key("enter")
	for i := 0; i < 3; i++ { // name, expiry, scopes
		d.key("enter")
	}
	scr = d.screen()
	if !strings.Contains(scr, "@alice (Alice Maintainer) — the token acts as this user") || !strings.Contains(scr, "--user alice") ||
		!strings.Contains(scr, "/api/v4/users/2/personal_access_tokens") || strings.Contains(scr, "role ") {
		t.Fatalf("review:\n%s", scr)
	}
	d.key("enter")
	var found bool
	for _, tk := range srv.Tokens("*") {
		if tk.UserID == 2 && tk.Name == "Jira integration" {
			found = true
		}
	}
	if !found || strings.Count(d.screen(), "PASS") != 4 || !strings.Contains(d.screen(), "acts as a user: @alice") {
		t.Fatalf("result:\n%s", d.screen())
	}
}

func TestResultOffersToRevokeAShortLivedSignIn(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	short := srv.AddPersonalToken(2, "for the wizard", []string{"api"}, token.Today(time.Now()).AddDate(0, 0, 1).Format(token.DateLayout))
	d := driverOn(t, ts.URL, short)
	for i := 0; i < 8; i++ {
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Press k to revoke it now") {
		t.Fatalf("no offer:\n%s", d.screen())
	}
	d.key("k")
	if !strings.Contains(d.screen(), "The token you signed in with is revoked") || strings.Contains(d.screen(), "Press k") {
		t.Fatalf("after k:\n%s", d.screen())
	}
	for _, tk := range srv.Tokens("*") {
		if tk.Value == short && !tk.Revoked {
			t.Fatal("the sign-in token is still active")
		}
	}
}

func TestChangingTheKindFromTheReviewAsksForTheNewTarget(t *testing.T) {
	d, _ := newDriver(t, fake.OwnerToken)
	for i := 0; i < 7; i++ {
		d.key("enter") // to the review of a project token
	}
	d.key("n") // jump to the name, then walk back to the kind
	d.key("esc")
	d.key("esc")
	if !strings.Contains(d.screen(), "Which kind of token?") {
		t.Fatalf("not on the kind step:\n%s", d.screen())
	}
	d.key("down") // group
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which group?") {
		t.Fatalf("a new kind must ask for its target, not return to the review:\n%s", scr)
	}
}

func TestAdministratorMayPickAnyProjectOrGroup(t *testing.T) {
	d, _ := newDriver(t, fake.AdminToken)
	d.key("enter") // purpose
	d.key("enter") // project
	if scr := d.screen(); !strings.Contains(scr, "acme/web") {
		t.Fatalf("an administrator who is no member sees no projects:\n%s", scr)
	}
	for i := 0; i < 6; i++ { // project, name, expiry, role, scopes, create
		d.key("enter")
	}
	if nt, _ := d.m.Result(); nt == nil {
		t.Fatalf("no token:\n%s", d.screen())
	}
	d2, _ := newDriver(t, fake.AdminToken)
	d2.key("enter")
	d2.key("down") // group
	d2.key("enter")
	if scr := d2.screen(); !strings.Contains(scr, "acme") || strings.Contains(scr, "needs Owner") {
		t.Fatalf("groups for an administrator:\n%s", scr)
	}
}
