package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// ask runs the accessible wizard with answers on stdin, as a person at a
// terminal (or a helper that watches the prompts) answers it: stderr, where
// the questions go, is a terminal, and stdin is not.
func ask(t *testing.T, url, cred, answers string) run {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{In: strings.NewReader(answers), Out: &out, Err: &errb, Now: time.Now, IsTerminal: func(f any) bool { return f == any(&errb) },
		Getenv:       func(k string) string { return map[string]string{"GITLAB_TOKEN": cred, "GITLAB_HOST": url}[k] },
		OrphanWindow: testOrphanWindow}
	code := Execute(context.Background(), env, []string{"--accessible"})
	r := run{code, out.String(), errb.String()}
	if strings.Contains(r.stdout, cred) || strings.Contains(r.stderr, cred) {
		t.Fatalf("the credential appeared in the output:\n%s\n%s", r.stdout, r.stderr)
	}
	return r
}

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
		"",    // no description
		"2",   // 90 days
		"",    // role: Reporter
		"0",   // scopes: read_api as preset
		"y",   // create
		"",    // save to a file
		file,  // its name
	}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
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
		"no at the review": "\n\nweb\n\n\n\n\n\n0\nn\n",
		"input ends early": "\n\nweb\n",
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := server(t)
			r := ask(t, url, fake.MaintainerToken, answers)
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
	// The purpose, the kind (personal), the project Jira reads, then the
	// name, description, expiry and scopes, as the full-screen steps ask.
	answers := strings.Join([]string{"", "3", "acme/web", "", "", "", "", short, good}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	if r.code != ExitOK || !strings.Contains(r.stderr, "/-/user_settings/personal_access_tokens?name=Jira+integration&scopes=read_api") ||
		!strings.Contains(r.stderr, "expires in 2 days") || !strings.Contains(r.stderr, "The token is ready") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, short) || strings.Contains(r.stderr+r.stdout, good) {
		t.Fatal("a pasted token was printed")
	}
}

// On the guided path the advice fits why a pasted token failed: a token
// GitLab does not know is pasted again, someone else's is not the user's to
// revoke; only a token that works but does not fit is to be revoked.
func TestAccessibleGuidedAdviceFitsTheCause(t *testing.T) {
	srv, url := server(t)
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	olivias := srv.AddPersonalToken(3, "Jira", []string{"read_api"}, in(60))
	short := srv.AddPersonalToken(2, "Jira", []string{"read_api"}, in(2))
	for _, tt := range []struct {
		name, pasted, want string
		revoke             bool
	}{
		{"a bogus token", "glpat-typo-not-a-token-00", "GitLab does not know that token: paste the whole token", false},
		{"someone else's token", olivias, "That token is another user's, not yours to revoke", false},
		{"a token that does not fit", short, "Fix this in GitLab (revoke that token", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// purpose, kind, project; name, description, expiry, scopes; the paste
			answers := strings.Join([]string{"", "3", "acme/web", "", "", "", "", tt.pasted, ""}, "\n") + "\n"
			r := ask(t, url, fake.MaintainerToken, answers)
			if !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, "revoke that token") != tt.revoke {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}

func TestAccessiblePrintsOnlyWhenAsked(t *testing.T) {
	_, url := server(t)
	answers := "\n\nweb\n\n\n\n\n\n0\ny\n2\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}

// watcher is stderr that tells when a text has appeared, so that a test can
// act at a prompt without guessing how long to wait.
type watcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return len(p), nil
}

func (w *watcher) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.buf.String() }

// interruptAt answers the accessible wizard with answers, then presses
// ctrl+c (cancels the context, as SIGINT does) once prompt is on screen.
func interruptAt(t *testing.T, url, answers, prompt string) (int, string) {
	t.Helper()
	in, feed := io.Pipe()
	errw := &watcher{want: prompt, seen: make(chan struct{})}
	seen := errw.seen
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := Env{In: in, Out: io.Discard, Err: errw, Now: time.Now, IsTerminal: func(f any) bool { return f == any(errw) },
		Getenv: func(k string) string {
			return map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}[k]
		}}
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, env, []string{"--accessible"}) }()
	go func() { _, _ = io.WriteString(feed, answers) }()
	select {
	case <-seen:
	case code := <-done:
		t.Fatalf("ended (%d) before %q:\n%s", code, prompt, errw)
	case <-time.After(30 * time.Second):
		t.Fatalf("still waiting for %q after 30s:\n%s", prompt, errw)
	}
	cancel()
	code := <-done
	_ = feed.Close()
	return code, errw.String()
}

