package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
)

// The accessible wizard asks the service-account questions from the same
// catalogue, lists every write before the one confirmation, and makes each
// once.
func TestAccessibleWizardMakesAServiceAccountToken(t *testing.T) {
	srv, url := server(t)
	srv.SeedDemoServiceAccounts()
	file := filepath.Join(t.TempDir(), "jira.token")
	answers := strings.Join([]string{
		"",                 // purpose: jira-read
		"4",                // kind: service account
		"integrations",     // search
		"",                 // integrations
		"",                 // + create a new one
		"",                 // name: Jira integration
		"",                 // username: jira-integration
		"team@example.com", // email
		"web",              // project search
		"2",                // tick acme/web
		"0",                // done
		"",                 // token name
		"",                 // no description
		"",                 // 30 days
		"",                 // role: Reporter
		"0",                // scopes: read_api
		"y",                // send the writes
		"",                 // save to a file
		file,               // its name
	}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"service account (recommended for more than one project)", "Which group owns the service account?",
		"+ create a new one", "GitLab sends the expiry mail", "Where does the service account get access?",
		"Every write, in order, each sent once:", "# the service account", "# Reporter access on project acme/web", "# the token",
		"--service-account jira-integration", "Send these 3 writes now?", "project acme/web: Reporter",
		"PASS  acts as a user: @jira-integration", "Saved to " + file} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
	if n, m, k := srv.CountRequests("POST", "/service_accounts"), srv.CountRequests("POST", "/members"), srv.CountRequests("POST", "/personal_access_tokens"); n != 1 || m != 1 || k != 1 {
		t.Fatalf("writes: %d accounts, %d memberships, %d tokens\n%s", n, m, k, r.stderr)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.HasPrefix(string(b), "glpat-") {
		t.Fatalf("saved %q, %v", b, err)
	}
}

// A caller who owns no group hears why there is no service account, and
// choosing it anyway asks again.
func TestAccessibleWizardSaysWhyThereIsNoServiceAccount(t *testing.T) {
	srv, url := server(t)
	answers := strings.Join([]string{"", "4", "1"}, "\n") + "\n" // then a project token, where dave maintains none
	r := ask(t, url, fake.DeveloperToken, answers)
	if !strings.Contains(r.stderr, "not available: you own no top-level group") || strings.Contains(r.stderr, "Which group owns the service account?") ||
		!strings.Contains(r.stderr, "Search for the project") || r.code != ExitInvalid || !strings.Contains(r.stderr, "the input has ended: nothing was sent") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, q := range srv.Requests() {
		if q.Method != "GET" {
			t.Fatalf("sent %s %s", q.Method, q.Path)
		}
	}
}

// When the group's accounts cannot be read, whether the account exists is
// not known: the accessible mode stops before the confirmation, says
// nothing was sent, and sends nothing (second review, 1).
func TestAccessibleWizardStopsWhenTheAccountIsUnknown(t *testing.T) {
	srv, url := server(t)
	srv.SeedDemoServiceAccounts()
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Kind: fake.FaultStatus, Status: 500, Body: `{"message":"500 Internal Server Error"}`})
	answers := strings.Join([]string{"", "4", "integrations", "", "", "", "", "team@example.com", "web", "2", "0", "", "", "", "", "0", "y"}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	if r.code == ExitOK || strings.Contains(r.stderr, "Send these") ||
		!strings.Contains(r.stderr, "could not tell whether integrations already has a service account @jira-integration, so nothing was sent") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, q := range srv.Requests() {
		if q.Method != "GET" {
			t.Fatalf("sent %s %s", q.Method, q.Path)
		}
	}
}

// The accessible places question offers the subgroups of the account's
// group too, from the same rule as the wizard's (token.SubgroupPlace).
func TestAccessibleWizardOffersSubgroups(t *testing.T) {
	srv, url := server(t)
	answers := strings.Join([]string{
		"",                 // purpose: jira-read
		"4",                // kind: service account
		"acme",             // search
		"",                 // acme
		"",                 // + create a new one
		"",                 // name
		"",                 // username
		"team@example.com", // email
		"platform",         // subgroup and project search
		"2",                // tick group acme/platform
		"0",                // done
		"",                 // token name
		"",                 // description
		"",                 // 30 days
		"",                 // role: Reporter
		"0",                // scopes: read_api
		"n",                // do not send
	}, "\n") + "\n"
	r := ask(t, url, fake.OwnerToken, answers)
	for _, w := range []string{"Search for subgroups and projects", "group acme/platform", "# Reporter access on group acme/platform",
		"--member-of acme/platform", "Send these 3 writes now?"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
	for _, q := range srv.Requests() {
		if q.Method != "GET" {
			t.Fatalf("sent %s %s (exit %d)\n%s", q.Method, q.Path, r.code, r.stderr)
		}
	}
}
