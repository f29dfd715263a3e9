package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// executeStdinTTY runs the command line with stdin a terminal (stdout not),
// so that revoke may ask.
func executeStdinTTY(t *testing.T, vars map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	in := strings.NewReader(stdin)
	env := Env{In: in, Out: &out, Err: &errb, Now: time.Now, IsTerminal: func(f any) bool { return f == any(in) },
		Getenv: func(k string) string { return vars[k] }, OrphanWindow: testOrphanWindow}
	code := Execute(context.Background(), env, args)
	return run{code, out.String(), errb.String()}
}

// Rights first, then the token: a caller who may not revoke is told the
// rule, never that the path or their credential is wrong; an unknown id
// points at list; nothing is sent in either case.
func TestRevokeChecksRightsFirst(t *testing.T) {
	srv, url := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 40).Format("2006-01-02")
	web := srv.AddResourceToken("project:100", fake.Token{Name: "Jira", ExpiresAt: exp, Scopes: []string{"read_api"}, AccessLevel: 20})
	acme := srv.AddResourceToken("group:10", fake.Token{Name: "Acme Jira", ExpiresAt: exp, Scopes: []string{"read_api"}, AccessLevel: 20})
	for _, tt := range []struct {
		name, cred string
		args       []string
		want       []string
	}{
		{"a Developer on the project", fake.DeveloperToken, []string{"-R", "acme/web", strconv.Itoa(web)},
			[]string{"you (dave) are Developer on project acme/web; to revoke its access tokens GitLab requires Maintainer or Owner"}},
		{"a Developer, an unknown id", fake.DeveloperToken, []string{"-R", "acme/web", "999"}, []string{"requires Maintainer or Owner"}},
		{"a Maintainer on a group", fake.MaintainerToken, []string{"-g", "acme", strconv.Itoa(acme)}, []string{"you (alice) are Developer on group acme", "requires Owner"}},
		{"an unknown id", fake.MaintainerToken, []string{"-R", "acme/web", "999"},
			[]string{"there is no project access token 999 on acme/web", "list --host " + url + " --project acme/web shows the ids"}},
		{"another user's tokens", fake.MaintainerToken, []string{"--user", "olivia", "3"},
			[]string{"only administrators may revoke another user's tokens, and you (alice) are not one", "revoke your own with --user @me"}},
		{"someone else's id as one's own", fake.MaintainerToken, []string{"--user", "@me", "3"}, []string{"@alice has no personal access token 3", "list --host " + url + " --user @me"}},
		{"an administrator, the wrong user", fake.AdminToken, []string{"--user", "olivia", "2"}, []string{"belongs to user id 2, not to @olivia"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := execute(t, url, tt.cred, "", append([]string{"revoke", "--yes"}, tt.args...)...)
			if r.code != ExitRefused {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, bad := range []string{"check the path", "GITLAB_TOKEN", "did not accept your credential"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("blames the wrong thing (%q):\n%s", bad, r.stderr)
				}
			}
			if n := srv.CountRequests("DELETE", ""); n != 0 {
				t.Fatalf("%d revoke requests sent", n)
			}
		})
	}
	// The rights and the token are read together (the pre-flight's reads,
	// the project, the token itself), then the one DELETE.
	before := len(srv.Requests())
	if r := execute(t, url, fake.MaintainerToken, "", "revoke", "--yes", "-R", "acme/web", strconv.Itoa(web)); r.code != ExitOK {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if n := len(srv.Requests()) - before; n > 7 || srv.CountRequests("DELETE", "") != 1 {
		t.Fatalf("%d requests for one revoke: %+v", n, srv.Requests()[before:])
	}
}

