package wizard

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// accountDriver is the wizard on the demo stand-in with its service-account
// group: alice owns "integrations" (Premium) and maintains acme/web.
func accountDriver(t *testing.T) (*driver, *fake.Server) {
	t.Helper()
	srv, url := startFake(t)
	srv.SeedDemoServiceAccounts()
	// A lost answer is looked for over a short window: the test waits for it.
	c, err := gitlab.New(gitlab.Options{Host: url, Token: fake.MaintainerToken, GitLabCom: true, OrphanWindow: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	d := &driver{t: t, m: New(context.Background(), Options{API: c, Demo: true, Request: token.Request{Preset: "jira-read"}, SaveDir: t.TempDir(),
		Clock: steps.InstantClock(time.Now)})}
	d.send(d.run(d.m.Init()))
	return d, srv
}

func (d *driver) typeText(s string) {
	for _, c := range s {
		d.key(string(c))
	}
}

// toAccountStep walks to the account step of group integrations.
func toAccountStep(t *testing.T, d *driver) {
	t.Helper()
	d.key("enter") // purpose: jira-read
	if scr := d.screen(); !strings.Contains(scr, "service account (recommended for more than one project)") {
		t.Fatalf("the kind step does not recommend a service account to an Owner:\n%s", scr)
	}
	d.key("down")
	d.key("down")
	d.key("down")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which group owns the service account?") || !strings.Contains(scr, "acme/platform") ||
		!strings.Contains(scr, "(needs Owner)") {
		t.Fatalf("group step:\n%s", scr)
	}
	d.typeText("integrations")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which service account?") {
		t.Fatalf("account step:\n%s", scr)
	}
}

// toAccountReview walks from the account step's list through the places
// (acme/web) and the token's questions to the review; role moves the
// cursor on the role step first.
func toAccountReview(t *testing.T, d *driver, role ...string) {
	t.Helper()
	d.typeText("web")
	d.key("down")
	d.key("tab") // project acme/web
	d.key("enter")
	d.key("enter") // name
	d.key("enter") // expiry
	for _, k := range role {
		d.key(k)
	}
	d.key("enter") // role
	d.key("enter") // scopes
	if scr := d.screen(); !strings.Contains(scr, "Review: nothing has been sent yet") {
		t.Fatalf("not at the review:\n%s", scr)
	}
}

// The whole path on the stand-in: the review lists every write, enter makes
// each once, and the result shows the account, its membership and the
// verified token. A second run reuses the account, and says that the
// membership already there is kept, never raised.
func TestServiceAccountPathOnTheStandIn(t *testing.T) {
	d, srv := accountDriver(t)
	toAccountStep(t, d)
	newAccount(d)
	if scr := d.screen(); !strings.Contains(scr, "Where does the service account get access?") {
		t.Fatalf("places step:\n%s", scr)
	}
	toAccountReview(t, d)
	scr := d.screen()
	for _, w := range []string{"Enter sends these 3 writes", "1. create the service account @jira-integration in integrations",
		"2. give it Reporter on project acme/web", `3. create its token "Jira integration" (read_api`,
		"--service-account jira-integration", "--account-email team@example.com", "/api/v4/groups/integrations/service_accounts"} {
		if !strings.Contains(scr, w) {
			t.Fatalf("review lacks %q:\n%s", w, scr)
		}
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent before the review's enter: %s %s", r.Method, r.Path)
		}
	}
	d.key("enter")
	if n, m, k := srv.CountRequests("POST", "/service_accounts"), srv.CountRequests("POST", "/members"), srv.CountRequests("POST", "/personal_access_tokens"); n != 1 || m != 1 || k != 1 {
		t.Fatalf("writes: %d accounts, %d memberships, %d tokens", n, m, k)
	}
	scr = d.screen()
	nt, _ := d.m.Result()
	if nt == nil || strings.Contains(scr, nt.Value.Reveal()) || !strings.Contains(scr, "glpat-••••") {
		t.Fatalf("token not masked:\n%s", scr)
	}
	for _, w := range []string{"Its service account", "@jira-integration", "created by this run", "project acme/web: Reporter",
		"PASS  acts as a user: @jira-integration", "reads the latest commit of acme/web", "--service-account jira-integration"} {
		if !strings.Contains(scr, w) {
			t.Fatalf("result lacks %q:\n%s", w, scr)
		}
	}
	if !strings.Contains(d.m.Summary, "service-account token") || !strings.Contains(d.m.Summary, "of @jira-integration in integrations") {
		t.Fatalf("summary %q", d.m.Summary)
	}

	again := driverOn(t, d.m.api.BaseURL(), fake.MaintainerToken)
	toAccountStep(t, again)
	if scr := again.screen(); !strings.Contains(scr, "@jira-integration") || !strings.Contains(scr, "team@example.com") {
		t.Fatalf("the account made is not listed:\n%s", scr)
	}
	again.key("down") // @jira-integration
	again.key("enter")
	toAccountReview(t, again, "down") // Developer: more than the membership has
	scr = again.screen()
	if !strings.Contains(scr, "it exists: reused") || !strings.Contains(scr, "Enter sends these 2 writes") || strings.Contains(scr, "create the service account") {
		t.Fatalf("review of a reused account:\n%s", scr)
	}
	again.key("enter")
	scr = flat(again.screen())
	if srv.CountRequests("POST", "/service_accounts") != 1 || !strings.Contains(scr, "already there: reused") ||
		!strings.Contains(scr, "already a member as Reporter, below the Developer asked for; it is kept (never raised)") ||
		!strings.Contains(scr, "· Reporter on project acme/web, read_api ·") {
		t.Fatalf("second run (%d account creates):\n%s", srv.CountRequests("POST", "/service_accounts"), scr)
	}
}

