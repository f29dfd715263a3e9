package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/gitlab/fake/browser"
)

var linkRE = regexp.MustCompile(`https?://\S+/-/user_settings/personal_access_tokens\?\S+`)

// TestGuidedPersonalPathInTmux runs the real binary against the stand-in
// server as a non-administrator who wants a personal token: the wizard shows
// GitLab's prefilled form link and opens it ($BROWSER records it), the test
// plays the browser and creates the token in the form, pastes it into the
// wizard, and reads the verdict on the screen.
func TestGuidedPersonalPathInTmux(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	opened := filepath.Join(dir, "opened.txt")
	opener := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(opener, []byte("#!/bin/sh\nprintf '%s\\n' \"$1\" >> "+opened+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	tt := startTerm(t, dir, 110, 40, "env NO_COLOR=1 BROWSER="+opener+" GITLAB_HOST="+ts.URL+" GITLAB_TOKEN="+fake.MaintainerToken+" "+bin+"; echo EXIT=$?; sleep 30")
	tt.wait("What is the token for?")
	tt.keys("Enter")
	tt.wait("Which kind of token?")
	tt.keys("Down", "Down", "Enter")
	tt.wait("Which project will Jira read?")
	tt.wait("you: Maintainer")
	for _, next := range []string{"Name the token", "When should it expire?", "Which scopes?", "Create the token in GitLab, then paste it here"} {
		tt.keys("Enter")
		tt.wait(next)
	}
	screen := tt.wait("opened in your browser")
	joined := strings.ReplaceAll(screen, "\n", "")
	link := linkRE.FindString(joined)
	if link == "" || !strings.Contains(link, "scopes=read_api") {
		t.Fatalf("no form link on the screen:\n%s", screen)
	}
	var got []byte
	for i := 0; i < 50 && len(got) == 0; i++ {
		got, _ = os.ReadFile(opened)
		time.Sleep(50 * time.Millisecond)
	}
	if strings.TrimSpace(string(got)) != link {
		t.Fatalf("browser opened %q, screen shows %q", got, link)
	}

	// The browser: the form, prefilled from the link, submitted with an expiry.
	u, _ := url.Parse(link)
	form := u.Query()
	form.Set("expires_at", time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02"))
	short, err := browser.SubmitPATForm(ts.URL, u.Path, fake.MaintainerToken, form)
	if err != nil {
		t.Fatal(err)
	}
	tt.paste(short)
	tt.keys("Enter")
	screen = tt.wait("FAIL  expiry")
	if !strings.Contains(screen, "expires in 2 days") || strings.Contains(screen, short) {
		t.Fatalf("verdict on a token that expires too soon:\n%s", screen)
	}
	form.Set("expires_at", time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"))
	good, err := browser.SubmitPATForm(ts.URL, u.Path, fake.MaintainerToken, form)
	if err != nil {
		t.Fatal(err)
	}
	tt.paste(good)
	tt.keys("Enter")
	screen = tt.wait("ready for Jira")
	if strings.Count(screen, "PASS") != 6 || strings.Contains(screen, good) {
		t.Fatalf("verdict on a good token:\n%s", screen)
	}
	tt.keys("Enter")
	tt.wait("EXIT=0")
	all := tt.run("capture-pane", "-p", "-J", "-S", "-1000", "-t", tt.session)
	if strings.Contains(all, good) || strings.Contains(all, short) || !strings.Contains(all, "ready for Jira; it reads acme/web") {
		t.Fatalf("after exit:\n%s", all)
	}
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/api/") {
			t.Fatalf("the wizard created something itself: %s %s", r.Method, r.Path)
		}
	}
}
