package cli

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/token"
)

// Issue 14's scenario: an Owner of acme makes a service-account token that
// reads a project's commits; the account, the membership and the token are
// each created once; a second run reuses the account.
func TestCreateServiceAccountToken(t *testing.T) {
	srv, url := server(t)
	args := []string{"create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "--name", "Jira link", "-A", "reporter", "-S", "read_api", "-D", "30d",
		"--account-email", "jira-team@example.com"}
	r := execute(t, url, fake.OwnerToken, "", args...)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") || !strings.Contains(r.stderr, "PASS  reads the latest commit of acme/web") {
		t.Fatalf("exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Service account @jira-bot of acme, to be created", "Reporter on project acme/web", "Created the service account @jira-bot"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for path, n := range map[string]int{"/groups/acme/service_accounts": 1, "/projects/acme%2Fweb/members": 1, "/personal_access_tokens": 1} {
		if got := srv.CountRequests("POST", path); got != n {
			t.Errorf("POST %s: %d, want %d", path, got, n)
		}
	}
	// A new account has no tokens: none are listed before its first.
	if got := srv.CountRequests("GET", "/service_accounts/5/personal_access_tokens"); got != 0 {
		t.Errorf("the new account's tokens were listed %d times", got)
	}
	// The same account and name again: the same-name warning comes before
	// anything is sent, from the one list of the account's tokens.
	r = execute(t, url, fake.OwnerToken, "", append(args, "--dry-run")...)
	if r.code != ExitOK || !strings.Contains(r.stderr, `the service account @jira-bot already has 1 active token(s) named "Jira link"`) ||
		srv.CountRequests("GET", "/service_accounts/5/personal_access_tokens") != 1 {
		t.Fatalf("same name: exit %d:\n%s", r.code, r.stderr)
	}
	// The same account again: reused, its membership kept.
	r = execute(t, url, fake.OwnerToken, "", append(args[:len(args)-2], "--name", "Jira link 2")...)
	if r.code != ExitOK || !strings.Contains(r.stderr, "it exists: id") || !strings.Contains(r.stderr, "already a member as Reporter (kept)") ||
		srv.CountRequests("POST", "/groups/acme/service_accounts") != 1 {
		t.Fatalf("second run: exit %d:\n%s", r.code, r.stderr)
	}
	// Its tokens, by the account's name.
	r = execute(t, url, fake.OwnerToken, "", "list", "--group", "acme", "--service-account", "jira-bot", "-F", "json")
	if r.code != ExitOK || strings.Count(r.stdout, `"name":`) != 2 {
		t.Fatalf("list: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var id int
	for _, tk := range srv.Tokens("*") {
		if tk.Name == "Jira link" {
			id = tk.ID
		}
	}
	r = execute(t, url, fake.OwnerToken, "", "rotate", "--group", "acme", "--service-account", "jira-bot", strconv.Itoa(id), "-D", "60d", "--no-verify")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "glpat-") {
		t.Fatalf("rotate: exit %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.OwnerToken, "", "revoke", "--group", "acme", "--service-account", "jira-bot", strconv.Itoa(id), "--yes")
	if r.code != ExitOK || !strings.Contains(r.stderr, "already revoked") {
		t.Fatalf("revoke of the rotated one: exit %d\n%s", r.code, r.stderr)
	}
}

func TestCreateServiceAccountRefusalsAndDryRun(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.OwnerToken, "", "create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "-R", "acme/docs", "--dry-run")
	if r.code != ExitOK || strings.Count(r.stdout, "curl --request POST") != 4 || !strings.Contains(r.stdout, "/api/v4/groups/acme/service_accounts") ||
		!strings.Contains(r.stdout, "/api/v4/projects/acme%2Fdocs/members") || !strings.Contains(r.stderr, "no email of its own") {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, q := range srv.Requests() {
		if q.Method != "GET" {
			t.Fatalf("the dry run sent %s %s", q.Method, q.Path)
		}
	}
	r = execute(t, url, fake.MaintainerToken, "", "create", "--service-account", "jira-bot", "--group", "acme")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "service accounts are created by the group's Owners") {
		t.Fatalf("a Developer of acme: exit %d\n%s", r.code, r.stderr)
	}
	// list, rotate and revoke by account name read the group's accounts
	// first: a non-Owner's refusal names the Owner rule, not a project role.
	for _, cmd := range [][]string{{"list"}, {"revoke", "5", "--yes"}, {"rotate", "5"}} {
		r = execute(t, url, fake.MaintainerToken, "", append(cmd, "--group", "acme", "--service-account", "jira-bot")...)
		if r.code != ExitRefused || !strings.Contains(r.stderr, "needs the Owner role on the group") || strings.Contains(r.stderr, "Maintainer or Owner on the project") {
			t.Fatalf("%s by a Developer of acme: exit %d\n%s", cmd[0], r.code, r.stderr)
		}
	}
	r = execute(t, url, fake.OwnerToken, "", "create", "--service-account", "jira-bot")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "--service-account needs --group") {
		t.Fatalf("no group: exit %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.OwnerToken, "", "create", "-R", "acme/web", "-R", "acme/docs")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "several only with --service-account") {
		t.Fatalf("two projects: exit %d\n%s", r.code, r.stderr)
	}
}

// Review finding 2, 3 and 4: what a service account's run says after a
// failure part-way, and what it does not do.
func TestServiceAccountRunsThatStopPartWay(t *testing.T) {
	base := []string{"create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "--name", "Jira link"}
	tests := []struct {
		name  string
		fault fake.Fault
		args  []string
		code  int
		want  []string
		posts map[string]int
	}{
		{"a membership whose answer is lost and never appears", fake.Fault{Method: "POST", PathSuffix: "/members", Kind: fake.FaultReset, Times: 1}, nil,
			ExitUnknown, []string{"the answer was lost", "GitLab may still finish it", "already done, and still there: the service account @jira-bot", "project acme/web: not known — GitLab's answer was lost"},
			map[string]int{"/service_accounts": 1, "/members": 1, "/personal_access_tokens": 0}},
		{"a membership committed late is found", fake.Fault{Method: "POST", PathSuffix: "/members", Kind: fake.FaultTimeoutThenCommit, Status: 504, Times: 1}, nil,
			ExitOK, []string{"project acme/web: Reporter (GitLab's answer was lost; found afterwards", "Created the token"}, map[string]int{"/members": 1, "/personal_access_tokens": 1}},
		{"a membership refused", fake.Fault{Method: "POST", PathSuffix: "/members", Kind: fake.FaultStatus, Status: 403, Body: `{"message":"403 Forbidden"}`, Times: 1},
			[]string{"--revoke-credential"}, ExitFailure,
			[]string{"project acme/web: not given", "already done, and still there: the service account @jira-bot", "the token you signed in with was kept"},
			map[string]int{"/personal_access_tokens": 0}},
		{"the accounts cannot be listed: nothing is written", fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Kind: fake.FaultStatus, Status: 502}, nil,
			ExitFailure, nil, map[string]int{"/service_accounts": 0, "/members": 0, "/personal_access_tokens": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			srv.AddFault(tt.fault)
			r := execute(t, url, fake.OwnerToken, "", append(append([]string{}, base...), tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for path, n := range tt.posts {
				if got := srv.CountRequests("POST", path); got != n {
					t.Errorf("POST …%s: %d, want %d", path, got, n)
				}
			}
			if tt.code != ExitOK {
				assertNoFalseAllClear(t, r.stderr)
				if strings.Contains(r.stderr, "Revoked the token you signed in with") {
					t.Fatal("the credential was revoked after a failure")
				}
			}
		})
	}
}

// Before 17.11 GitLab cannot list, read or revoke a service account's
// tokens through the group, and before 17.9 it ignores the expiry on their
// rotation: list says which version can; rotate still works by id, says it
// could not check the token first, and says (before sending) that the
// replacement lasts a week, which the verification then expects.
func TestServiceAccountTokensOnAnOlderGitLab(t *testing.T) {
	srv, url := server(t)
	r := execute(t, url, fake.OwnerToken, "", "create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "--name", "Jira link", "--no-verify", "-F", "json")
	if r.code != ExitOK {
		t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
	}
	var made struct{ ID int64 }
	if err := json.Unmarshal([]byte(r.stdout), &made); err != nil || made.ID == 0 {
		t.Fatalf("create json %q: %v", r.stdout, err)
	}
	srv.SetVersion("17.5.0-ee")
	r = execute(t, url, fake.OwnerToken, "", "list", "--group", "acme", "--service-account", "jira-bot")
	if r.code == ExitOK || !strings.Contains(r.stderr, "GitLab 17.5.0-ee cannot list, read or revoke a service account's tokens") {
		t.Fatalf("list on 17.5: exit %d\n%s", r.code, r.stderr)
	}
	r = execute(t, url, fake.OwnerToken, "", "rotate", "--group", "acme", "--service-account", "jira-bot", strconv.FormatInt(made.ID, 10), "-D", "60d")
	week := token.Today(time.Now()).AddDate(0, 0, 7).Format(token.DateLayout)
	for _, w := range []string{"is rotated without being checked first", "ignores the asked expiry", "will expire on " + week, "Rotated: token"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("rotate on 17.5 lacks %q", w)
		}
	}
	if r.code != ExitOK {
		t.Fatalf("rotate on 17.5: exit %d\n%s", r.code, r.stderr)
	}
	if n := srv.CountRequests("POST", "/rotate"); n != 1 {
		t.Fatalf("rotations sent: %d", n)
	}
}

// shellWords splits a command line as token.ShellQuote writes it: words
// apart by spaces, single quotes around one that needs them, '\” for a
// quote inside.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\'':
			quoted, inWord = !quoted, true
		case c == '\\' && !quoted && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes: %s", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// The "same as create" command of a service account that gets access to
// its group and to a project (the wizard's review, token.CreateCommand)
// makes the same writes when run: the account, both memberships, the
// token. --member-of names a group; with --project, each place is named.
func TestServiceAccountCommandKeepsEveryPlace(t *testing.T) {
	srv, url := server(t)
	req := token.Request{Kind: token.KindServiceAccount, Target: "acme", Account: token.Account{Username: "jira-integration", Email: "team@example.com"},
		Places: []token.Place{{Kind: token.KindGroup, Path: "acme"}, {Kind: token.KindProject, Path: "acme/web"}},
		Name:   "Jira link", Role: token.RoleReporter, Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(time.Now())}
	args := shellWords(t, req.CommandLine(url))
	if args[0] != "gitlab-token-wizard" || !strings.Contains(strings.Join(args, " "), "--member-of acme --project acme/web") {
		t.Fatalf("command %q", args)
	}
	r := execute(t, url, fake.OwnerToken, "", append(args[1:], "--dry-run")...)
	writes := []string{"/api/v4/groups/acme/service_accounts", "# Reporter access on group acme", "/api/v4/groups/acme/members",
		"# Reporter access on project acme/web", "/api/v4/projects/acme%2Fweb/members", "/personal_access_tokens"}
	if r.code != ExitOK || strings.Count(r.stdout, "curl --request POST") != 4 || !strings.Contains(r.stderr, "access:  Reporter on group acme, project acme/web") {
		t.Fatalf("dry run of %q: exit %d\n%s\n%s", args, r.code, r.stdout, r.stderr)
	}
	last := 0
	for _, w := range writes {
		i := strings.Index(r.stdout[last:], w)
		if i < 0 {
			t.Fatalf("the dry run lacks %q after byte %d:\n%s", w, last, r.stdout)
		}
		last += i
	}
	// Run, it makes each write once.
	r = execute(t, url, fake.OwnerToken, "", append(args[1:], "--no-verify")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for path, n := range map[string]int{"/groups/acme/service_accounts": 1, "/groups/acme/members": 1, "/projects/acme%2Fweb/members": 1, "/personal_access_tokens": 1} {
		if got := srv.CountRequests("POST", path); got != n {
			t.Errorf("POST %s: %d, want %d", path, got, n)
		}
	}
	r = execute(t, url, fake.OwnerToken, "", "create", "--group", "acme", "--member-of", "acme")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "--member-of gives a service account access") {
		t.Fatalf("--member-of without --service-account: exit %d\n%s", r.code, r.stderr)
	}
}

// --group may name a subgroup: where GitLab keeps service accounts on
// top-level groups (before 18.11), the account is the top-level group's
// and the membership goes to the subgroup; from 18.11 the subgroup holds
// its own. Commands that act on an account's tokens find it the same way.
func TestServiceAccountOfASubgroup(t *testing.T) {
	args := []string{"create", "--service-account", "jira-bot", "--group", "acme/platform", "--name", "Jira link", "-A", "reporter", "-S", "read_api",
		"-D", "30d", "--account-email", "team@example.com", "--no-verify"}
	t.Run("17.11: the top-level group's account", func(t *testing.T) {
		srv, url := server(t)
		r := execute(t, url, fake.OwnerToken, "", append(args, "--dry-run")...)
		if r.code != ExitOK || !strings.Contains(r.stderr, "the account is acme's") || !strings.Contains(r.stderr, "Service account @jira-bot of acme, to be created") ||
			!strings.Contains(r.stderr, "access:  Reporter on group acme/platform") || !strings.Contains(r.stdout, "/api/v4/groups/acme/service_accounts") ||
			!strings.Contains(r.stdout, "/api/v4/groups/acme%2Fplatform/members") {
			t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		r = execute(t, url, fake.OwnerToken, "", args...)
		if r.code != ExitOK || srv.CountRequests("POST", "/groups/acme/service_accounts") != 1 || srv.CountRequests("POST", "/groups/acme%2Fplatform/members") != 1 {
			t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
		}
		// A second run reuses the account; list finds its tokens from the subgroup's name too.
		r = execute(t, url, fake.OwnerToken, "", append(args[:len(args)-1], "--name", "Jira link 2", "--no-verify")...)
		if r.code != ExitOK || srv.CountRequests("POST", "/groups/acme/service_accounts") != 1 || !strings.Contains(r.stderr, "it exists: id") {
			t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
		}
		r = execute(t, url, fake.OwnerToken, "", "list", "--group", "acme/platform", "--service-account", "jira-bot", "-F", "json")
		if r.code != ExitOK || strings.Count(r.stdout, `"name":`) != 2 {
			t.Fatalf("list: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("18.11: the subgroup's own", func(t *testing.T) {
		srv, url := server(t)
		srv.SetVersion("18.11.0-ee")
		r := execute(t, url, fake.OwnerToken, "", args...)
		if r.code != ExitOK || strings.Contains(r.stderr, "the account is acme's") || srv.CountRequests("POST", "/groups/acme%2Fplatform/service_accounts") != 1 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	})
}

// With an account that exists, the JSON dry run's url and curl name its id
// as its writes do, not the placeholder of an account still to create.
func TestServiceAccountDryRunJSONNamesTheAccount(t *testing.T) {
	_, url := server(t)
	args := []string{"create", "--service-account", "jira-bot", "--group", "acme", "-R", "acme/web", "--name", "Jira link", "--account-email", "team@example.com"}
	if r := execute(t, url, fake.OwnerToken, "", append(args, "--no-verify")...); r.code != ExitOK {
		t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
	}
	r := execute(t, url, fake.OwnerToken, "", append(args, "--name", "Jira link 2", "--dry-run", "-F", "json")...)
	// writes are requests, each {what, method, url, body, curl}, as create --help documents.
	type write struct {
		What, Method, URL, Curl string
		Body                    map[string]any
	}
	var doc struct {
		URL    string  `json:"url"`
		Curl   string  `json:"curl"`
		Writes []write `json:"writes"`
	}
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &doc) != nil {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := "/groups/acme/service_accounts/5/personal_access_tokens"
	last := write{}
	if len(doc.Writes) > 0 {
		last = doc.Writes[len(doc.Writes)-1]
	}
	if !strings.HasSuffix(doc.URL, want) || !strings.Contains(doc.Curl, want) || strings.Contains(r.stdout, "SERVICE_ACCOUNT_ID") ||
		!strings.HasSuffix(last.URL, want) || last.Method != "POST" || last.Body["name"] != "Jira link 2" || !strings.Contains(last.Curl, want) || last.What == "" {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
}

// --service-account without --group is told that --group is what it needs
// (list said "exactly one of --project, --group or --user").
func TestServiceAccountWithoutAGroupSaysSo(t *testing.T) {
	_, url := server(t)
	for _, args := range [][]string{{"list", "--service-account", "jira-bot"}, {"revoke", "--service-account", "jira-bot", "3", "--yes"},
		{"rotate", "--service-account", "jira-bot", "3"}, {"list", "--demo", "--service-account", "jira-bot"}} {
		r := execute(t, url, fake.OwnerToken, "", args...)
		if r.code != ExitInvalid || !strings.Contains(r.stderr, "give that group with --group") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}
