package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"gitlab-token-wizard/gitlab/fake"
)

// auditRun runs the command line with stderr a terminal or not, under ctx.
func auditRun(t *testing.T, ctx context.Context, url, cred string, errTTY bool, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{In: strings.NewReader(""), Out: &out, Err: &errb, Now: time.Now,
		IsTerminal: func(f any) bool { return errTTY && f == any(&errb) },
		Getenv:     func(k string) string { return map[string]string{"GITLAB_TOKEN": cred, "GITLAB_HOST": url}[k] }}
	code := Execute(ctx, env, append([]string{"audit"}, args...))
	r := run{code, out.String(), errb.String()}
	if strings.Contains(r.stdout+r.stderr, cred) {
		t.Fatalf("the credential appeared in the output")
	}
	return r
}

func days(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }

// acmeTokens gives the demo's acme group tokens of a few shapes; it returns
// how many are active.
func acmeTokens(srv *fake.Server) int {
	used := time.Now().AddDate(0, 0, -1)
	old := time.Now().AddDate(0, -1, 0)
	for _, tk := range []struct {
		res string
		t   fake.Token
	}{
		{"project:100", fake.Token{Name: "Jira sync", Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: days(10), LastUsedAt: &used}},
		{"group:11", fake.Token{Name: `say "hi" \ now`, Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: days(200), LastUsedAt: &used}},
		{"project:102", fake.Token{Name: "=HYPERLINK(\"http://evil\")", Scopes: []string{"read_api"}, AccessLevel: 20, ExpiresAt: days(120), CreatedAt: old}},
		{"project:103", fake.Token{Name: "@SUM(A1)", Scopes: []string{"api"}, AccessLevel: 40, ExpiresAt: days(90), LastUsedAt: &used}},
		{"project:101", fake.Token{Name: "gone", Scopes: []string{"api"}, ExpiresAt: days(50), Revoked: true}},
		{"project:101", fake.Token{Name: "lapsed", Scopes: []string{"api"}, ExpiresAt: days(-3)}},
	} {
		srv.AddResourceToken(tk.res, tk.t, "192.0.2.7")
	}
	return 4
}

