package steps

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

func TestOrderOfAServiceAccount(t *testing.T) {
	var got []string
	for _, id := range Order(token.KindServiceAccount, false, false) {
		got = append(got, string(id))
	}
	if g := strings.Join(got, " "); g != "purpose kind target account places name expiry role scopes review" {
		t.Fatalf("Order = %s", g)
	}
}

// A service account that cannot be made is listed with the reason, and
// enter on it says the reason instead of going on.
func TestKindRefusesAServiceAccountThatCannotBeMade(t *testing.T) {
	s := NewKind(common, false, token.KindProject, token.AccountOffer{Version: "17.11.0", GroupsKnown: true})
	if v := view(s); !strings.Contains(v, "service account") || !strings.Contains(v, "you own no top-level group") {
		t.Fatalf("kind step:\n%s", v)
	}
	if msg := press(t, s, "down", "down", "down", "enter"); msg != nil {
		t.Fatalf("enter chose a service account that cannot be made: %#v", msg)
	}
	if v := view(s); !strings.Contains(v, "Enter cannot choose it: service account is not available: you own no top-level group") {
		t.Fatalf("the reason is not said under the list:\n%s", v)
	}
	ok := NewKind(common, false, token.KindProject, token.AccountOffer{Version: "17.11.0", GroupsKnown: true, OwnedGroups: 1})
	if msg := press(t, ok, "down", "down", "down", "enter"); !isDone(msg, Kind) || ok.Selected() != string(token.KindServiceAccount) {
		t.Fatalf("service account refused: %#v", msg)
	}
	if v := view(ok); !strings.Contains(v, "service account (recommended for more than one project)") {
		t.Fatalf("not recommended:\n%s", v)
	}
}

// accountsFor answers the account step's read with accounts.
func accountsFor(t *testing.T, s *AccountStep, as ...gitlab.ServiceAccount) {
	t.Helper()
	var req AccountsRequestMsg
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(AccountsRequestMsg); ok {
			req = r
		}
	}
	if req.Group != "integrations" || req.From.Step != Account {
		t.Fatalf("the step did not ask for the group's accounts: %+v", req)
	}
	s.Update(AccountsMsg{To: Address{Step: Account, Seq: req.From.Seq - 1}, Accounts: []gitlab.ServiceAccount{{ID: 99, Username: "stale"}}})
	s.Update(AccountsMsg{To: req.From, Accounts: as})
}

func TestAccountStepPicksAnExistingAccount(t *testing.T) {
	s := NewAccount(common, "integrations", token.Account{}, 0)
	accountsFor(t, s, gitlab.ServiceAccount{ID: 5, Username: "jira-bot", Name: "Jira bot", Email: "team@example.com"},
		gitlab.ServiceAccount{ID: 6, Username: "ci-bot", Name: "CI"})
	v := view(s)
	if !strings.Contains(v, "+ create a new one") || !strings.Contains(v, "@jira-bot") || !strings.Contains(v, "team@example.com") || strings.Contains(v, "stale") {
		t.Fatalf("account list:\n%s", v)
	}
	msg := press(t, s, "type:ci", "down", "enter") // the filter keeps @ci-bot
	var r token.Request
	apply(t, msg, &r)
	if r.Account.Username != "ci-bot" || r.UserID != 6 {
		t.Fatalf("picked %+v", r)
	}
}

func TestAccountStepCreatesOneWithATeamAddress(t *testing.T) {
	s := NewAccount(common, "integrations", token.Account{}, 0)
	accountsFor(t, s, gitlab.ServiceAccount{ID: 5, Username: "jira-bot"})
	press(t, s, "enter") // + create a new one
	if !s.Creating() || s.Title() != "Create a service account" {
		t.Fatalf("no form:\n%s", view(s))
	}
	v := view(s)
	if !strings.Contains(v, "Username: jira-integration") || !strings.Contains(v, "without one, nobody gets it") || !strings.Contains(v, token.NoEmailWarning) {
		t.Fatalf("form:\n%s", v)
	}
	// The username follows the name until it is typed itself.
	for range "integration" {
		press(t, s, "backspace")
	}
	press(t, s, "type:Bot")
	if v := view(s); !strings.Contains(v, "Username: jira-bot") {
		t.Fatalf("username did not follow the name:\n%s", v)
	}
	press(t, s, "tab", "tab", "type:not an address")
	if msg := press(t, s, "enter"); msg != nil {
		t.Fatalf("a bad form was accepted: %#v", msg)
	}
	if v := view(s); !strings.Contains(v, "already a service account of integrations") || !strings.Contains(v, "is not an email address") {
		t.Fatalf("errors:\n%s", v)
	}
	press(t, s, "type:2", "tab") // the first field in error has the focus: the username
	for range "not an address" {
		press(t, s, "backspace")
	}
	msg := press(t, s, "type:team@example.com", "enter")
	var r token.Request
	apply(t, msg, &r)
	if r.Account != (token.Account{Username: "jira-bot2", Name: "Jira Bot", Email: "team@example.com"}) || r.UserID != 0 {
		t.Fatalf("new account %+v", r)
	}
	// Coming back, the form opens as it was typed.
	again := NewAccount(common, "integrations", r.Account, 0)
	if !again.Creating() || !strings.Contains(view(again), "Username: jira-bot2") {
		t.Fatalf("back to the form:\n%s", view(again))
	}
	if msg := press(t, again, "esc"); msg != nil || again.Creating() {
		t.Fatalf("esc in the form should go back to the list: %#v", msg)
	}
}

