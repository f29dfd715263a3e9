package steps

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

var (
	now = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	// Wide, so that these assertions read whole sentences; wrapping is tested at 80 columns.
	common = &Common{Styles: NewStyles(true, true), Clock: InstantClock(func() time.Time { return now }), Width: 200}
)

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// press sends keys (a word is typed letter by letter) and returns the last command's message.
func press(t *testing.T, s Step, keys ...string) tea.Msg {
	t.Helper()
	var last tea.Cmd
	for _, k := range keys {
		if strings.HasPrefix(k, "type:") {
			for _, r := range strings.TrimPrefix(k, "type:") {
				_, last = s.Update(keyMsg(string(r)))
			}
			continue
		}
		_, last = s.Update(keyMsg(k))
	}
	if last == nil {
		return nil
	}
	return last()
}

func isDone(msg tea.Msg, id ID) bool { d, ok := msg.(DoneMsg); return ok && d.Step == id }

// apply writes the answer of a DoneMsg into r.
func apply(t *testing.T, msg tea.Msg, r *token.Request) {
	t.Helper()
	d, ok := msg.(DoneMsg)
	if !ok {
		t.Fatalf("not done: %#v", msg)
	}
	d.Answer.Apply(r)
}

func view(s Step) string { return ansi.Strip(s.View()) }

func TestPurpose(t *testing.T) {
	s := NewPurpose(common, "jira-read")
	golden.RequireEqual(t, view(s))
	msg := press(t, s, "down", "enter")
	if !isDone(msg, Purpose) {
		t.Fatalf("enter gave %#v", msg)
	}
	r := token.Request{}
	apply(t, msg, &r)
	if r.Preset != "jira-write" || r.Role != token.RoleDeveloper || token.JoinScopes(r.Scopes) != "api" || r.Name != "Jira integration" {
		t.Fatalf("applied %+v", r)
	}
	if msg := press(t, s, "esc"); msg != (BackMsg{Step: Purpose}) {
		t.Fatalf("esc gave %#v", msg)
	}
	// The first step has nothing to go back to: the root leaves on its
	// esc, and the help says so instead of promising "back".
	for _, b := range s.ShortHelp() {
		if b.Help().Key == "esc" && b.Help().Desc != "quit" {
			t.Fatalf("the first step's help says esc %s", b.Help().Desc)
		}
	}
}

func TestKindOffersEveryKind(t *testing.T) {
	s := NewKind(common, false, token.KindProject, token.AccountOffer{})
	if msg := press(t, s, "down", "enter"); !isDone(msg, Kind) || s.Selected() != string(token.KindGroup) {
		t.Fatalf("group refused: %#v", msg)
	}
	if v := view(s); !strings.Contains(v, "made in GitLab's web form") {
		t.Fatalf("a non-administrator is not told how personal tokens are made:\n%s", v)
	}
	if v := view(NewKind(common, true, token.KindProject, token.AccountOffer{})); !strings.Contains(v, "for any user") {
		t.Fatalf("an administrator is not told:\n%s", v)
	}
}

func TestRoleOffersOnlyGrantable(t *testing.T) {
	jr, _ := token.FindPreset("jira-read")
	s := NewRole(common, token.RoleDeveloper, token.RoleOwner, jr, "")
	golden.RequireEqual(t, view(s))
	if v := view(s); strings.Contains(v, "Maintainer") || strings.Contains(v, "Owner") {
		t.Fatalf("offers roles above Developer:\n%s", v)
	}
	r := token.Request{}
	apply(t, press(t, s, "enter"), &r)
	if r.Role != token.RoleReporter {
		t.Fatalf("an out-of-reach current role should fall back to the preset's, got %v", r.Role)
	}
	press(t, s, "down")
	if !strings.Contains(view(s), `Developer is more than "jira-read" needs (Reporter)`) {
		t.Fatalf("no warning:\n%s", view(s))
	}
}