// A token write that fails after the account and membership were made: the
// failure says what was made and stays, never that nothing was, and the
// retry reuses the account.
func TestServiceAccountFailureKeepsWhatWasMade(t *testing.T) {
	d, srv := accountDriver(t)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/personal_access_tokens", Kind: fake.FaultStatus, Status: 503, Times: 1})
	toAccountStep(t, d)
	d.key("enter")
	d.key("enter") // no email: the review warns
	toAccountReview(t, d)
	if scr := d.screen(); !strings.Contains(scr, "without an email, GitLab's expiry mail for this token reaches nobody") {
		t.Fatalf("no warning about the email:\n%s", scr)
	}
	d.key("enter")
	scr := d.screen()
	if !strings.Contains(scr, "Done before this, and kept") || !strings.Contains(scr, "created by this run") || !strings.Contains(scr, "project acme/web: Reporter") ||
		strings.Contains(scr, "Nothing was created") || !strings.Contains(scr, "r try the create again") {
		t.Fatalf("failure:\n%s", scr)
	}
	// Leaving here would say what stays (asked of a copy: this run goes on to the retry).
	shown := *d.m.screen.(*failure)
	if _, cmd := shown.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil {
		t.Fatal("q did nothing")
	} else if q, ok := cmd().(quitMsg); !ok || !strings.Contains(q.summary, "Made before it, and kept:") || !strings.Contains(q.summary, "created by this run") {
		t.Fatalf("summary on leaving: %#v", q)
	}
	d.key("r")
	if nt, _ := d.m.Result(); nt == nil || srv.CountRequests("POST", "/service_accounts") != 1 || srv.CountRequests("POST", "/personal_access_tokens") != 2 {
		t.Fatalf("retry (%d accounts, %d token posts):\n%s", srv.CountRequests("POST", "/service_accounts"), srv.CountRequests("POST", "/personal_access_tokens"), d.screen())
	}
	if scr := d.screen(); !strings.Contains(scr, "Its service account") || !strings.Contains(scr, "project acme/web: Reporter") {
		t.Fatalf("result after the retry:\n%s", scr)
	}
}

