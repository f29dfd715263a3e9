package contract

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// instance is where the table runs: the stand-in, or a real GitLab named by
// the environment.
type instance struct {
	base     string
	creds    map[Who]string
	vars     map[string]string // {project}, {group}, {other_pat}, {user}
	settings map[string]bool
	version  string
	srv      *fake.Server // nil for a real instance
	// made are tokens the run created, revoked at the end: path -> credential.
	made map[string]Who
}

// Env lists the variables that point the contract at a real GitLab.
var Env = map[string]string{
	"GITLAB_CONTRACT_URL":              "the instance, e.g. http://localhost:8080",
	"GITLAB_CONTRACT_TOKEN":            "a Maintainer of the project (api scope), below Owner on the group",
	"GITLAB_CONTRACT_PROJECT":          "the project's full path (default: the token user's first maintained project)",
	"GITLAB_CONTRACT_GROUP":            "a group where the Owner token is Owner",
	"GITLAB_CONTRACT_DEVELOPER_TOKEN":  "a Developer of the project",
	"GITLAB_CONTRACT_OWNER_TOKEN":      "an Owner of the group",
	"GITLAB_CONTRACT_ADMIN_TOKEN":      "an administrator (api, admin_mode)",
	"GITLAB_CONTRACT_READONLY_TOKEN":   "the Maintainer's token with read_api only",
	"GITLAB_CONTRACT_EXPIRED_TOKEN":    "an expired personal access token",
	"GITLAB_CONTRACT_OTHER_PAT_ID":     "the id of another user's personal access token",
	"GITLAB_CONTRACT_SETTINGS":         "instance settings present: registry-off, max-lifetime-90, service-accounts (the tier and version have them, and Owners may create them)",
	"GITLAB_CONTRACT_CREATE_TOKENS_OK": "must be 1: the run creates tokens on the project (and revokes them)",
}

func TestContract(t *testing.T) {
	in := standIn(t)
	if os.Getenv("GITLAB_CONTRACT_URL") != "" {
		in = live(t)
	}
	for _, row := range Rows() {
		t.Run(row.Name, func(t *testing.T) { in.run(t, row) })
	}
	in.cleanup(t)
}

func standIn(t *testing.T) *instance {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return &instance{base: ts.URL, srv: srv, version: "17.11.2-ee", made: map[string]Who{},
		creds: map[Who]string{Nobody: "", Maintainer: fake.MaintainerToken, Developer: fake.DeveloperToken, Owner: fake.OwnerToken,
			Admin: fake.AdminToken, ReadOnly: fake.ReadOnlyToken, Expired: fake.ExpiredToken},
		vars:     map[string]string{"{project}": "acme%2Fweb", "{group}": "acme", "{other_pat}": "1", "{user}": "3"},
		settings: map[string]bool{"registry-off": true, "max-lifetime-90": true, "service-accounts": true}}
}