func TestScopes(t *testing.T) {
	jr, _ := token.FindPreset("jira-read")
	s := NewScopes(common, token.KindProject, false, "", nil, jr)
	if msg := press(t, s, "enter"); msg != nil || !strings.Contains(view(s), "Pick at least one scope") {
		t.Fatalf("empty selection accepted: %#v\n%s", msg, view(s))
	}
	press(t, s, "space", "down", "space")
	if got := token.JoinScopes(s.Chosen()); got != "read_api,api" {
		t.Fatalf("chosen = %s", got)
	}
	golden.RequireEqual(t, view(s))
	if !strings.Contains(view(s), "scope api allows writes") || strings.Contains(view(s), "read_user") {
		t.Fatalf("view:\n%s", view(s))
	}
	if msg := press(t, s, "enter"); !isDone(msg, Scopes) {
		t.Fatalf("enter gave %#v", msg)
	}
}

func TestNameValidatesInline(t *testing.T) {
	s := NewName(common, "Jira integration", "")
	s.Init()
	golden.RequireEqual(t, view(s))
	press(t, s, strings.Split(strings.Repeat("backspace ", 16), " ")[:16]...)
	if msg := press(t, s, "enter"); isDone(msg, Name) || !strings.Contains(view(s), "give the token a name") {
		t.Fatalf("empty name accepted: %#v\n%s", msg, view(s))
	}
	msg := press(t, s, "type:Jira 🚀", "tab", "type:PROJ-12", "enter")
	if !isDone(msg, Name) {
		t.Fatalf("valid name refused: %#v\n%s", msg, view(s))
	}
	r := token.Request{}
	apply(t, msg, &r)
	if r.Name != "Jira 🚀" || r.Description != "PROJ-12" {
		t.Fatalf("applied %+v", r)
	}
}

func TestExpiry(t *testing.T) {
	s := NewExpiry(common, now, token.Limits{}, token.DefaultExpiry(now))
	s.Init()
	golden.RequireEqual(t, view(s))
	msg := press(t, s, "down", "enter")
	if !isDone(msg, Expiry) {
		t.Fatalf("90 days refused: %#v", msg)
	}
	r := token.Request{}
	apply(t, msg, &r)
	if r.ExpiresAt.Format(token.DateLayout) != "2027-02-23" {
		t.Fatalf("90 days = %v", r.ExpiresAt)
	}
	tests := []struct{ typed, want string }{
		{"2027-11-26", "pick a date on or before 2027-11-25"},
		{"2026-11-25", "not in the future"},
		{"2027-02-30", "not a valid date"},
		{"1.5d", "whole positive number"},
	}
	for _, tt := range tests {
		c := NewExpiry(common, now, token.Limits{}, time.Time{})
		c.Init()
		if msg := press(t, c, "down", "down", "down", "down", "type:"+tt.typed, "enter"); isDone(msg, Expiry) || !strings.Contains(view(c), tt.want) {
			t.Errorf("%s: %#v\n%s", tt.typed, msg, view(c))
		}
	}
	c := NewExpiry(common, now, token.Limits{}, time.Time{})
	if msg := press(t, c, "up", "type:2027-11-25", "enter"); !isDone(msg, Expiry) || !strings.Contains(view(c), "Thursday, in 365 days") {
		t.Fatalf("today+365 refused: %#v\n%s", msg, view(c))
	}
}

