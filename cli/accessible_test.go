package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// The accessible wizard, answered line by line as a screen reader user (or a
// script) would: an empty line keeps the default.
func TestAccessibleWizardCreatesAndSaves(t *testing.T) {
	srv, url := server(t)
	file := filepath.Join(t.TempDir(), "jira.token")
	answers := strings.Join([]string{
		"",    // purpose: jira-read
		"",    // kind: project
		"web", // search
		"",    // acme/web
		"",    // name: Jira integration
		"2",   // 90 days
		"",    // role: Reporter
		"0",   // scopes: read_api as preset
		"y",   // create
		"",    // save to a file
		file,  // its name
	}, "\n") + "\n"
	r := execute(t, url, fake.MaintainerToken, answers, "--accessible")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(file)
	st, _ := os.Stat(file)
	if err != nil || !strings.HasPrefix(string(b), "glpat-") || st.Mode().Perm() != 0o600 {
		t.Fatalf("saved: %q %v", b, err)
	}
	if strings.Contains(r.stderr+r.stdout, strings.TrimSpace(string(b))) {
		t.Fatal("the saved token was also printed")
	}
	ts := srv.Tokens("project:100")
	want := time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02")
	if len(ts) != 1 || ts[0].AccessLevel != 20 || ts[0].ExpiresAt != want || strings.Join(ts[0].Scopes, ",") != "read_api" {
		t.Fatalf("token %+v", ts)
	}
	for _, w := range []string{"Which project? (Enter keeps 1)", "PASS  reads the latest commit of acme/web", "Saved to " + file} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
}

func TestAccessibleWizardSendsNothingUnlessConfirmed(t *testing.T) {
	for name, answers := range map[string]string{
		"no at the review": "\n\nweb\n\n\n\n\n0\nn\n",
		"input ends early": "\n\nweb\n",
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := server(t)
			r := execute(t, url, fake.MaintainerToken, answers, "--accessible")
			if r.code != ExitInterrupted || srv.CountRequests("POST", "/access_tokens") != 0 {
				t.Fatalf("exit %d, %d POSTs\n%s", r.code, srv.CountRequests("POST", "/access_tokens"), r.stderr)
			}
		})
	}
}

func TestAccessibleGuidedPersonalToken(t *testing.T) {
	srv, url := server(t)
	short := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02"))
	good := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	answers := strings.Join([]string{"", "3", "acme/web", short, good}, "\n") + "\n"
	r := execute(t, url, fake.MaintainerToken, answers, "--accessible")
	if r.code != ExitOK || !strings.Contains(r.stderr, "/-/user_settings/personal_access_tokens?name=Jira+integration&scopes=read_api") ||
		!strings.Contains(r.stderr, "expires in 2 days") || !strings.Contains(r.stderr, "The token is ready") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, short) || strings.Contains(r.stderr+r.stdout, good) {
		t.Fatal("a pasted token was printed")
	}
}

func TestAccessiblePrintsOnlyWhenAsked(t *testing.T) {
	_, url := server(t)
	answers := "\n\nweb\n\n\n\n\n0\ny\n2\n"
	r := execute(t, url, fake.MaintainerToken, answers, "--accessible")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}
