package token

import (
	"strings"
	"testing"
)

// The kind question offers a service account honestly: recommended when the
// caller is known to be able to make one, listed with the reason when not,
// and neither when it is not known yet (the group step then tells).
func TestAccountOffer(t *testing.T) {
	tests := []struct {
		name        string
		o           AccountOffer
		why         string
		recommended bool
	}{
		{"not known yet", AccountOffer{Version: "18.5.0"}, "", false},
		{"owns a group", AccountOffer{Version: "18.5.0", GroupsKnown: true, OwnedGroups: 2}, "", true},
		{"owns none, before 18.11", AccountOffer{Version: "17.11.2-ee", GroupsKnown: true}, "you own no top-level group", false},
		{"owns none", AccountOffer{Version: "18.11.0", GroupsKnown: true}, "you own no group", false},
		{"administrator", AccountOffer{Version: "17.0.0", Admin: true, GroupsKnown: true}, "", true},
		{"no API", AccountOffer{Version: "16.0.3-ee", Admin: true, GroupsKnown: true, OwnedGroups: 1}, "GitLab 16.0 has no service-account API", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := tt.o.Unavailable()
			if (tt.why == "") != (why == "") || !strings.Contains(why, tt.why) || tt.o.Recommended() != tt.recommended {
				t.Fatalf("Unavailable = %q, Recommended = %v", why, tt.o.Recommended())
			}
			q := KindQuestion(false, KindProject, tt.o)
			sa := q.Options[len(q.Options)-1]
			if sa.Value != string(KindServiceAccount) || sa.Disabled != why || strings.Contains(sa.Label, "recommended") != tt.recommended {
				t.Fatalf("service account option %+v", sa)
			}
			if !strings.Contains(sa.Meaning, "not tied to a person") || !strings.Contains(sa.Meaning, "group Owner") {
				t.Fatalf("the option does not say what it is: %q", sa.Meaning)
			}
		})
	}
	// A purpose that spans several projects makes it the default, when it can be made.
	if q := KindQuestion(false, KindProject, AccountOffer{GroupsKnown: true, OwnedGroups: 1, Spans: true}); q.Default != string(KindServiceAccount) {
		t.Fatalf("default %q", q.Default)
	}
	if q := KindQuestion(false, KindProject, AccountOffer{GroupsKnown: true, Spans: true}); q.Default != string(KindProject) {
		t.Fatalf("default %q for a caller who owns no group", q.Default)
	}
}

func TestCannotHoldAccounts(t *testing.T) {
	if why := CannotHoldAccounts("18.5.0", "acme/platform"); !strings.Contains(why, "top-level group acme") {
		t.Fatalf("subgroup before 18.11: %q", why)
	}
	for _, ok := range [][2]string{{"18.11.0", "acme/platform"}, {"17.0.0", "acme"}, {"", "acme/platform"}} {
		if why := CannotHoldAccounts(ok[0], ok[1]); why != "" {
			t.Fatalf("%v: %q", ok, why)
		}
	}
}

func accountRequest() Request {
	return Request{Kind: KindServiceAccount, Target: "integrations", Name: "Jira integration", ExpiresAt: date("2026-12-25"),
		Role: RoleReporter, Scopes: []Scope{"read_api"}, Account: Account{Username: "jira-bot", Name: "Jira bot", Email: "team@example.com"},
		Places: []Place{{Kind: KindProject, Path: "acme/web"}, {Kind: KindGroup, Path: "integrations"}}}
}