// Ctrl+C at a prompt ends the run at once with 130; before the create
// nothing was sent, and after it the token that went nowhere is revoked.
func TestAccessibleCtrlCAtAnyPrompt(t *testing.T) {
	tests := []struct {
		name, answers, prompt string
		created               bool
	}{
		{"first prompt", "", "What is the token for?", false},
		{"search", "\n\n", "Search for the project", false},
		{"scopes", "\n\nweb\n\n\n\n\n\n", "Which scopes?", false},
		{"create", "\n\nweb\n\n\n\n\n\n\n", "Create this token now?", false},
		{"keep, after the create", "\n\nweb\n\n\n\n\n\n\ny\n", "Where should the token go?", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			code, stderr := interruptAt(t, url, tt.answers, tt.prompt)
			if code != ExitInterrupted {
				t.Fatalf("exit %d, want %d:\n%s", code, ExitInterrupted, stderr)
			}
			posts := srv.CountRequests("POST", "/access_tokens")
			if !tt.created {
				if posts != 0 || !strings.Contains(stderr, "nothing was") {
					t.Fatalf("%d creates; stderr:\n%s", posts, stderr)
				}
				return
			}
			ts := srv.Tokens("project:100")
			if posts != 1 || len(ts) != 1 || !ts[0].Revoked || !strings.Contains(stderr, "was revoked") {
				t.Fatalf("a token that went nowhere must be revoked: %+v\n%s", ts, stderr)
			}
		})
	}
}

// An empty line in the scope list keeps the ticked scopes, as README says.
func TestAccessibleEmptyLineKeepsTheScopes(t *testing.T) {
	srv, url := server(t)
	r := ask(t, url, fake.MaintainerToken, "\n\nweb\n\n\n\n\n\n\ny\n2\n")
	ts := srv.Tokens("project:100")
	if r.code != ExitOK || len(ts) != 1 || strings.Join(ts[0].Scopes, ",") != "read_api" || strings.Contains(r.stderr, "Invalid") {
		t.Fatalf("exit %d, tokens %+v\n%s", r.code, ts, r.stderr)
	}
}

// The end says what the result screen says: hand-off, Jira steps, the
// exact rotate command, and where the file is.
func TestAccessibleEndShowsHandOffJiraStepsAndRotate(t *testing.T) {
	_, url := server(t)
	file := filepath.Join(t.TempDir(), "jira.token")
	r := ask(t, url, fake.MaintainerToken, "\n\nweb\n\n\n\n\n\n0\ny\n\n"+file+"\n")
	for _, want := range []string{"Hand-off summary", "project token id 7", "Next, in Jira", "Paste the token; repository: acme/web",
		"gitlab-token-wizard rotate --host " + url + " --project acme/web 7", "The token is in " + file} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in:\n%s", want, r.stderr)
		}
	}
}