// While the writes are in flight, keys do nothing: a second enter sends
// nothing more, and the busy line says which write is going out.
func TestKeysAreIgnoredWhileTheWritesAreInFlight(t *testing.T) {
	api := &stub{role: token.RoleOwner}
	d := stubDriver(api, 100, 40)
	d.key("enter")
	for i := 0; i < 3; i++ {
		d.key("down")
	}
	d.key("enter")
	d.key("enter") // acme
	d.key("enter") // + create a new one
	d.key("enter") // as suggested
	d.key("enter") // the group itself
	for i := 0; i < 4; i++ {
		d.key("enter")
	}
	if !strings.Contains(d.screen(), "Enter sends these 3 writes") {
		t.Fatalf("review:\n%s", d.screen())
	}
	_, c1 := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	_, prov := d.m.Update(c1()) // the review's create
	_, c2 := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	_, c3 := d.m.Update(steps.CreateMsg{})
	if d.m.state != stateCreating || c2 != nil || c3 != nil || api.provisions.Load() != 0 {
		t.Fatalf("state %v, second enter %v, second create %v, provisions %d", d.m.state, c2, c3, api.provisions.Load())
	}
	// The first word of the writes reaches the busy line.
	var say sayMsg
	for _, m := range messages(prov) {
		if s, ok := m.(sayMsg); ok {
			say = s
		}
	}
	d.m.Update(say)
	if !strings.Contains(d.screen(), "Creating the service account") || !strings.Contains(d.screen(), "keys are ignored") {
		t.Fatalf("busy line:\n%s", d.screen())
	}
	d.key("enter")
	d.send(d.run(say.next))
	if api.provisions.Load() != 1 || d.m.out.Token == nil {
		t.Fatalf("provisions %d, token %v", api.provisions.Load(), d.m.out.Token)
	}
}

// Where the caller owns no group, or the version has no API, the kind step
// lists the service account with the reason, and does not go on with it.
func TestKindStepSaysWhyThereIsNoServiceAccount(t *testing.T) {
	srv, url := startFake(t)
	d := driverOn(t, url, fake.DeveloperToken) // dave owns no group
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "not available: you own no top-level group") {
		t.Fatalf("kind step:\n%s", scr)
	}
	for i := 0; i < 3; i++ {
		d.key("down")
	}
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which kind of token?") {
		t.Fatalf("went on with a service account nobody can make:\n%s", scr)
	}
	srv.SetVersion("16.0.3-ee")
	old := driverOn(t, url, fake.OwnerToken)
	old.key("enter")
	if scr := old.screen(); !strings.Contains(scr, "not available: GitLab 16.0 has no service-account API") {
		t.Fatalf("kind step on 16.0:\n%s", scr)
	}
}

