package cli

// Issue 10's items through the command line against the stand-in, which
// follows GitLab's source (and gitlab/contract holds it to that).

import (
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

func TestCreateFollowsTheInstancesRules(t *testing.T) {
	in := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	tests := []struct {
		name  string
		setup func(*fake.Server)
		cred  string
		args  []string
		code  int
		posts int
		want  []string
	}{
		{"a Maintainer asks for Planner: refused before sending", nil, fake.MaintainerToken, []string{"-A", "planner"}, ExitInvalid, 0,
			[]string{"cannot grant Planner (GitLab lets only Owners and Planners grant Planner)", "pick Guest, Reporter, Developer or Maintainer"}},
		{"an Owner asks for Planner on GitLab 17.5, which has no such role: refused before sending", func(s *fake.Server) { s.SetVersion("17.5.0-ee") }, fake.OwnerToken,
			[]string{"-A", "planner"}, ExitInvalid, 0, []string{"GitLab 17.5.0-ee has no Planner role (it arrived in 17.7)"}},
		{"an Owner may grant Planner on GitLab 17.7", func(s *fake.Server) { s.SetVersion("17.7.0-ee") }, fake.OwnerToken,
			[]string{"-A", "planner", "--preset", "custom", "-S", "read_api", "--name", "planning", "--no-verify"}, ExitOK, 1, nil},
		{"a 90-day instance limit, found by GitLab's refusal", func(s *fake.Server) { s.SetLifetime(90, false, false) }, fake.MaintainerToken,
			[]string{"-D", "120d"}, ExitRefused, 1, []string{"this instance allows token expiry dates up to " + in(90) + " (its maximum lifetime)", "--expires-at " + in(90)}},
		{"a 90-day instance limit, read by an administrator before sending", func(s *fake.Server) { s.SetLifetime(90, false, false) }, fake.AdminToken,
			[]string{"-D", "120d"}, ExitInvalid, 0, []string{"beyond this instance's maximum lifetime of 90 days: pick a date on or before " + in(90)}},
		{"an instance that does not require expiry takes 500 days from an administrator", func(s *fake.Server) { s.SetLifetime(0, false, true) }, fake.AdminToken,
			[]string{"-D", "500d", "--max-lifetime", "600", "--no-verify"}, ExitOK, 1, nil},
		{"a disabled container registry", func(s *fake.Server) { s.SetFeatures(false, true, true) }, fake.MaintainerToken,
			[]string{"-S", "read_api,read_registry", "--preset", "custom", "-A", "reporter", "--name", "registry"}, ExitRefused, 1,
			[]string{"read_registry is not enabled on this instance: the container registry may be disabled"}},
		{"a scope newer than the instance: refused before sending", func(s *fake.Server) { s.SetVersion("17.8.3-ee") }, fake.MaintainerToken,
			[]string{"-S", "self_rotate", "--preset", "custom", "-A", "reporter", "--name", "rotating"}, ExitInvalid, 0, []string{"needs GitLab 17.9 or later, and this instance runs 17.8.3-ee"}},
		{"a description on GitLab before 17.7 is dropped: said first", func(s *fake.Server) { s.SetVersion("17.6.0") }, fake.MaintainerToken,
			[]string{"--description", "for Jira", "--no-verify"}, ExitOK, 1, []string{"GitLab 17.6.0 ignores token descriptions (they arrived in 17.7)"}},
		{"the top-level group forbids project tokens", func(s *fake.Server) { s.ForbidResourceTokens("acme") }, fake.MaintainerToken,
			nil, ExitRefused, 1, []string{"Users can create project access tokens and group access tokens in this group", "personal access tokens disabled"}},
		{"a custom role that manages tokens is left to GitLab", func(s *fake.Server) { s.SetCustomTokenManager("project:100", 3) }, fake.DeveloperToken,
			[]string{"-A", "reporter", "--no-verify"}, ExitOK, 1, nil},
		{"a Developer without one is refused before sending", nil, fake.DeveloperToken, nil, ExitRefused, 0,
			[]string{"are Developer on acme/web; creating project access tokens needs Maintainer or Owner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			r := execute(t, url, tt.cred, "", append([]string{"create", "-R", "acme/web"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := srv.CountRequests("POST", "/access_tokens"); n != tt.posts {
				t.Fatalf("POSTs = %d, want %d", n, tt.posts)
			}
		})
	}
}

// The list of tokens already named like the request fails: the create goes
// on, and says the same-name check was not made.
func TestAnUnreadNameCheckIsSaid(t *testing.T) {
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 500, Times: 20})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web", "--no-verify")
	if r.code != ExitOK || !strings.Contains(r.stderr, `the tokens already named "Jira integration" could not be read`) {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}