func TestProjectSearchIsDebouncedAndIgnoresStaleAnswers(t *testing.T) {
	s := NewSearch(common, ModeProject, "", gitlab.User{})
	first := s.Init()
	if first == nil {
		t.Fatal("no first search")
	}
	// Typing schedules a debounced search instead of sending one per key.
	s.Update(keyMsg("w"))
	_, cmd := s.Update(keyMsg("e"))
	if cmd == nil {
		t.Fatal("typing scheduled nothing")
	}
	stale := ResultsMsg{To: Address{Step: Target, Seq: 1}, Projects: []gitlab.Project{{Path: "old/answer"}}}
	s.Update(stale)
	if strings.Contains(view(s), "old/answer") {
		t.Fatal("a stale answer was shown")
	}
	// The debounce for the latest keystroke asks the root to search "we".
	_, cmd = s.Update(debounceMsg{to: Address{Step: Target, Seq: s.seq}})
	req, ok := cmd().(SearchRequestMsg)
	if !ok || req.Query != "we" {
		t.Fatalf("search request = %#v", req)
	}
	s.Update(ResultsMsg{To: req.From, Projects: []gitlab.Project{{Path: "acme/web", Role: token.RoleMaintainer}, {Path: "acme/website", Role: token.RoleOwner}}})
	golden.RequireEqual(t, view(s))
	if msg := press(t, s, "down", "enter"); !isDone(msg, Target) || msg.(DoneMsg).Answer.(TargetChosen).Project.Path != "acme/website" {
		t.Fatalf("choice: %#v", msg)
	}
	s.input.Blur() // as leaving the step does
	s.Init()
	if !s.input.Focused() {
		t.Fatal("coming back should still focus the input")
	}
	if s.seq != req.From.Seq {
		t.Fatal("coming back searched again")
	}
}

func TestSignIn(t *testing.T) {
	s := NewSignIn(common, "gitlab.example.com/", false)
	s.Init()
	golden.RequireEqual(t, view(s))
	if msg := press(t, s, "enter"); isDone(msg, SignIn) || !strings.Contains(view(s), "Paste a personal access token") {
		t.Fatalf("empty credential accepted: %#v", msg)
	}
	s.Update(tea.PasteMsg{Content: "  glpat-secret-value-123  \n"})
	if strings.Contains(view(s), "glpat-secret") {
		t.Fatal("credential drawn in clear")
	}
	if msg := press(t, s, "enter"); !isDone(msg, SignIn) || s.Credential().Reveal() != "glpat-secret-value-123" {
		t.Fatalf("paste: %#v %q", msg, s.Credential().Reveal())
	}
	if h, _ := s.Host(); h != "https://gitlab.example.com" {
		t.Fatalf("host = %s", h)
	}
	bad := NewSignIn(common, "http://gitlab.example.com", false)
	bad.Init()
	bad.Update(tea.PasteMsg{Content: "glpat-x"})
	if msg := press(t, bad, "enter"); isDone(msg, SignIn) || !strings.Contains(view(bad), "--allow-http") {
		t.Fatalf("plain http accepted: %#v\n%s", msg, view(bad))
	}
}

func TestGroupSearchExplainsTheOwnerRule(t *testing.T) {
	s := NewSearch(common, ModeGroup, "", gitlab.User{})
	req := s.Init()
	_ = req
	s.Update(ResultsMsg{To: Address{Step: Target, Seq: s.seq}, Projects: []gitlab.Project{{Path: "acme/platform", Role: token.RoleMaintainer}, {Path: "widgets", Role: token.RoleOwner}}})
	golden.RequireEqual(t, view(s))
	if msg := press(t, s, "enter"); msg != nil || !strings.Contains(view(s), "group access tokens need Owner") {
		t.Fatalf("a Maintainer's group was accepted: %#v\n%s", msg, view(s))
	}
	msg := press(t, s, "down", "enter")
	if !isDone(msg, Target) {
		t.Fatalf("an Owner's group was refused: %#v", msg)
	}
	var r token.Request
	apply(t, msg, &r)
	if r.Target != "widgets" {
		t.Fatalf("target = %q", r.Target)
	}
}

