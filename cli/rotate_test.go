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