// A group on GitLab.com Free before 18.11 cannot have service accounts:
// said as soon as it is picked, with nothing sent.
func TestFreeGroupIsRefusedWhenPicked(t *testing.T) {
	d, srv := accountDriver(t)
	d.key("enter")
	for i := 0; i < 3; i++ {
		d.key("down")
	}
	d.key("enter")
	d.typeText("widgets")
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "GitLab.com Free") || !strings.Contains(scr, "Free has them from 18.11") {
		t.Fatalf("widgets (Free) was not refused:\n%s", scr)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

// flat is a screen with its lines joined, for sentences the width wrapped.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// A role the caller may not give on a place added from the review is
// refused there, with the role step as the fix — not the group step, from
// which the places could not be reached again.
func TestAPlaceThatRefusesTheRoleIsFixedOnTheRoleStep(t *testing.T) {
	d, srv := accountDriver(t)
	toAccountStep(t, d)
	d.key("enter") // + create a new one
	d.key("enter")
	d.key("enter") // the group integrations, which alice owns
	d.key("enter") // name
	d.key("enter") // expiry
	for i := 0; i < 3; i++ {
		d.key("down") // from Reporter to Owner: alice owns every place so far
	}
	d.key("enter")
	d.key("enter") // scopes
	if scr := d.screen(); !strings.Contains(scr, "access       Owner on group integrations") {
		t.Fatalf("review:\n%s", scr)
	}
	d.key("p")
	d.typeText("web")
	d.key("down")
	d.key("tab") // acme/web, which she only maintains
	d.key("enter")
	scr := flat(d.screen())
	if !strings.Contains(scr, "you are Maintainer on project acme/web; giving the service account Owner there needs Owner") ||
		!strings.Contains(scr, "enter go back to the role step") {
		t.Fatalf("refusal:\n%s", d.screen())
	}
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Which role?") || strings.Contains(scr, "  Owner") {
		t.Fatalf("role step offers more than the places allow:\n%s", scr)
	}
	d.key("enter")
	if scr := d.screen(); !strings.Contains(scr, "Review: nothing has been sent yet") ||
		!strings.Contains(scr, "Reporter on group integrations, project acme/web") {
		t.Fatalf("back to the review:\n%s", scr)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

// A run ended while the writes were in flight still learns what they made:
// the token, and the account whose token it is, to revoke it by.
func TestARunEndedDuringTheWritesLearnsTheAccount(t *testing.T) {
	api := &stub{role: token.RoleOwner}
	d := stubDriver(api, 100, 40)
	for _, k := range []string{"enter", "down", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "enter"} {
		d.key(k)
	}
	_, c1 := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	_, prov := d.m.Update(c1())
	messages(prov) // the writes start; the run ends before their answer is read
	nt, err := d.m.AwaitCreate(10 * time.Second)
	if err != nil || nt == nil || d.m.req.UserID != 77 || !strings.Contains(d.m.RevokeCommand(nt.ID), "--service-account jira-integration") {
		t.Fatalf("token %v, err %v, account id %d, %s", nt, err, d.m.req.UserID, d.m.RevokeCommand(58))
	}
}

// When the group's accounts cannot be read as the writes are decided,
// whether the account exists is not known: the wizard stops before the
// review, says nothing was sent, and sends nothing (second review, 1).
func TestAnUnknownAccountStopsBeforeTheReview(t *testing.T) {
	d, srv := accountDriver(t)
	toAccountStep(t, d)
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Kind: fake.FaultStatus, Status: 500, Body: `{"message":"500 Internal Server Error"}`})
	newAccount(d)
	d.typeText("web")
	d.key("down")
	d.key("tab") // project acme/web
	d.key("enter")
	scr := flat(d.screen())
	if !strings.Contains(scr, "could not tell whether integrations already has a service account @jira-integration, so nothing was sent") ||
		strings.Contains(scr, "Review: nothing has been sent yet") {
		t.Fatalf("screen:\n%s", d.screen())
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("sent %s %s", r.Method, r.Path)
		}
	}
}

// Revoking the new token on leaving revokes only the token: the exit says
// the account this run created stays, with its memberships, and how to
// delete it (second review, 7).
func TestRevokingOnLeavingSaysTheAccountStays(t *testing.T) {
	d, srv := accountDriver(t)
	toAccountStep(t, d)
	newAccount(d)
	toAccountReview(t, d)
	d.key("enter")
	d.key("q")
	d.key("x")
	var deletes []string
	for _, r := range srv.Requests() {
		if r.Method == "DELETE" {
			deletes = append(deletes, r.Path)
		}
	}
	if len(deletes) != 1 || !d.m.Outcome().Revoked {
		t.Fatalf("deletes %v; screen:\n%s", deletes, d.screen())
	}
	sum := flat(d.m.Summary)
	for _, w := range []string{"Revoked on leaving", "The service account @jira-integration (id ", "stays in integrations, with its memberships"} {
		if !strings.Contains(sum, w) {
			t.Fatalf("summary lacks %q: %s", w, sum)
		}
	}
}