func TestUserSearchOffersMeFirstWithNames(t *testing.T) {
	me := gitlab.User{ID: 1, Username: "root", Name: "Administrator", IsAdmin: true}
	s := NewSearch(common, ModeUser, "", me)
	s.Init()
	s.Update(ResultsMsg{To: Address{Step: Target, Seq: s.seq}, Users: []gitlab.User{me, {ID: 2, Username: "alice", Name: "Alice Maintainer"}}})
	v := view(s)
	if !strings.Contains(v, "@me") || !strings.Contains(v, "Administrator (@root, you)") || !strings.Contains(v, "@alice") || !strings.Contains(v, "Alice Maintainer") {
		t.Fatalf("user list:\n%s", v)
	}
	if strings.Count(v, "@root") != 1 {
		t.Fatalf("the caller is listed twice:\n%s", v)
	}
	var r token.Request
	apply(t, press(t, s, "enter"), &r)
	if r.Target != token.Me || r.UserID != 1 {
		t.Fatalf("me: %+v", r)
	}
	apply(t, press(t, s, "down", "enter"), &r)
	if r.Target != "alice" || r.UserID != 2 {
		t.Fatalf("alice: %+v", r)
	}
}

func TestGuideOpensTheLinkAndChecksThePaste(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	r := token.Request{Kind: token.KindPersonal, Scopes: []token.Scope{"read_api"}, ExpiresAt: now.AddDate(0, 0, 30).Truncate(24 * time.Hour)}
	s := NewGuide(common, "https://gitlab.example.com/-/user_settings/personal_access_tokens?name=Jira&scopes=read_api", r, now)
	var opened bool
	for _, m := range runBatch(s.Init()) {
		if o, ok := m.(OpenURLMsg); ok && strings.Contains(o.URL, "scopes=read_api") {
			opened = true
		}
	}
	if !opened {
		t.Fatal("the link was not opened on entry")
	}
	s.Update(OpenedMsg{OK: false})
	if msg := press(t, s, "enter"); msg != nil || !strings.Contains(view(s), "Paste the token") {
		t.Fatalf("an empty paste was checked: %#v", msg)
	}
	s.Update(tea.PasteMsg{Content: " glpat-pasted-secret-000 \n"})
	if strings.Contains(view(s), "glpat-pasted") {
		t.Fatal("the pasted token is drawn in clear")
	}
	msg := press(t, s, "enter")
	if p, ok := msg.(PastedMsg); !ok || p.Value.Reveal() != "glpat-pasted-secret-000" {
		t.Fatalf("paste = %#v", msg)
	}
	s.Update(CheckedMsg{To: Address{Step: Guide, Seq: s.seq}, V: gitlab.Verification{Checks: []gitlab.Check{{Name: "scopes as requested", Detail: "missing read_api: create a new token with read_api"}}}})
	golden.RequireEqual(t, view(s))
	if s.Ready() || s.Pasted() != "" {
		t.Fatal("a failed token is kept")
	}
	s.Update(tea.PasteMsg{Content: "glpat-second-000"})
	press(t, s, "enter")
	s.Update(CheckedMsg{To: Address{Step: Guide, Seq: s.seq}, V: gitlab.Verification{Checks: []gitlab.Check{{Name: "scopes as requested", OK: true, Detail: "read_api"}}}})
	if msg := press(t, s, "enter"); !isDone(msg, Guide) || !s.Ready() {
		t.Fatalf("ready token not accepted: %#v", msg)
	}
}