// A terminal is asked; the question names the token. Without a terminal,
// --yes is required. A revoked token is said to be, with exit 0.
func TestRevokeAsksAndSaysAlreadyRevoked(t *testing.T) {
	srv, url := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 40).Format("2006-01-02")
	id := srv.AddResourceToken("project:100", fake.Token{Name: "Jira sync", ExpiresAt: exp, Scopes: []string{"read_api"}, AccessLevel: 20})
	vars := map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": url}
	args := []string{"revoke", "-R", "acme/web", strconv.Itoa(id)}
	revoked := func() bool { return srv.Tokens("project:100")[0].Revoked }

	r := executeStdinTTY(t, vars, "n\n", args...)
	question := `Revoke project access token ` + strconv.Itoa(id) + ` "Jira sync" on acme/web (Reporter; read_api; expires ` + exp
	if r.code != ExitInterrupted || !strings.Contains(r.stderr, question) || !strings.Contains(r.stderr, "[y/N]") ||
		!strings.Contains(r.stderr, "nothing was revoked") || revoked() {
		t.Fatalf("answered no: exit %d:\n%s", r.code, r.stderr)
	}
	r = executeEnv(t, vars, "", append(args, "-F", "json")...)
	var unconfirmed map[string]any
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "stdin is not a terminal") || !strings.Contains(r.stderr, "add --yes") || revoked() ||
		json.Unmarshal([]byte(r.stdout), &unconfirmed) != nil || unconfirmed["revoked"] != false || unconfirmed["name"] != "Jira sync" {
		t.Fatalf("no terminal, no --yes: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = executeStdinTTY(t, vars, "y\n", args...)
	if r.code != ExitOK || !strings.Contains(r.stderr, "Revoked project access token "+strconv.Itoa(id)+` "Jira sync" on acme/web`) || !revoked() {
		t.Fatalf("answered yes: exit %d:\n%s", r.code, r.stderr)
	}
	deletes := srv.CountRequests("DELETE", "")
	r = executeStdinTTY(t, vars, "", append(args, "-F", "json")...)
	var got map[string]any
	if r.code != ExitOK || !strings.Contains(r.stderr, "was already revoked") || strings.Contains(r.stderr, "[y/N]") ||
		json.Unmarshal([]byte(r.stdout), &got) != nil || got["already_revoked"] != true || got["name"] != "Jira sync" {
		t.Fatalf("already revoked: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if srv.CountRequests("DELETE", "") != deletes {
		t.Fatal("a revoked token was revoked again")
	}
}

// Revoking the token one signed in with is said before it happens: in the
// question on a terminal, as a warning with --yes; another token is not.
func TestRevokeWarnsAboutTheSignInToken(t *testing.T) {
	srv, url := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	signIn := srv.AddPersonalToken(2, "sign-in", []string{"api"}, exp)
	other := srv.AddPersonalToken(2, "laptop", []string{"api"}, exp)
	vars := map[string]string{"GITLAB_TOKEN": signIn, "GITLAB_HOST": url}
	const said = "It is the token you signed in with (the token in GITLAB_TOKEN): once it is revoked, every command signed in with it fails"
	r := executeStdinTTY(t, vars, "n\n", "revoke", "-U", "@me", itoa(tokenID(t, srv, signIn)))
	if r.code != ExitInterrupted || !strings.Contains(r.stderr, said) || !strings.Contains(r.stderr, "[y/N]") {
		t.Fatalf("on a terminal: exit %d:\n%s", r.code, r.stderr)
	}
	if r := execute(t, url, signIn, "", "revoke", "-U", "@me", itoa(tokenID(t, srv, other)), "--yes"); r.code != ExitOK || strings.Contains(r.stderr, "signed in with") {
		t.Fatalf("another token: exit %d:\n%s", r.code, r.stderr)
	}
	r = execute(t, url, signIn, "", "revoke", "-U", "@me", itoa(tokenID(t, srv, signIn)), "--yes")
	if r.code != ExitOK || !strings.Contains(r.stderr, "warning: "+said) {
		t.Fatalf("--yes: exit %d:\n%s", r.code, r.stderr)
	}
}

// -F json: one object, the fields --help documents.
func TestRevokeJSON(t *testing.T) {
	srv, url := server(t)
	v := srv.AddPersonalToken(2, "laptop", []string{"api"}, time.Now().UTC().AddDate(0, 0, 9).Format("2006-01-02"))
	id := tokenID(t, srv, v)
	r := execute(t, url, fake.MaintainerToken, "", "revoke", "-U", "@me", strconv.Itoa(id), "-y", "-F", "json")
	var got map[string]any
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for k, want := range map[string]any{"id": float64(id), "kind": "personal", "target": "@me", "name": "laptop", "revoked": true, "already_revoked": false} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if _, ok := got["expires_at"]; !ok || got["scopes"] == nil {
		t.Errorf("json = %v", got)
	}
}
