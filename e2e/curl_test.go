package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// The curl command the review shows (and copies) creates the token it
// describes: pasted into a shell, as the ticket will use it.
func TestReviewCurlCommandWorks(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	r := token.Request{Kind: token.KindProject, Target: "acme/web", Name: "Jira's integration", Description: "PROJ-12 & more",
		Role: token.RoleReporter, Scopes: []token.Scope{"read_api", "read_repository"}, ExpiresAt: token.DefaultExpiry(time.Now())}
	cmd := exec.Command("sh", "-c", strings.Join(r.CurlCommand(ts.URL).Lines(80), "\n"))
	cmd.Env = append(os.Environ(), "GITLAB_TOKEN="+fake.MaintainerToken)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"token":"glpat-`) {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	ts1 := srv.Tokens("project:100")
	if len(ts1) != 1 || ts1[0].Name != r.Name || ts1[0].Description != r.Description || ts1[0].AccessLevel != 20 ||
		strings.Join(ts1[0].Scopes, ",") != "read_api,read_repository" || ts1[0].ExpiresAt != r.ExpiresAt.Format(token.DateLayout) {
		t.Fatalf("created %+v", ts1)
	}
}
