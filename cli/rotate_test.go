package cli

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

func TestRotateRenewsAToken(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--no-verify")
	old := strings.TrimSpace(r.stdout)
	id := srv.Tokens("project:100")[0].ID
	r = execute(t, url, fake.MaintainerToken, "", "rotate", "-R", "acme/web", strconv.Itoa(id), "-D", "90d")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	nv := strings.TrimSpace(r.stdout)
	ts := srv.Tokens("project:100")
	want := time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02")
	if nv == old || !strings.HasPrefix(nv, "glpat-") || len(ts) != 2 || !ts[0].Revoked || ts[1].Revoked || ts[1].ExpiresAt != want || ts[1].Value != nv {
		t.Fatalf("after rotate: %+v", ts)
	}
	if !strings.Contains(r.stderr, "PASS  expiry as requested: "+want) || !strings.Contains(r.stderr, "PASS  reads the latest commit") {
		t.Fatalf("verification:\n%s", r.stderr)
	}
	// The old one cannot be rotated again: refused before anything is sent.
	posts := srv.CountRequests("POST", "/rotate")
	r = execute(t, url, fake.MaintainerToken, "", "rotate", "-R", "acme/web", strconv.Itoa(id))
	// GitLab would answer "Token already revoked"; the replacement is named.
	newID := strconv.Itoa(ts[1].ID)
	if r.code != ExitRefused || !strings.Contains(r.stderr, "GitLab refuses to rotate it again") ||
		!strings.Contains(r.stderr, "Its replacement is probably "+newID) || !strings.Contains(r.stderr, "rotate --host "+url+" --project acme/web "+newID) ||
		srv.CountRequests("POST", "/rotate") != posts {
		t.Fatalf("rotating a revoked token: %d\n%s", r.code, r.stderr)
	}
}

// GitLab's rotate rules, checked before sending (rotate_service.rb): the
// caller's role, a role they could not grant, an unknown id; an expired
// token is rotated.
func TestRotateChecksGitLabsRules(t *testing.T) {
	srv, url := server(t)
	exp := time.Now().UTC().AddDate(0, 0, 20).Format("2006-01-02")
	owner := srv.AddResourceToken("project:100", fake.Token{Name: "owner bot", ExpiresAt: exp, Scopes: []string{"api"}, AccessLevel: 50})
	expired := srv.AddResourceToken("project:100", fake.Token{Name: "lapsed", ExpiresAt: time.Now().UTC().AddDate(0, 0, -3).Format("2006-01-02"), Scopes: []string{"read_api"}, AccessLevel: 20})
	for _, tt := range []struct {
		name, cred string
		id         int
		code       int
		want       string
	}{
		{"a Developer", fake.DeveloperToken, owner, ExitRefused, "are Developer on acme/web; rotating project access tokens needs Maintainer or Owner"},
		{"an Owner token by a Maintainer", fake.MaintainerToken, owner, ExitRefused, "has the Owner role, which you (Maintainer here) could not grant"},
		{"an unknown id", fake.MaintainerToken, 9999, ExitRefused, "there is no project access token 9999 on acme/web"},
		{"an expired token", fake.MaintainerToken, expired, ExitOK, "expired on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			posts := srv.CountRequests("POST", "/rotate")
			r := execute(t, url, tt.cred, "", "rotate", "-R", "acme/web", strconv.Itoa(tt.id), "--no-verify")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
			if sent := srv.CountRequests("POST", "/rotate") - posts; (tt.code == ExitOK) != (sent == 1) {
				t.Fatalf("%d rotate requests", sent)
			}
		})
	}
	if r := execute(t, url, fake.MaintainerToken, "", "rotate", "-R", "acme/web"); r.code != ExitInvalid || !strings.Contains(r.stderr, "shows the ids") {
		t.Fatalf("no id: %d\n%s", r.code, r.stderr)
	}
}

func TestRotateLostAnswerPrintsTheWayOut(t *testing.T) {
	srv, url := server(t)
	execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--no-verify")
	id := srv.Tokens("project:100")[0].ID
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/rotate", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	r := execute(t, url, fake.MaintainerToken, "", "rotate", "-R", "acme/web", strconv.Itoa(id))
	i := strings.Index(r.stderr, "To get a value for the replacement: ")
	if r.code != ExitUnknown || i < 0 || srv.CountRequests("POST", "/rotate") != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	args := strings.Fields(strings.SplitN(r.stderr[i+len("To get a value for the replacement: "):], "\n", 2)[0])
	r = execute(t, url, fake.MaintainerToken, "", args[1:]...)
	if r.code != ExitOK || !strings.HasPrefix(strings.TrimSpace(r.stdout), "glpat-") {
		t.Fatalf("running %v: %d\n%s", args, r.code, r.stderr)
	}
	active := 0
	for _, tk := range srv.Tokens("project:100") {
		if !tk.Revoked {
			active++
		}
	}
	if active != 1 {
		t.Fatalf("%d active tokens after the recovery", active)
	}
}