// The writes of a service-account token, in order: the account when new,
// each membership, the token — the same list for the dry run and the review.
func TestServiceAccountWrites(t *testing.T) {
	r := accountRequest()
	ws := ServiceAccountWrites(r, 0)
	if len(ws) != 4 {
		t.Fatalf("writes %+v", ws)
	}
	want := []struct{ what, path, body string }{
		{"create the service account @jira-bot in integrations", "/groups/integrations/service_accounts", `{"username":"jira-bot","name":"Jira bot","email":"team@example.com"}`},
		{"give it Reporter on project acme/web", "/projects/acme%2Fweb/members", `{"user_id":SERVICE_ACCOUNT_ID,"access_level":20}`},
		{"give it Reporter on group integrations", "/groups/integrations/members", `{"user_id":SERVICE_ACCOUNT_ID,"access_level":20}`},
		{`create its token "Jira integration" (read_api, expires 2026-12-25)`, "/groups/integrations/service_accounts/SERVICE_ACCOUNT_ID/personal_access_tokens", `"name":"Jira integration"`},
	}
	for i, w := range want {
		if !strings.HasPrefix(ws[i].What, w.what) || ws[i].Path != w.path || !strings.Contains(ws[i].Body, w.body) {
			t.Fatalf("write %d = %+v, want %+v", i, ws[i], w)
		}
	}
	// The token's write is the request's own curl, as create prints it.
	if got := ws[3].CurlText("https://gitlab.example.com"); got != r.Curl("https://gitlab.example.com") {
		t.Fatalf("token curl\n%s\nwant\n%s", got, r.Curl("https://gitlab.example.com"))
	}
	if c := ws[1].Curl("https://gitlab.example.com").String(); !strings.HasSuffix(c, "https://gitlab.example.com/api/v4/projects/acme%2Fweb/members") ||
		!strings.Contains(c, `"PRIVATE-TOKEN: $GITLAB_TOKEN"`) {
		t.Fatalf("membership curl %s", c)
	}
	// An existing account: no account write, and its id everywhere.
	ws = ServiceAccountWrites(r, 5)
	if len(ws) != 3 || !strings.Contains(ws[0].Body, `"user_id":5`) || !strings.Contains(ws[2].Path, "/service_accounts/5/") {
		t.Fatalf("writes for account 5: %+v", ws)
	}
}

func TestMembershipLine(t *testing.T) {
	web := Place{Kind: KindProject, Path: "acme/web"}
	tests := []struct {
		name string
		have Role
		how  MembershipHow
		want string
	}{
		{"given", RoleReporter, Given, "project acme/web: Reporter"},
		{"kept", RoleDeveloper, Existed, "already a member as Developer (kept)"},
		{"kept below", RoleGuest, Existed, "note: project acme/web: already a member as Guest, below the Reporter asked for; it is kept (never raised)"},
		{"inherited", RoleMaintainer, Inherited, "already Maintainer through a group above (kept)"},
		{"found after a lost answer", RoleReporter, FoundAfterLoss, "project acme/web: Reporter (GitLab's answer was lost; found afterwards — given by this run, or already there)"},
		{"nothing", RoleNone, Given, ""},
		{"unanswered", RoleNone, Unanswered, "project acme/web: not known — GitLab's answer was lost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MembershipLine(web, tt.have, RoleReporter, tt.how)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("got %q", got)
			}
		})
	}
}

// What the hand-off, the summary and the Jira steps say of a service
// account's token, and that another kind drops what only it has.
func TestServiceAccountPhrases(t *testing.T) {
	r := accountRequest()
	if got := r.TargetPhrase("", ""); got != "of @jira-bot in integrations, on project acme/web, group integrations" {
		t.Fatalf("TargetPhrase = %q", got)
	}
	n := r.JiraSteps("https://gitlab.example.com", "", 7)
	if !strings.Contains(n.Steps[1], "repositories: acme/web; group: integrations (every project in it)") || n.Rotate == nil ||
		n.Rotate.String() != "gitlab-token-wizard rotate --host https://gitlab.example.com --group integrations --service-account jira-bot 7" {
		t.Fatalf("steps %+v", n)
	}
	if s := r.SwitchKind(KindProject, false, nil); s.Account != (Account{}) || s.Places != nil {
		t.Fatalf("a project token keeps the account's fields: %+v", s)
	}
	if c := AuditCommand("https://gitlab.com", KindGroup, "integrations").String(); c != "gitlab-token-wizard audit --group integrations" {
		t.Fatalf("audit command %q", c)
	}
	// The Community Edition has service accounts from 18.11 only: offered
	// with the reason, never recommended, before it.
	for _, tt := range []struct {
		version   string
		available bool
	}{{"17.5.0", false}, {"18.10.2", false}, {"18.11.0", true}} {
		o := AccountOffer{Version: tt.version, Community: true, GroupsKnown: true, OwnedGroups: 2}
		if (o.Unavailable() == "") != tt.available || o.Recommended() != tt.available ||
			!tt.available && !strings.Contains(o.Unavailable(), "Community Edition") {
			t.Errorf("CE %s: unavailable %q, recommended %v", tt.version, o.Unavailable(), o.Recommended())
		}
	}
	if c := AuditCommand(DemoHost, KindProject, "acme/web").String(); c != "gitlab-token-wizard audit --demo --project acme/web" {
		t.Fatalf("demo audit command %q", c)
	}
}