func live(t *testing.T) *instance {
	if os.Getenv("GITLAB_CONTRACT_CREATE_TOKENS_OK") != "1" {
		t.Fatal("the contract creates (and revokes) tokens on the project: set GITLAB_CONTRACT_CREATE_TOKENS_OK=1 to agree")
	}
	in := &instance{base: strings.TrimRight(os.Getenv("GITLAB_CONTRACT_URL"), "/"), made: map[string]Who{}, settings: map[string]bool{},
		creds: map[Who]string{Nobody: "", Maintainer: os.Getenv("GITLAB_CONTRACT_TOKEN"), Developer: os.Getenv("GITLAB_CONTRACT_DEVELOPER_TOKEN"),
			Owner: os.Getenv("GITLAB_CONTRACT_OWNER_TOKEN"), Admin: os.Getenv("GITLAB_CONTRACT_ADMIN_TOKEN"),
			ReadOnly: os.Getenv("GITLAB_CONTRACT_READONLY_TOKEN"), Expired: os.Getenv("GITLAB_CONTRACT_EXPIRED_TOKEN")},
		vars: map[string]string{"{project}": url.PathEscape(os.Getenv("GITLAB_CONTRACT_PROJECT")), "{group}": url.PathEscape(os.Getenv("GITLAB_CONTRACT_GROUP")),
			"{other_pat}": os.Getenv("GITLAB_CONTRACT_OTHER_PAT_ID")}}
	for _, s := range strings.Split(os.Getenv("GITLAB_CONTRACT_SETTINGS"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			in.settings[s] = true
		}
	}
	var v struct {
		Version string `json:"version"`
	}
	var u struct {
		ID int64 `json:"id"`
	}
	if st, b := in.do(t, Maintainer, "GET", "version", ""); st != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("GET /version: %d %s", st, b)
	}
	if st, b := in.do(t, Maintainer, "GET", "user", ""); st != 200 || json.Unmarshal(b, &u) != nil {
		t.Fatalf("GET /user: %d %s", st, b)
	}
	in.version, in.vars["{user}"] = v.Version, fmt.Sprint(u.ID)
	t.Logf("contract against %s, GitLab %s", in.base, in.version)
	return in
}

func (in *instance) run(t *testing.T, row Row) {
	if row.As != Nobody && in.creds[row.As] == "" {
		t.Skipf("no %s credential on this instance: set its GITLAB_CONTRACT_*_TOKEN to run this row", row.As)
	}
	for _, n := range row.Needs {
		if !in.settings[n] {
			t.Skipf("the instance does not declare %q in GITLAB_CONTRACT_SETTINGS", n)
		}
	}
	if in.srv == nil && !inRange(in.version, row.Since, row.Until) {
		t.Skipf("GitLab %s is outside this row's versions [%s, %s)", in.version, row.Since, row.Until)
	}
	if in.srv != nil {
		restore := in.configure(row)
		defer restore()
	}
	path, body := row.Path, row.Body
	for _, s := range row.Setup {
		var id string
		if s == "account" {
			id = in.makeAccount(t)
		} else {
			id = in.makeToken(t, s == "revoked")
		}
		path, body = strings.ReplaceAll(path, "{"+s+"}", id), strings.ReplaceAll(body, "{"+s+"}", id)
	}
	for k, v := range in.vars {
		path = strings.ReplaceAll(path, k, v)
	}
	if strings.Contains(path, "{") || strings.Contains(path, "//") {
		t.Skipf("the path %s needs a GITLAB_CONTRACT_* variable that is not set", path)
	}
	status, answer := in.do(t, row.As, row.Method, path, body)
	if row.Creates && status == 201 {
		in.remember(t, path, row.As, answer)
	}
	if status != row.Status {
		t.Fatalf("%s %s as %s = %d %s; want %d (%s)", row.Method, path, row.As, status, answer, row.Status, row.Source)
	}
	checkBody(t, row, answer)
}