// The guide's advice fits why the pasted token failed: someone else's is not
// the user's to revoke, and a check GitLab kept from being made keeps the
// paste for another try.
func TestGuideAdviceFitsTheCause(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	r := token.Request{Kind: token.KindPersonal, Scopes: []token.Scope{"read_api"}, ExpiresAt: now.AddDate(0, 0, 30)}
	for _, tt := range []struct {
		name    string
		check   gitlab.Check
		want    string
		keepsIt bool
	}{
		{"someone else's", gitlab.Check{Name: "belongs to you", Detail: "this token belongs to user id 3", Problem: token.ProblemNotYours}, "not yours to revoke", false},
		{"unknown", gitlab.Check{Name: "token accepted by GitLab", Detail: "GitLab did not accept the checked token", Problem: token.ProblemUnknown}, "GitLab does not know that token", false},
		{"GitLab failing", gitlab.Check{Name: "token accepted by GitLab", Detail: "not checked: GitLab answered 503", Problem: token.ProblemUnreachable}, "says nothing about the token", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewGuide(common, "https://gitlab.example.com/-/user_settings/personal_access_tokens?name=Jira&scopes=read_api", r, now)
			runBatch(s.Init())
			s.Update(tea.PasteMsg{Content: "glpat-pasted-secret-000"})
			if _, ok := press(t, s, "enter").(PastedMsg); !ok {
				t.Fatal("the paste was not sent to be checked")
			}
			s.Update(CheckedMsg{To: Address{Step: Guide, Seq: s.seq}, V: gitlab.Verification{Checks: []gitlab.Check{tt.check}}})
			v := view(s)
			if !strings.Contains(v, tt.want) || strings.Contains(v, "revoke that token") || (s.Pasted() != "") != tt.keepsIt {
				t.Fatalf("pasted %q:\n%s", s.Pasted(), v)
			}
		})
	}
}

// runBatch runs a command, and the commands of a batch, collecting their
// messages. None waits: cursors do not blink, and the clock is instant.
func runBatch(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	m := cmd()
	b, ok := m.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{m}
	}
	var out []tea.Msg
	for _, c := range b {
		out = append(out, runBatch(c)...)
	}
	return out
}

func TestReviewOffersOnlyTheStepsOfThisRun(t *testing.T) {
	s := NewReview(common, ReviewContent{Req: token.Request{Kind: token.KindPersonal, Name: "Jira"}}, []ID{Purpose, Kind, Target, Name, Expiry, Scopes, Review}, "user")
	var help []string
	for _, b := range s.ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	if h := strings.Join(help, ", "); !strings.Contains(h, "t user") || strings.Contains(h, "role") {
		t.Fatalf("help = %s", h)
	}
	if msg := press(t, s, "r"); msg != nil {
		t.Fatalf("r jumped to a step this run does not have: %#v", msg)
	}
	if msg := press(t, s, "t"); msg != (JumpMsg{To: Target}) {
		t.Fatalf("t = %#v", msg)
	}
	if _, ok := press(t, s, "enter").(CreateMsg); !ok {
		t.Fatal("enter does not create")
	}
}

// Review finding 2: typing in a search scrolled down to row 17 was blind —
// the search line stayed out of view, the old rows stayed highlighted with
// nothing saying a search was under way, and enter did nothing, silently.
// Typing keeps the search line on screen; while loading the rows are the
// previous search's, dim and without the cursor; enter says why it waits.
func TestTypingInAScrolledSearchIsSeen(t *testing.T) {
	s := NewSearch(common, ModeProject, "", gitlab.User{})
	var from Address
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(SearchRequestMsg); ok {
			from = r.From
		}
	}
	var ps []gitlab.Project
	for i := range 20 {
		ps = append(ps, gitlab.Project{ID: int64(i + 1), Path: fmt.Sprintf("acme/platform/service-%02d", i+1), Role: token.RoleMaintainer})
	}
	s.Update(ResultsMsg{To: from, Projects: ps})
	for range 17 {
		press(t, s, "down")
	}
	lines := strings.Split(view(s), "\n")
	if !strings.HasPrefix(lines[s.FocusLine()], "> acme/platform/service-18") {
		t.Fatalf("focus on %q", lines[s.FocusLine()])
	}
	press(t, s, "type:web")
	v := view(s)
	lines = strings.Split(v, "\n")
	if f := s.FocusLine(); f < 0 || !strings.HasPrefix(lines[f], "Search: web") {
		t.Fatalf("typing keeps line %d on screen, not the search line:\n%s", f, v)
	}
	if !strings.Contains(v, "searching for \"web\"… (the rows below are the previous search's)") || strings.Contains(v, "> acme") {
		t.Fatalf("while searching:\n%s", v)
	}
	// The stale rows cannot be picked, by enter or after a move.
	press(t, s, "down")
	if msg := press(t, s, "enter"); msg != nil {
		t.Fatalf("enter while searching sent %#v", msg)
	}
	if v := view(s); !strings.Contains(v, "Still searching for \"web\": enter picks a row once its results are in") {
		t.Fatalf("enter while searching said nothing:\n%s", v)
	}
	_, cmd := s.Update(debounceMsg{to: Address{Step: Target, Seq: s.seq}})
	r := cmd().(SearchRequestMsg)
	s.Update(ResultsMsg{To: r.From, Projects: []gitlab.Project{{ID: 100, Path: "acme/web", Role: token.RoleMaintainer}}})
	if v := view(s); strings.Contains(v, "searching") || !strings.Contains(v, "> acme/web") {
		t.Fatalf("after the answer:\n%s", v)
	}
	if msg := press(t, s, "enter"); !isDone(msg, Target) || msg.(DoneMsg).Answer.(TargetChosen).Project.Path != "acme/web" {
		t.Fatalf("the answer's row was not picked: %#v", msg)
	}
}