// Review finding 8: the accessible mode decides as create does (the
// same-name warning before the question) and, after a lost answer, names
// the orphaned token with the command that revokes it.
func TestAccessibleWizardWarnsAndNamesTheOrphan(t *testing.T) {
	srv, url := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02")
	srv.AddResourceToken("project:100", fake.Token{Name: "Jira integration", ExpiresAt: exp, Scopes: []string{"read_api"}, AccessLevel: 20})
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	answers := strings.Join([]string{"", "", "web", "", "", "", "2", "", "0", "y"}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	if r.code != ExitUnknown {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	warn := strings.Index(r.stderr, `already has 1 active token(s) named "Jira integration"`)
	question := strings.LastIndex(r.stderr, "Create")
	if warn < 0 || warn > question {
		t.Fatalf("no same-name warning before the question:\n%s", r.stderr)
	}
	var orphan int
	for _, tk := range srv.Tokens("project:100") {
		orphan = max(orphan, tk.ID)
	}
	want := fmt.Sprintf("To revoke the orphaned token: gitlab-token-wizard revoke --host %s --project acme/web %d", url, orphan)
	if !strings.Contains(r.stderr, want) {
		t.Fatalf("lacks %q:\n%s", want, r.stderr)
	}
}

// Review finding 1: on the guided path the accessible mode went from the
// project straight to GitLab's form with the defaults, where the screens
// ask for the name, a description, the expiry and the scopes; and it never
// asked for a description at all. It now asks what the screens ask, in
// their order (steps.Order), and the form link carries the answers.
func TestAccessibleGuidedPathAsksWhatTheScreensAsk(t *testing.T) {
	srv, url := server(t)
	srv.SetVersion("18.2.0") // the form takes a description from 18.1
	answers := strings.Join([]string{"", "3", "acme/web", "Jira for acme", "JIRA-42", "2", "2", ""}, "\n") + "\n"
	r := ask(t, url, fake.MaintainerToken, answers)
	prompts := []string{"Which project will Jira read?", "Token name", "Description", "When should it expire?", "Which scopes?", "Paste the new token"}
	at := 0
	for _, p := range prompts {
		i := strings.Index(r.stderr[at:], p)
		if i < 0 {
			t.Fatalf("no %q after the prompts before it:\n%s", p, r.stderr)
		}
		at += i
	}
	in90 := token.Today(time.Now()).AddDate(0, 0, 90).Format(token.DateLayout)
	for _, want := range []string{"/-/user_settings/personal_access_tokens?description=JIRA-42&name=Jira+for+acme&scopes=read_api,api",
		"set the expiration date to " + in90} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in:\n%s", want, r.stderr)
		}
	}
	if r.code != ExitInterrupted || !strings.Contains(r.stderr, "no token was checked") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

// One rule for both modes: every step the screens show after the kind, for
// every kind, has its accessible question (or is the review or the guide,
// where the accessible run ends).
func TestAccessibleModeHasAQuestionForEveryStep(t *testing.T) {
	for _, k := range []token.Kind{token.KindProject, token.KindGroup, token.KindPersonal, token.KindServiceAccount} {
		for _, admin := range []bool{false, true} {
			order := steps.Order(k, admin, false)
			for _, id := range order[slices.Index(order, steps.Kind)+1:] {
				if _, ok := questions[id]; !ok && id != steps.Review && id != steps.Guide {
					t.Errorf("%s token (admin %v): no accessible question for the %s step", k, admin, id)
				}
			}
			if last := order[len(order)-1]; last != steps.Review && last != steps.Guide {
				t.Errorf("%s token (admin %v) ends with %s", k, admin, last)
			}
		}
	}
}

// Input that ends at a multiple choice with nothing ticked stops the run
// (exit 2, nothing sent); huh asked again forever, printing its complaint
// and deaf to every signal.
func TestAccessibleScopesAtTheEndOfInputStop(t *testing.T) {
	srv, url := server(t)
	// custom purpose, project kind, the first project, a name; description,
	// expiry and role by default; then the input ends at the scopes.
	answers := "3\n1\n\n1\nx\n\n\n\n"
	done := make(chan run, 1)
	go func() { done <- ask(t, url, fake.MaintainerToken, answers) }()
	select {
	case r := <-done:
		if r.code != ExitInvalid || !strings.Contains(r.stderr, `the input ended before "Which scopes?" was answered`) || len(r.stderr) > 64<<10 {
			t.Fatalf("exit %d, %d bytes on stderr:\n%.3000s", r.code, len(r.stderr), r.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the scopes question is still being asked of input that ended")
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("%d creates", n)
	}
}

// As on the screens, a group the caller only maintains is listed with the
// reason and refused; input that ends there stops the run (nothing sent).
func TestAccessibleRefusesAGroupTheCallerCannotUse(t *testing.T) {
	srv, url := server(t)
	done := make(chan run, 1)
	go func() { done <- ask(t, url, fake.MaintainerToken, "\n2\nacme/platform\n1\n") }()
	select {
	case r := <-done:
		if r.code != ExitInvalid || !strings.Contains(r.stderr, "group access tokens need Owner") {
			t.Fatalf("exit %d:\n%.4000s", r.code, r.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the group question is still being asked of input that ended")
	}
	if n := srv.CountRequests("POST", "/access_tokens"); n != 0 {
		t.Fatalf("%d creates", n)
	}
}