// configure makes the stand-in match a row's settings and version range,
// and returns what undoes it.
func (in *instance) configure(row Row) func() {
	var undo []func()
	for _, n := range row.Needs {
		switch n {
		case "registry-off":
			in.srv.SetFeatures(false, true, true)
			undo = append(undo, func() { in.srv.SetFeatures(true, true, true) })
		case "max-lifetime-90":
			in.srv.SetLifetime(90, false, false)
			undo = append(undo, func() { in.srv.SetLifetime(0, false, false) })
		}
	}
	if !inRange(in.version, row.Since, row.Until) {
		// A row for other versions runs on a stand-in of such a version.
		v := row.Since + ".0"
		if row.Until != "" {
			var a, b int
			fmt.Sscanf(row.Until, "%d.%d", &a, &b)
			v = fmt.Sprintf("%d.%d.0", a, b-1)
		}
		in.srv.SetVersion(v)
		undo = append(undo, func() { in.srv.SetVersion(in.version) })
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}

func checkBody(t *testing.T, row Row, body []byte) {
	t.Helper()
	if row.Contains != "" && !strings.Contains(string(body), row.Contains) {
		t.Errorf("body %s lacks %q (%s)", body, row.Contains, row.Source)
	}
	if row.Message != "" {
		var m struct {
			Message any    `json:"message"`
			Error   string `json:"error"`
		}
		_ = json.Unmarshal(body, &m)
		got := fmt.Sprint(m.Message)
		if m.Message == nil {
			got = m.Error
		}
		if got != row.Message {
			t.Errorf("message %q, want %q (%s)", got, row.Message, row.Source)
		}
	}
	if len(row.Fields) > 0 {
		var obj map[string]any
		if json.Unmarshal(body, &obj) != nil {
			var list []map[string]any
			if json.Unmarshal(body, &list) != nil || len(list) == 0 {
				t.Fatalf("not an object or a non-empty list: %s", body)
			}
			obj = list[0]
		}
		for _, f := range row.Fields {
			if _, ok := obj[f]; !ok {
				t.Errorf("the answer lacks %q: %s", f, body)
			}
		}
	}
}

// makeToken creates a project token as the Maintainer (revoked at the end,
// or now when revoked is set) and returns its id.
func (in *instance) makeToken(t *testing.T, revoked bool) string {
	t.Helper()
	path := "projects/" + in.vars["{project}"] + "/access_tokens"
	status, body := in.do(t, Maintainer, "POST", path, fmt.Sprintf(`{"name":"contract setup","scopes":["read_api"],"access_level":20,"expires_at":%q}`, Date(30)))
	if status != 201 {
		t.Fatalf("setup: create a project token: %d %s", status, body)
	}
	id := in.remember(t, path, Maintainer, body)
	if revoked {
		if st, b := in.do(t, Maintainer, "DELETE", path+"/"+id, ""); st != 204 {
			t.Fatalf("setup: revoke token %s: %d %s", id, st, b)
		}
	}
	return id
}

// makeAccount creates a service account of the group as its Owner (deleted
// at the end) and makes it a Reporter of the project; it returns its id.
func (in *instance) makeAccount(t *testing.T) string {
	t.Helper()
	path := "groups/" + in.vars["{group}"] + "/service_accounts"
	status, body := in.do(t, Owner, "POST", path, fmt.Sprintf(`{"name":"contract setup","username":"contract-setup-%d"}`, time.Now().UnixNano()))
	if status != 201 {
		t.Fatalf("setup: create a service account: %d %s", status, body)
	}
	id := in.remember(t, path, Owner, body)
	if st, b := in.do(t, Owner, "POST", "projects/"+in.vars["{project}"]+"/members", `{"user_id":`+id+`,"access_level":20}`); st != 201 {
		t.Fatalf("setup: add the account to the project: %d %s", st, b)
	}
	return id
}

func (in *instance) remember(t *testing.T, path string, who Who, body []byte) string {
	var tok struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.ID == 0 {
		t.Fatalf("a created token without an id: %s", body)
	}
	id := fmt.Sprint(tok.ID)
	in.made[path+"/"+id] = who
	return id
}

// cleanup revokes every token and deletes every service account the run
// created (a 404 or 400 for one already gone is fine).
func (in *instance) cleanup(t *testing.T) {
	for path, who := range in.made {
		if st, b := in.do(t, who, "DELETE", path, ""); st != 204 && st != 404 && st != 400 {
			t.Errorf("cleanup: DELETE %s = %d %s", path, st, b)
		}
	}
}

var client = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (in *instance) do(t *testing.T, who Who, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, in.base+"/api/v4/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c := in.creds[who]; c != "" {
		req.Header.Set("PRIVATE-TOKEN", c)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b
}

// inRange reports since <= version < until, comparing major.minor ("" open).
func inRange(version, since, until string) bool {
	v := minor(version)
	return (since == "" || v >= minor(since)) && (until == "" || v < minor(until))
}

func minor(v string) int {
	var a, b int
	fmt.Sscanf(v, "%d.%d", &a, &b)
	return a*1000 + b
}
