package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/steps"
)

// With stderr not a terminal (2>file), the screens would go to the file
// while the keys still worked: the wizard refuses to start, and nothing is
// sent, let alone created.
func TestWizardRefusesWhenStderrIsNotATerminal(t *testing.T) {
	srv, url := server(t)
	in := strings.NewReader("\r\r\r\r\r\r\r\r")
	var out, errb bytes.Buffer
	env := Env{In: in, Out: &out, Err: &errb, Now: time.Now, IsTerminal: func(f any) bool { return f == any(in) },
		Getenv: func(k string) string {
			return map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}[k]
		}}
	code := Execute(context.Background(), env, nil)
	if code != ExitInvalid || !strings.Contains(errb.String(), "stderr is not a terminal") || !strings.Contains(errb.String(), "nothing is asked or created") {
		t.Fatalf("exit %d:\n%s", code, errb.String())
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Fatalf("sent %d requests, the first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// Review finding 8: the accessible mode ran blind — with 2>file every
// prompt went into the file, and `printf '\n…y\n2\n' | gtw --demo
// --accessible 2>/dev/null` created a token and printed it. The rule is
// the screens': no question where nobody sees it, so exit 2, nothing sent.
// Answers piped to prompts that are seen (stderr a terminal) still work.
func TestAccessibleRefusesWhenStderrIsNotATerminal(t *testing.T) {
	for name, env := range map[string]map[string]string{"--accessible": {}, "TERM=dumb": {"TERM": "dumb"}, "ACCESSIBLE=1": {"ACCESSIBLE": "1"}} {
		t.Run(name, func(t *testing.T) {
			srv, url := server(t)
			vars := map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}
			for k, v := range env {
				vars[k] = v
			}
			var args []string
			if name == "--accessible" {
				args = []string{"--accessible"}
			}
			r := executeEnv(t, vars, "\n\nweb\n\n\n\n\n\n0\ny\n2\n", args...)
			if r.code != ExitInvalid || !strings.Contains(r.stderr, "stderr is not a terminal") || !strings.Contains(r.stderr, "nothing is asked or created") ||
				strings.Contains(r.stderr, "What is the token for?") || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
			}
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Fatalf("sent %d requests, the first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
			}
		})
	}
	// The same answers, the prompts seen: the token is made and printed.
	_, url := server(t)
	if r := ask(t, url, fake.MaintainerToken, "\n\nweb\n\n\n\n\n\n0\ny\n2\n"); r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("with stderr a terminal: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}

// The rule on invisible characters is create's too.
func TestCreateRefusesInvisibleCharactersInNames(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.MaintainerToken, "", "create", "--project", "acme/web", "--name", "Jira\u200bintegration")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "U+200B (zero-width space)") || srv.CountRequests("POST", "/access_tokens") != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

// TERM=linux gets the 16-colour palette (no grey that the console draws black).
func TestTERMLinuxGetsTheANSIPalette(t *testing.T) {
	if !limitedColours(Env{Getenv: func(k string) string { return map[string]string{"TERM": "linux"}[k] }}) {
		t.Fatal("TERM=linux is not a limited terminal")
	}
	if limitedColours(Env{Getenv: func(k string) string { return map[string]string{"TERM": "xterm-256color"}[k] }}) {
		t.Fatal("xterm-256color is a limited terminal")
	}
}

// The accessible mode's hidden prompts (the credential, the guided paste)
// keep at most steps.MaxSecretLen characters of a paste, and say so.
func TestAccessiblePastesAreBounded(t *testing.T) {
	var out bytes.Buffer
	p := prompter{out: &out}
	if got := p.bounded(strings.Repeat("x", 10_000)); len(got) != steps.MaxSecretLen || !strings.Contains(out.String(), "cut to 4096 characters") {
		t.Fatalf("kept %d; said %q", len(got), out.String())
	}
	out.Reset()
	if got := p.bounded("glpat-short"); got != "glpat-short" || out.Len() != 0 {
		t.Fatalf("a token was changed: %q %q", got, out.String())
	}
}