// newAccount picks "+ create a new one" on the account step and gives the
// suggested name and username a team address.
func newAccount(d *driver) {
	d.key("enter") // + create a new one
	d.key("tab")
	d.key("tab")
	d.typeText("team@example.com")
	d.key("enter")
}

// The question before leaving without the token says, before x is
// pressed, that revoking it leaves the account this run created, with its
// memberships; for an account that was already there it says nothing of it.
func TestLeaveQuestionSaysTheCreatedAccountStays(t *testing.T) {
	d, _ := accountDriver(t)
	toAccountStep(t, d)
	newAccount(d)
	toAccountReview(t, d)
	d.key("enter")
	d.key("q")
	scr := flat(d.screen())
	if !strings.Contains(scr, "Leave without keeping the token?") ||
		!strings.Contains(scr, "Revoking the token leaves the service account @jira-integration, which this run created in integrations, and its memberships in place.") {
		t.Fatalf("leave question:\n%s", d.screen())
	}

	again := driverOn(t, d.m.api.BaseURL(), fake.MaintainerToken)
	toAccountStep(t, again)
	again.key("down") // @jira-integration, made by the first run
	again.key("enter")
	toAccountReview(t, again)
	again.key("enter")
	again.key("q")
	if scr := flat(again.screen()); !strings.Contains(scr, "Leave without keeping the token?") || strings.Contains(scr, "this run created") {
		t.Fatalf("leave question for a reused account:\n%s", again.screen())
	}
}

// The review's "same as create" command names every place ticked: the
// account's group and a subgroup of it (--member-of, the subgroup found by
// the places search) and a project (--project), as its writes do; the
// create command with only --project gave no group membership.
func TestReviewCommandNamesEveryPlace(t *testing.T) {
	srv, url := startFake(t)
	d := driverOn(t, url, fake.OwnerToken) // olivia owns acme and, through it, its subgroups
	d.key("enter")                         // purpose
	d.key("down")
	d.key("down")
	d.key("down")
	d.key("enter") // kind: service account
	d.typeText("acme")
	d.key("enter") // the group acme, first
	newAccount(d)
	d.key("tab") // the group acme, under the cursor
	d.typeText("platform")
	if scr := d.screen(); !strings.Contains(scr, "[ ] group acme/platform") {
		t.Fatalf("the places search lists no subgroup:\n%s", scr)
	}
	d.key("down")
	d.key("tab") // group acme/platform
	for range "platform" {
		d.key("backspace")
	}
	d.typeText("web")
	d.key("down")
	d.key("tab") // project acme/web
	if scr := d.screen(); !strings.Contains(scr, "Ticked: group acme, group acme/platform, project acme/web") {
		t.Fatalf("ticked:\n%s", scr)
	}
	d.key("enter")
	d.key("enter") // name
	d.key("enter") // expiry
	d.key("enter") // role
	d.key("enter") // scopes
	scr := flat(d.screen())
	for _, w := range []string{"Enter sends these 5 writes", "2. give it Reporter on group acme ", "3. give it Reporter on group acme/platform",
		"4. give it Reporter on project acme/web", "--group acme --service-account jira-integration",
		"--member-of acme --member-of acme/platform --project acme/web"} {
		if !strings.Contains(scr, w) {
			t.Fatalf("review lacks %q:\n%s", w, d.screen())
		}
	}
	d.key("enter")
	for path, n := range map[string]int{"/groups/acme/members": 1, "/groups/acme%2Fplatform/members": 1, "/projects/acme%2Fweb/members": 1} {
		if got := srv.CountRequests("POST", path); got != n {
			t.Errorf("POST %s: %d, want %d", path, got, n)
		}
	}
}