func TestPlacesStepTicksTheGroupAndProjects(t *testing.T) {
	s := NewPlaces(common, "integrations", nil)
	var req SearchRequestMsg
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(SearchRequestMsg); ok {
			req = r
		}
	}
	if req.Mode != ModePlaces || req.Mode.Kind() != token.KindProject {
		t.Fatalf("search %+v", req)
	}
	web := gitlab.Project{ID: 100, Path: "acme/web", Role: token.RoleMaintainer}
	s.Update(ResultsMsg{To: req.From, Projects: []gitlab.Project{web}})
	if v := view(s); !strings.Contains(v, "[ ] group integrations") || !strings.Contains(v, "[ ] project acme/web") || !strings.Contains(v, "Nothing ticked") {
		t.Fatalf("places:\n%s", v)
	}
	// Enter with nothing ticked takes the row under the cursor.
	if msg := press(t, NewPlaces(common, "integrations", nil), "enter"); !isDone(msg, Places) {
		t.Fatalf("enter: %#v", msg)
	} else if p := msg.(DoneMsg).Answer.(PlacesChosen).Places; len(p) != 1 || p[0] != (token.Place{Kind: token.KindGroup, Path: "integrations"}) {
		t.Fatalf("places %+v", p)
	}
	press(t, s, "down", "tab")
	// A new search keeps what is ticked, and its answer replaces the list.
	press(t, s, "type:x")
	s.Update(ResultsMsg{To: Address{Step: Places, Seq: s.seq}, Projects: nil})
	if v := view(s); !strings.Contains(v, "Ticked: project acme/web") || strings.Contains(v, "[x]") {
		t.Fatalf("after a search:\n%s", v)
	}
	press(t, s, "tab") // the group, under the cursor
	msg := press(t, s, "enter")
	var r token.Request
	apply(t, msg, &r)
	if token.PlaceList(r.Places) != "project acme/web, group integrations" {
		t.Fatalf("places %+v", r.Places)
	}
}

// The review of a service-account token lists every write, in order, and
// copies every curl.
func TestReviewListsEveryWrite(t *testing.T) {
	r := token.Request{Kind: token.KindServiceAccount, Target: "integrations", Name: "Jira", Role: token.RoleReporter, Scopes: []token.Scope{"read_api"},
		ExpiresAt: now.AddDate(0, 0, 30), Account: token.Account{Username: "jira-bot"}, Places: []token.Place{{Kind: token.KindProject, Path: "acme/web"}}}
	c := ReviewContent{Req: r, Base: "https://gitlab.example.com", Writes: token.ServiceAccountWrites(r, 0)}
	s := NewReview(common, c, Order(token.KindServiceAccount, false, false), "group")
	v := view(s)
	for _, w := range []string{"Enter sends these 3 writes", "1. create the service account @jira-bot in integrations", "2. give it Reporter on project acme/web",
		"3. create its token \"Jira\"", "--service-account jira-bot", "# the service account", "/api/v4/projects/acme%2Fweb/members"} {
		if !strings.Contains(v, w) {
			t.Fatalf("review lacks %q:\n%s", w, v)
		}
	}
	if msg := press(t, s, "a"); msg != (JumpMsg{To: Account}) {
		t.Fatalf("a = %#v", msg)
	}
	if msg := press(t, s, "p"); msg != (JumpMsg{To: Places}) {
		t.Fatalf("p = %#v", msg)
	}
	var copied CopyMsg
	_, cmd := s.Update(keyMsg("u"))
	for _, m := range runBatch(cmd) {
		if cm, ok := m.(CopyMsg); ok {
			copied = cm
		}
	}
	if strings.Count(copied.Text, "curl --request POST") != 3 || copied.What != "the 3 curl commands" {
		t.Fatalf("copied %+v", copied)
	}
}