// Personal tokens are rotated with --user: one's own, or anyone's by an
// administrator, checked first as revoke checks them; the request is sent
// once; rotating the token one signed in with is said aloud; a read_api
// credential is told that rotating needs api.
func TestRotatePersonalTokens(t *testing.T) {
	srv, url := server(t)
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	own := tokenID(t, srv, srv.AddPersonalToken(2, "laptop", []string{"read_api"}, in(5)))
	olivias := tokenID(t, srv, srv.AddPersonalToken(4, "olivia's", []string{"read_api"}, in(5)))
	rotates := func() int { return srv.CountRequests("POST", "/rotate") }

	// The list's advice is the exact command.
	r := execute(t, url, fake.MaintainerToken, "", "list", "-U", "@me")
	if want := "gitlab-token-wizard rotate --host " + url + " --user @me " + itoa(own) + " --duration 90d"; r.code != ExitOK || !strings.Contains(r.stderr, want) ||
		strings.Contains(r.stderr, "User settings") {
		t.Fatalf("list's advice lacks %q:\n%s", want, r.stderr)
	}

	r = execute(t, url, fake.MaintainerToken, "", "rotate", "-U", "@me", itoa(own), "-D", "60d")
	nv := strings.TrimSpace(r.stdout)
	if r.code != ExitOK || !strings.HasPrefix(nv, "glpat-") || rotates() != 1 || srv.CountRequests("POST", "/personal_access_tokens/"+itoa(own)+"/rotate") != 1 ||
		!strings.Contains(r.stderr, "PASS  expiry as requested: "+in(60)) {
		t.Fatalf("own token: exit %d\n%s", r.code, r.stderr)
	}
	for _, tk := range srv.Tokens("*") {
		if tk.ID == own && !tk.Revoked || tk.Value == nv && (tk.Revoked || tk.Name != "laptop" || tk.UserID != 2) {
			t.Fatalf("after the rotation: %+v", tk)
		}
	}
	for _, tt := range []struct {
		name, cred string
		args       []string
		want       string
	}{
		{"another user's, by a user", fake.MaintainerToken, []string{"-U", "olivia", itoa(olivias)}, "only administrators may rotate another user's tokens, and you (alice) are not one: ask @olivia"},
		{"someone else's id as one's own", fake.MaintainerToken, []string{"-U", "@me", itoa(olivias)}, "@alice has no personal access token " + itoa(olivias)},
		{"a revoked one", fake.MaintainerToken, []string{"-U", "@me", itoa(own)}, "GitLab refuses to rotate it again"},
		{"a read_api credential", fake.ReadOnlyToken, []string{"-U", "@me", itoa(own)}, "your credential has the scopes read_api but rotating tokens needs api"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := rotates()
			r := execute(t, url, tt.cred, "", append([]string{"rotate", "--no-verify"}, tt.args...)...)
			if r.code != ExitRefused || !strings.Contains(r.stderr, tt.want) || rotates() != before || strings.Contains(r.stderr, "creating tokens") {
				t.Fatalf("exit %d, %d rotations:\n%s", r.code, rotates()-before, r.stderr)
			}
		})
	}
	// An administrator rotates anyone's.
	if r := execute(t, url, fake.AdminToken, "", "rotate", "-U", "olivia", itoa(olivias), "--no-verify"); r.code != ExitOK || !strings.HasPrefix(strings.TrimSpace(r.stdout), "glpat-") {
		t.Fatalf("an administrator: exit %d\n%s", r.code, r.stderr)
	}
	// The token one signed in with: said before it is sent.
	signIn := srv.AddPersonalToken(2, "sign-in", []string{"api"}, in(30))
	r = execute(t, url, signIn, "", "rotate", "-U", "@me", itoa(tokenID(t, srv, signIn)), "--no-verify")
	if r.code != ExitOK || !strings.Contains(r.stderr, "is the one you signed in with (the token in GITLAB_TOKEN): it stops working once rotated") {
		t.Fatalf("the sign-in token: exit %d\n%s", r.code, r.stderr)
	}
}
