package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
)

// create --dry-run -F json: the request as one object (method, URL, body,
// curl), the credential as $GITLAB_TOKEN, nothing sent but reads.
func TestDryRunJSON(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.MaintainerToken, "", "create", "--repo", "acme/web", "--dry-run", "-F", "json", "-S", "api", "-D", "90d")
	var got struct {
		DryRun   bool              `json:"dry_run"`
		Method   string            `json:"method"`
		URL      string            `json:"url"`
		Headers  map[string]string `json:"headers"`
		Body     map[string]any    `json:"body"`
		Curl     string            `json:"curl"`
		Command  string            `json:"command"`
		Warnings []string          `json:"warnings"`
	}
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &got) != nil {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !got.DryRun || got.Method != "POST" || got.URL != url+"/api/v4/projects/acme%2Fweb/access_tokens" || got.Headers["PRIVATE-TOKEN"] != "$GITLAB_TOKEN" ||
		got.Body["access_level"] != float64(20) || got.Body["name"] != "Jira integration" || !strings.Contains(got.Curl, got.URL) ||
		!strings.HasPrefix(got.Command, "gitlab-token-wizard create ") || len(got.Warnings) == 0 {
		t.Fatalf("dry run = %+v", got)
	}
	if scopes, _ := got.Body["scopes"].([]any); len(scopes) != 1 || scopes[0] != "api" {
		t.Fatalf("scopes = %v", got.Body["scopes"])
	}
	for _, req := range srv.Requests() {
		if req.Method != "GET" {
			t.Fatalf("dry run sent %s %s", req.Method, req.Path)
		}
	}
}