// GitLab's own usernames (service_account_group_<id>_<hex>) are wider than
// the label column: the meaning goes below at full width instead of into a
// strip, and GitLab's generated noreply address is said for what it is.
func TestAccountStepWithGitLabsGeneratedUsernames(t *testing.T) {
	at80 := *common
	at80.Width = 80
	s := NewAccount(&at80, "integrations", token.Account{}, 0)
	accountsFor(t, s,
		gitlab.ServiceAccount{ID: 7, Username: "service_account_group_15_ffeeddccbbaa9988", Name: "Service account user",
			Email: "service_account_group_15_ffeeddccbbaa9988@noreply.gitlab.example.com"},
		gitlab.ServiceAccount{ID: 8, Username: "service_account_group_15_0011223344556677", Name: "Service account user"})
	v := view(s)
	if strings.Contains(v, "@noreply.") || !strings.Contains(v, "nobody gets its expiry mail") {
		t.Fatalf("noreply address:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "@service_account_group_15_") && strings.TrimSpace(strings.SplitN(l, "@service_account_group_15_", 2)[1][16:]) != "" {
			t.Fatalf("the meaning is squeezed beside a long username: %q\n%s", l, v)
		}
		if strings.Contains(l, "Service account user") && !strings.HasPrefix(l, "    Service account user") {
			t.Fatalf("the meaning is not below at full width: %q\n%s", l, v)
		}
	}
}

// The account filter is a field like the others: an invisible character
// is left out and the step says so, until the next edit.
func TestAccountFilterSaysWhatItLeftOut(t *testing.T) {
	s := NewAccount(common, "integrations", token.Account{}, 0)
	accountsFor(t, s, gitlab.ServiceAccount{ID: 5, Username: "jira-bot"}, gitlab.ServiceAccount{ID: 6, Username: "ci-bot"})
	s.Update(tea.PasteMsg{Content: "ci\u200b"})
	v := view(s)
	if s.filter.value(0) != "ci" || strings.ContainsRune(s.View(), 0x200b) || !strings.Contains(v, "Left out U+200B (zero-width space)") ||
		strings.Contains(v, "@jira-bot") || !strings.Contains(v, "@ci-bot") {
		t.Fatalf("filter %q:\n%s", s.filter.value(0), v)
	}
	press(t, s, "backspace", "backspace")
	if v := view(s); strings.Contains(v, "Left out") || !strings.Contains(v, "@jira-bot") {
		t.Fatalf("the note outlived the next edit:\n%s", v)
	}
	s.Update(tea.PasteMsg{Content: strings.Repeat("x", 1000)})
	if n := len(s.filter.value(0)); n != 255 || !strings.Contains(view(s), "The paste was cut to 255 characters") {
		t.Fatalf("filter of %d characters:\n%s", n, view(s))
	}
}

// A search lists the subgroups the root found (token.SubgroupPlace) after
// the account's group and before the projects; each is ticked like a
// project, and becomes a group place.
func TestPlacesStepOffersSubgroups(t *testing.T) {
	s := NewPlaces(common, "acme", nil)
	var req SearchRequestMsg
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(SearchRequestMsg); ok {
			req = r
		}
	}
	platform := gitlab.Project{ID: 11, Path: "acme/platform", Role: token.RoleOwner}
	api := gitlab.Project{ID: 102, Path: "acme/platform/api", Role: token.RoleMaintainer}
	s.Update(ResultsMsg{To: req.From, Groups: []gitlab.Project{platform}, Projects: []gitlab.Project{api}})
	v := view(s)
	g, sub, p := strings.Index(v, "[ ] group acme "), strings.Index(v, "[ ] group acme/platform"), strings.Index(v, "[ ] project acme/platform/api")
	if g < 0 || sub < g || p < sub || !strings.Contains(v, "every project in it") || !strings.Contains(v, "you: Maintainer") {
		t.Fatalf("places:\n%s", v)
	}
	press(t, s, "down", "tab", "down", "tab")
	var r token.Request
	apply(t, press(t, s, "enter"), &r)
	if token.PlaceList(r.Places) != "group acme/platform, project acme/platform/api" {
		t.Fatalf("places %+v", r.Places)
	}
	// Nothing found: the step says what it looks for.
	s.Update(ResultsMsg{To: Address{Step: Places, Seq: s.seq}})
	if v := view(s); !strings.Contains(v, "No subgroup (where you are Owner) or project (Maintainer or Owner) matches.") {
		t.Fatalf("nothing found:\n%s", v)
	}
}