func TestAuditExitCodesFollowTheWindow(t *testing.T) {
	srv, url := server(t)
	active := acmeTokens(srv)
	tests := []struct {
		name string
		args []string
		code int
		// expiring: the first token, 10 days left, is called out.
		expiring bool
	}{
		{"a token expires within 30 days", []string{"--within", "30d"}, ExitAttention, true},
		{"on the window's last day", []string{"--within", "10"}, ExitAttention, true},
		{"the window excludes them all", []string{"--within", "9"}, ExitOK, false},
		{"a window of 0d: expired only", []string{"--within", "0d"}, ExitOK, false},
		{"a window of 0w", []string{"--within", "0w"}, ExitOK, false},
		{"a date as the window", []string{"--within", days(9)}, ExitOK, false},
		{"never used counts with --fail-on unused", []string{"--within", "9", "--fail-on", "unused"}, ExitAttention, false},
		{"broad counts with --fail-on broad", []string{"--within", "9", "--fail-on", "broad"}, ExitAttention, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := auditRun(t, context.Background(), url, fake.OwnerToken, false, append([]string{"--group", "acme", "-F", "json"}, tt.args...)...)
			if r.code != tt.code || r.stderr != "" {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			var doc struct {
				Tokens []struct {
					ID        int64  `json:"id"`
					Name      string `json:"name"`
					DaysLeft  int    `json:"days_left"`
					Attention bool   `json:"attention"`
					Findings  []struct {
						Kind, Command string
					} `json:"findings"`
				} `json:"tokens"`
				Summary map[string]any `json:"summary"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("%v\n%s", err, r.stdout)
			}
			if len(doc.Tokens) != active || doc.Summary["tokens"] != float64(active) || doc.Summary["exit_code"] != float64(tt.code) {
				t.Fatalf("%d tokens, summary %v", len(doc.Tokens), doc.Summary)
			}
			first := doc.Tokens[0]
			expiring := len(first.Findings) > 0 && first.Findings[0].Kind == "expiring" &&
				strings.HasSuffix(first.Findings[0].Command, "--project acme/web 7 -D 90d")
			if first.Name != "Jira sync" || first.DaysLeft != 10 || expiring != tt.expiring || first.Attention != tt.expiring {
				t.Fatalf("first token %+v", first)
			}
		})
	}
}

func TestAuditTableFitsIn80Columns(t *testing.T) {
	srv, url := server(t)
	acmeTokens(srv)
	r := auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "acme")
	if r.code != ExitAttention {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := []string{"EXPIRE WITHIN 30 DAYS (1)", "EXPIRE IN MORE THAN 30 DAYS (3)", "project acme/web",
		"#1", "last used", "from 192.0.2.7", "! expires in 10 days",
		"gitlab-token-wizard rotate --host " + url + " --project acme/web"}
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("table lacks %q", w)
		}
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 && !strings.HasPrefix(strings.TrimSpace(line), "gitlab-token-wizard ") {
			t.Errorf("%d columns: %s", n, line)
		}
	}
}

func TestAuditCSVDefusesFormulas(t *testing.T) {
	srv, url := server(t)
	active := acmeTokens(srv)
	r := auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "acme", "-F", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != active+1 || rows[0][0] != "kind" {
		t.Fatalf("%v: %d rows\n%s", err, len(rows), r.stdout)
	}
	names := map[string]bool{}
	for _, row := range rows[1:] {
		names[row[4]] = true
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("a cell a spreadsheet runs: %q", cell)
			}
		}
	}
	if !names[`'=HYPERLINK("http://evil")`] || !names["'@SUM(A1)"] {
		t.Fatalf("names %v", names)
	}
}

var (
	omHelp   = regexp.MustCompile(`^# HELP ([a-z_]+) [^\n]+$`)
	omType   = regexp.MustCompile(`^# TYPE ([a-z_]+) gauge$`)
	omSample = regexp.MustCompile(`^([a-z_]+)(\{([a-z_]+="(\\[\\"n]|[^"\\])*")(,[a-z_]+="(\\[\\"n]|[^"\\])*")*\})? -?[0-9]+(\.[0-9]+)?$`)
)

func TestAuditOpenMetrics(t *testing.T) {
	srv, url := server(t)
	acmeTokens(srv)
	r := auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "acme", "-F", "openmetrics")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if lines[len(lines)-1] != "# EOF" {
		t.Fatalf("no # EOF at the end")
	}
	family, seen := "", map[string]bool{}
	for _, l := range lines[:len(lines)-1] {
		switch {
		case omHelp.MatchString(l):
			family = omHelp.FindStringSubmatch(l)[1]
			if seen[family] {
				t.Fatalf("family %s twice", family)
			}
			seen[family] = true
		case omType.MatchString(l):
			if omType.FindStringSubmatch(l)[1] != family {
				t.Fatalf("TYPE of another family: %s", l)
			}
		case omSample.MatchString(l):
			if omSample.FindStringSubmatch(l)[1] != family {
				t.Fatalf("sample outside its family: %s", l)
			}
		default:
			t.Fatalf("not OpenMetrics: %q", l)
		}
	}
	for _, w := range []string{`token_name="say \"hi\" \\ now"`, `place="acme/web"`, "} 10\n", "gitlab_token_audit_attention 1\n"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("lacks %s", w)
		}
	}
}

func TestAuditProgress(t *testing.T) {
	srv, url := server(t)
	tests := []struct {
		name   string
		tty    bool
		args   []string
		want   []string
		silent bool
	}{
		{"a terminal: one line redrawn, then cleared", true, nil, []string{"\r\x1b[2Kaudit: ", "projects", "\r\x1b[2K"}, false},
		{"not a terminal: nothing", false, nil, nil, true},
		{"not a terminal with --progress: lines", false, []string{"--progress"}, []string{"audit: 0 projects", "tokens · "}, false},
		{"a rate-limit wait is said", false, []string{"--progress"}, []string{"· waiting 1s: GitLab answered 429 (rate limited)"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ClearFaults()
			if strings.Contains(tt.name, "rate-limit") {
				srv.AddFault(fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 1, Times: 1})
			}
			r := auditRun(t, context.Background(), url, fake.OwnerToken, tt.tty, append([]string{"--group", "acme", "-F", "json"}, tt.args...)...)
			if r.code != ExitOK || (tt.silent && r.stderr != "") {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q: %q", w, r.stderr)
				}
			}
		})
	}
}