// The places step types into the same search: the line comes into view
// when typed in, and a search under way is said, its old rows dimmed.
func TestTypingInAScrolledPlacesSearchIsSeen(t *testing.T) {
	s := NewPlaces(common, "acme", nil)
	var from Address
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(SearchRequestMsg); ok {
			from = r.From
		}
	}
	var ps []gitlab.Project
	for i := range 20 {
		ps = append(ps, gitlab.Project{ID: int64(i + 1), Path: fmt.Sprintf("acme/platform/service-%02d", i+1), Role: token.RoleMaintainer})
	}
	s.Update(ResultsMsg{To: from, Projects: ps})
	for range 17 {
		press(t, s, "down")
	}
	press(t, s, "type:web")
	v := view(s)
	lines := strings.Split(v, "\n")
	if f := s.FocusLine(); f < 0 || !strings.HasPrefix(lines[f], "Search") || !strings.Contains(lines[f], "web") {
		t.Fatalf("typing keeps line %d on screen, not the search line:\n%s", f, v)
	}
	if !strings.Contains(v, "searching for \"web\" among subgroups and projects… (the subgroups and projects below are the previous search's)") || strings.Contains(v, "> [") {
		t.Fatalf("while searching:\n%s", v)
	}
	// Nothing is ticked or taken blind: tab and enter wait for the answer.
	press(t, s, "tab")
	if msg := press(t, s, "enter"); msg != nil || len(s.ticked) != 0 {
		t.Fatalf("acted while searching: %#v, ticked %v", msg, s.ticked)
	}
	if v := view(s); !strings.Contains(v, "Still searching for \"web\": tab and enter act on a row once its results are in") {
		t.Fatalf("a held key said nothing:\n%s", v)
	}
}

// A role GitLab's list only vouched for as the search's least is said as
// a lower bound, not as the caller's role.
func TestARoleThatIsALowerBoundSaysSo(t *testing.T) {
	s := NewSearch(common, ModeRepo, "", gitlab.User{})
	var from Address
	for _, m := range runBatch(s.Init()) {
		if r, ok := m.(SearchRequestMsg); ok {
			from = r.From
		}
	}
	s.Update(ResultsMsg{To: from, Projects: []gitlab.Project{{ID: 1, Path: "acme/platform/tools/cli", Role: token.RoleReporter, RoleAtLeast: true},
		{ID: 2, Path: "acme/web", Role: token.RoleMaintainer}}})
	if v := view(s); !strings.Contains(v, "you: at least Reporter") || !strings.Contains(v, "you: Maintainer") {
		t.Fatalf("roles:\n%s", v)
	}
}
