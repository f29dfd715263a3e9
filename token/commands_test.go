package token

import (
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	r := valid()
	r.Name = "Jira's token"
	curl := r.Curl("https://gitlab.example.com/")
	for _, want := range []string{`"PRIVATE-TOKEN: $GITLAB_TOKEN"`, `'{"access_level":20,"expires_at":"2026-12-25","name":"Jira'\''s token","scopes":["read_api"]}'`,
		"https://gitlab.example.com/api/v4/projects/acme%2Fweb/access_tokens"} {
		if !strings.Contains(curl, want) {
			t.Errorf("curl lacks %s:\n%s", want, curl)
		}
	}
	cl := r.CommandLine("https://gitlab.com")
	want := `gitlab-token-wizard create --project acme/web --name 'Jira'\''s token' --access-level reporter --scope read_api --expires-at 2026-12-25`
	if cl != want {
		t.Errorf("CommandLine =\n%s\nwant\n%s", cl, want)
	}
}

func TestTokenCommandLine(t *testing.T) {
	r := Request{Kind: KindGroup, Target: "acme/my group"}
	if got := r.TokenCommandLine("https://gitlab.example.com", "rotate", 58); got != "gitlab-token-wizard rotate --host https://gitlab.example.com --group 'acme/my group' 58" {
		t.Fatalf("got %s", got)
	}
	if got := (Request{Kind: KindProject, Target: "acme/web"}).TokenCommandLine("https://gitlab.com", "revoke", 7); got != "gitlab-token-wizard revoke --project acme/web 7" {
		t.Fatalf("got %s", got)
	}
	// The demo's stand-in moves every run: its commands say --demo.
	if got := (Request{Kind: KindProject, Target: "acme/web"}).TokenCommandLine(DemoHost, "rotate", 7); got != "gitlab-token-wizard rotate --demo --project acme/web 7" {
		t.Fatalf("got %s", got)
	}
}

// A service account's create command names every place its writes make a
// membership on — groups with --member-of, projects with --project — and
// none when the only place is the account's own group (create's default).
func TestServiceAccountCreateCommandNamesEveryPlace(t *testing.T) {
	r := valid()
	r.Kind, r.Target, r.Account = KindServiceAccount, "acme", Account{Username: "jira-bot"}
	head := "gitlab-token-wizard create --group acme --service-account jira-bot"
	tail := " --name 'Jira integration' --access-level reporter --scope read_api --expires-at 2026-12-25"
	for _, tc := range []struct {
		places []Place
		want   string
	}{
		{[]Place{{Kind: KindGroup, Path: "acme"}}, ""},
		{[]Place{{Kind: KindProject, Path: "acme/web"}}, " --project acme/web"},
		{[]Place{{Kind: KindProject, Path: "acme/web"}, {Kind: KindGroup, Path: "acme"}}, " --member-of acme --project acme/web"},
		{[]Place{{Kind: KindGroup, Path: "acme/platform"}}, " --member-of acme/platform"},
		{[]Place{{Kind: KindGroup, Path: "acme"}, {Kind: KindGroup, Path: "acme/my team"}, {Kind: KindProject, Path: "acme/web"}},
			" --member-of acme --member-of 'acme/my team' --project acme/web"},
	} {
		r.Places = tc.places
		if got := r.CommandLine("https://gitlab.com"); got != head+tc.want+tail {
			t.Errorf("%v:\n%s\nwant\n%s", tc.places, got, head+tc.want+tail)
		}
	}
	// A new account's name and email are in its command; an existing
	// one's (create ignores them for it) are not.
	r.Places = nil
	r.Account = Account{Username: "jira-bot", Name: "Jira bot", Email: "team@example.com"}
	if got := r.CommandLine("https://gitlab.com"); !strings.Contains(got, "--account-name 'Jira bot' --account-email team@example.com") {
		t.Errorf("a new account: %s", got)
	}
	r.UserID, r.Account.Email = 5, "jira-bot@noreply.gitlab.example"
	if got := r.CommandLine("https://gitlab.com"); strings.Contains(got, "--account-") {
		t.Errorf("an existing account: %s", got)
	}
}

func TestSubgroupPlace(t *testing.T) {
	for _, tc := range []struct {
		group, path string
		role        Role
		admin, want bool
	}{
		{"acme", "acme/platform", RoleOwner, false, true},
		{"acme", "ACME/platform/tools", RoleOwner, false, true},
		{"acme", "acme/platform", RoleMaintainer, false, false},
		{"acme", "acme/platform", RoleNone, true, true},
		{"acme", "acme", RoleOwner, false, false},       // the account's own group is always offered first
		{"acme", "acmecorp/x", RoleOwner, false, false}, // a prefix is not a parent
		{"acme/platform", "acme/other", RoleOwner, false, false},
	} {
		if got := SubgroupPlace(tc.group, tc.path, tc.role, tc.admin); got != tc.want {
			t.Errorf("SubgroupPlace(%q, %q, %v, %v) = %v", tc.group, tc.path, tc.role, tc.admin, got)
		}
	}
}