// TestAuditInterruptedPrintsWhatWasFound stops the audit (as Ctrl+C does)
// when the stand-in receives its fifth token list.
func TestAuditInterruptedPrintsWhatWasFound(t *testing.T) {
	srv, err := fake.New("audit-small")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	lists := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/access_tokens") {
			mu.Lock()
			if lists++; lists == 5 {
				cancel()
			}
			mu.Unlock()
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	r := auditRun(t, ctx, ts.URL, fake.OwnerToken, false, "--group", "bigco", "--concurrency", "1")
	if r.code != ExitInterrupted || !strings.Contains(r.stdout, "Audit of group bigco") || !strings.Contains(r.stderr, "interrupted: the") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestAuditRefusalsAndInvalidInput(t *testing.T) {
	_, url := auditSmall(t)
	tests := []struct {
		name, cred string
		args       []string
		code       int
		want       string
		not        string
	}{
		{"no rights anywhere: the rights, not the credential", fake.DeveloperToken, []string{"--group", "bigco"}, ExitRefused, "Maintainer role", "GITLAB_TOKEN"},
		{"one project without rights", fake.DeveloperToken, []string{"--project", "bigco/div-0/svc-00001"}, ExitRefused, "Maintainer or Owner role", "GITLAB_TOKEN"},
		{"the instance needs an administrator", fake.OwnerToken, []string{"--instance"}, ExitRefused, "administrator", ""},
		{"nothing to audit", fake.OwnerToken, nil, ExitInvalid, "exactly one of", ""},
		{"two things to audit", fake.OwnerToken, []string{"--group", "a", "--project", "b"}, ExitInvalid, "exactly one of", ""},
		{"an unknown level", fake.OwnerToken, []string{"--group", "bigco", "--fail-on", "warn"}, ExitInvalid, "--fail-on", ""},
		{"a bad window", fake.OwnerToken, []string{"--group", "bigco", "--within", "soon"}, ExitInvalid, "--within", ""},
		{"a window in the past", fake.OwnerToken, []string{"--group", "bigco", "--within", "2020-01-01"}, ExitInvalid, "past", ""},
		{"an unknown format", fake.OwnerToken, []string{"--group", "bigco", "-F", "xml"}, ExitInvalid, "openmetrics", ""},
		{"no concurrency", fake.OwnerToken, []string{"--group", "bigco", "--concurrency", "0"}, ExitInvalid, "1 to 64", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := auditRun(t, context.Background(), url, tt.cred, false, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || (tt.not != "" && strings.Contains(r.stderr, tt.not)) {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
		})
	}
}

func auditSmall(t *testing.T) (*fake.Server, string) {
	t.Helper()
	srv, ts, err := fake.Start("audit-small")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// TestAuditConcurrencyFlag: the stand-in never sees more requests at once
// than --concurrency allows.
func TestAuditConcurrencyFlag(t *testing.T) {
	srv, url := auditSmall(t)
	srv.SetLatency(time.Millisecond)
	for _, n := range []string{"1", "3"} {
		t.Run(n, func(t *testing.T) {
			srv.ResetPeakInFlight()
			r := auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "bigco", "--concurrency", n, "-F", "csv")
			if r.code != ExitAttention || strings.Count(r.stdout, "\n") != 511 {
				t.Fatalf("exit %d, %d lines\n%s", r.code, strings.Count(r.stdout, "\n"), r.stderr)
			}
			if peak := srv.PeakInFlight(); peak > int(n[0]-'0') || (n == "3" && peak < 2) {
				t.Fatalf("%d requests at once with --concurrency %s", peak, n)
			}
		})
	}
}

// TestAuditFailureIsNotARefusal: a GitLab failing every list is exit 1,
// a credential revoked mid-way exit 3 with the credential blamed.
func TestAuditFailureIsNotARefusal(t *testing.T) {
	tests := []struct {
		name  string
		fault fake.Fault
		code  int
		want  string
	}{
		{"every list fails", fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Status: 400, Body: `{"message":"400 Bad request"}`}, ExitFailure, "10 requests in a row"},
		{"the credential is revoked", fake.Fault{Method: "GET", PathSuffix: "/access_tokens", Status: 401, Times: 1,
			Body: `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`}, ExitRefused, "credential was revoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := auditSmall(t)
			srv.AddFault(tt.fault)
			r := auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "bigco", "--concurrency", "1")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Fatalf("exit %d, want %d\n%s\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

// An audit of a group covers its service accounts' tokens, with GitLab's
// credentials inventory too (which lists project and group tokens only), and
// says when it could not read them: a refusal is named as an unreadable
// place, a failure makes the audit incomplete (exit 1), never "nothing
// needs attention".
func TestAuditCoversServiceAccounts(t *testing.T) {
	type summary struct {
		Inventory       bool     `json:"inventory"`
		ServiceAccounts int      `json:"service_accounts"`
		Unreadable      int      `json:"unreadable"`
		Examples        []string `json:"unreadable_examples"`
		Failed          int      `json:"failed"`
		FailedExample   string   `json:"failed_example"`
		ExitCode        int      `json:"exit_code"`
	}
	tests := []struct {
		name      string
		inventory bool
		fault     *fake.Fault
		code      int
		found     bool // the account's token is listed
		check     func(summary) bool
	}{
		{"walked", false, nil, ExitAttention, true, func(s summary) bool { return s.ServiceAccounts == 1 && !s.Inventory }},
		{"from the credentials inventory", true, nil, ExitAttention, true, func(s summary) bool { return s.ServiceAccounts == 1 && s.Inventory }},
		{"the accounts cannot be listed: incomplete", true, &fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Status: 500}, ExitFailure, false,
			func(s summary) bool {
				return s.Failed == 1 && strings.Contains(s.FailedExample, "the service accounts of group acme")
			}},
		{"the accounts are refused: named", false, &fake.Fault{Method: "GET", PathSuffix: "/service_accounts", Status: 403, Body: `{"message":"403 Forbidden"}`}, ExitOK, false,
			func(s summary) bool {
				return s.Unreadable == 1 && len(s.Examples) == 1 && s.Examples[0] == "the service accounts of group acme" && s.Failed == 0
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := server(t)
			r := execute(t, url, fake.OwnerToken, "", "create", "--service-account", "jira-bot", "--group", "acme", "--name", "Jira link",
				"-A", "reporter", "-S", "read_api", "-D", "10d", "--account-email", "team@example.com", "--no-verify")
			if r.code != ExitOK {
				t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
			}
			srv.SetManageEndpoint(tt.inventory)
			if tt.fault != nil {
				srv.AddFault(*tt.fault)
			}
			r = auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "acme", "-F", "json")
			var doc struct {
				Tokens []struct {
					Kind  string `json:"kind"`
					Where struct {
						Path string `json:"path"`
					} `json:"where"`
				} `json:"tokens"`
				Summary summary `json:"summary"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("%v\n%s", err, r.stdout)
			}
			found := len(doc.Tokens) == 1 && doc.Tokens[0].Kind == "service-account" && doc.Tokens[0].Where.Path == "acme/@jira-bot"
			if r.code != tt.code || doc.Summary.ExitCode != tt.code || found != tt.found || !tt.check(doc.Summary) {
				t.Fatalf("exit %d, want %d; tokens %+v; summary %+v\n%s", r.code, tt.code, doc.Tokens, doc.Summary, r.stderr)
			}
			if tt.fault == nil {
				return
			}
			// The table says so too, never "Nothing needs attention" alone.
			r = auditRun(t, context.Background(), url, fake.OwnerToken, false, "--group", "acme")
			says := map[int]string{ExitFailure: "the audit is incomplete", ExitOK: "you may not read the tokens of 1 place"}[tt.code]
			text := strings.Join(strings.Fields(r.stdout+r.stderr), " ") // the note is wrapped at 80 columns
			if r.code != tt.code || !strings.Contains(text, says) || !strings.Contains(text, "the service accounts of group acme") {
				t.Fatalf("text: exit %d, want %d saying %q\n%s\n%s", r.code, tt.code, says, r.stdout, r.stderr)
			}
		})
	}
}

// The window is not a token's lifetime: 0d (and 0w) is "expired only", as
// 0 is, and a window past a year is fine.
func TestParseWithin(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want int
		err  string
	}{
		{"0", 0, ""}, {"0d", 0, ""}, {"0w", 0, ""}, {"0D", 0, ""}, {" 30 ", 30, ""}, {"30d", 30, ""}, {"4w", 28, ""},
		{"1y", 365, ""}, {"2y", 730, ""}, {"2026-11-25", 0, ""}, {"2026-12-25", 30, ""},
		{"2026-11-24", 0, "past"}, {"-1d", 0, "use a number of days"}, {"+5", 0, "use a number of days"}, {"soon", 0, "use a number of days"},
		{"d", 0, "use a number of days"}, {"", 0, "use a number of days"}, {"100001", 0, "at most"}, {"9999999", 0, "use a number of days"},
	} {
		got, err := parseWithin(tc.in, now)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("parseWithin(%q) = %d, %v; want %d, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// In a terminal the table's commands are broken between arguments to fit
// its width (80 when unknown), so that no line wraps mid-flag; each still
// reads back as the one-line command. Not a terminal, they stay one line
// each (TestAuditTableFitsIn80Columns).
func TestAuditTableBreaksCommandsInATerminal(t *testing.T) {
	srv, url := server(t)
	acmeTokens(srv)
	rotate := "gitlab-token-wizard rotate --host " + url + " --project acme/web 7 -D 90d"
	for _, width := range []int{0, 80, 60, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			var out, errb bytes.Buffer
			env := Env{In: strings.NewReader(""), Out: &out, Err: &errb, Now: time.Now,
				IsTerminal: func(f any) bool { return f == any(&out) },
				Width:      func(f any) int { return map[bool]int{true: width}[f == any(&out)] },
				Getenv: func(k string) string {
					return map[string]string{"GITLAB_TOKEN": fake.OwnerToken, "GITLAB_HOST": url}[k]
				}}
			if code := Execute(context.Background(), env, []string{"audit", "--group", "acme"}); code != ExitAttention {
				t.Fatalf("exit %d\n%s", code, errb.String())
			}
			limit := cmp.Or(width, 80)
			lines := strings.Split(out.String(), "\n")
			for _, line := range lines {
				if n := utf8.RuneCountInString(line); n > limit {
					t.Errorf("%d columns in a terminal of %d: %s", n, limit, line)
				}
			}
			// The rotate command, its lines joined back.
			var cmd []string
			for i, line := range lines {
				if strings.HasPrefix(strings.TrimSpace(line), "gitlab-token-wizard rotate") {
					for j := i; j < len(lines); j++ {
						part, more := strings.CutSuffix(strings.TrimSpace(lines[j]), " \\")
						cmd = append(cmd, part)
						if !more {
							break
						}
					}
					break
				}
			}
			if got := strings.Join(cmd, " "); got != rotate {
				t.Fatalf("the command reads back as %q, want %q", got, rotate)
			}
			if oneLine := strings.Contains(out.String(), rotate); oneLine != (width == 120) {
				t.Fatalf("one line: %v in a terminal of %d\n%s", oneLine, width, out.String())
			}
		})
	}
}
