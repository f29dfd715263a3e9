package token

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC)

func date(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseExpiry(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"2027-01-31", "2027-01-31", ""},
		{" 2027-01-31 ", "2027-01-31", ""},
		{"30d", "2026-12-25", ""},
		{"4w", "2026-12-23", ""},
		{"1y", "2027-11-25", ""},
		{"365D", "2027-11-25", ""},
		{"720h", "2026-12-25", ""},
		{"25h", "", "whole days"},
		{"0000-01-01", "0000-01-01", ""},
		{"2027-02-30", "", "not a valid date"},
		{"2027-13-01", "", "not a valid date"},
		{"27-1-1x", "", "not a valid date"},
		{"0d", "", "at least one day"},
		{"-1d", "", "whole"},
		{"1.5d", "", "whole positive number"},
		{"99999d", "2300-09-09", ""},
		{"99999999999999999999d", "", "at most 365 days"},
		{"30", "", "such as 30d"},
		{"", "", "no expiry given"},
		{"d", "", "whole positive number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseExpiry(tt.in, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseExpiry(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Format(DateLayout) != tt.want {
				t.Fatalf("ParseExpiry(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDefaultExpiryAndDescribe(t *testing.T) {
	d := DefaultExpiry(now)
	if got := d.Format(DateLayout); got != "2026-12-25" {
		t.Fatalf("DefaultExpiry = %s", got)
	}
	if got := DescribeExpiry(d, now); got != "2026-12-25 (Friday, in 30 days; expires at 00:00 UTC)" {
		t.Fatalf("DescribeExpiry = %q", got)
	}
	if got := DescribeExpiry(date("2026-11-26"), now); !strings.Contains(got, "tomorrow") {
		t.Fatalf("DescribeExpiry tomorrow = %q", got)
	}
}

func valid() Request {
	return Request{Kind: KindProject, Target: "acme/web", Name: "Jira integration",
		ExpiresAt: date("2026-12-25"), Role: RoleReporter, Scopes: []Scope{"read_api"}}
}

func TestValidate(t *testing.T) {
	limits := Limits{CallerRole: RoleMaintainer}
	tests := []struct {
		name   string
		mod    func(r *Request)
		limits Limits
		field  Field
		msg    string
	}{
		{"ok", func(r *Request) {}, limits, "", ""},
		{"missing name", func(r *Request) { r.Name = "  " }, limits, FieldName, "give the token a name"},
		{"long name", func(r *Request) { r.Name = strings.Repeat("n", 256) }, limits, FieldName, "at most 255"},
		{"255 chars ok", func(r *Request) { r.Name = strings.Repeat("é", 255) }, limits, "", ""},
		{"emoji ok", func(r *Request) { r.Name = "Jira 🚀" }, limits, "", ""},
		{"control char", func(r *Request) { r.Name = "Jira\x1b[31m" }, limits, FieldName, "control character"},
		{"newline", func(r *Request) { r.Name = "a\nb" }, limits, FieldName, "control character"},
		{"bidi", func(r *Request) { r.Name = "a\u202eb" }, limits, FieldName, "control character"},
		{"invalid utf8", func(r *Request) { r.Name = "a\xffb" }, limits, FieldName, "UTF-8"},
		{"long description", func(r *Request) { r.Description = strings.Repeat("d", 256) }, limits, FieldDescription, "at most 255"},
		{"no scopes", func(r *Request) { r.Scopes = nil }, limits, FieldScopes, "at least one scope"},
		{"unknown scope", func(r *Request) { r.Scopes = []Scope{"read_everything"} }, limits, FieldScopes, "unknown scope"},
		{"read_user on project", func(r *Request) { r.Scopes = []Scope{"read_user"} }, limits, FieldScopes, "not available for project tokens"},
		{"sudo non-admin", func(r *Request) { r.Kind = KindPersonal; r.Scopes = []Scope{"sudo"} }, limits, FieldScopes, "administrators only"},
		{"sudo admin personal", func(r *Request) { r.Kind = KindPersonal; r.Target = "alice"; r.Scopes = []Scope{"sudo"} }, Limits{IsAdmin: true}, "", ""},
		{"personal for me", func(r *Request) { r.Kind = KindPersonal; r.Target = "@me" }, Limits{}, "", ""},
		{"personal for a bad username", func(r *Request) { r.Kind = KindPersonal; r.Target = "acme/web" }, Limits{}, FieldTarget, "not a GitLab username"},
		{"sudo admin project", func(r *Request) { r.Scopes = []Scope{"sudo"} }, Limits{IsAdmin: true, CallerRole: RoleOwner}, FieldScopes, "not available for project"},
		{"no role", func(r *Request) { r.Role = RoleNone }, limits, FieldRole, "choose a role"},
		{"bad role", func(r *Request) { r.Role = 35 }, limits, FieldRole, "does not exist"},
		{"role above caller", func(r *Request) { r.Role = RoleOwner }, limits, FieldRole, "you are Maintainer here and cannot grant Owner: pick Guest, Reporter, Developer or Maintainer"},
		{"Maintainer cannot grant Planner", func(r *Request) { r.Role = RolePlanner }, limits, FieldRole, "cannot grant Planner (GitLab lets only Owners and Planners grant Planner)"},
		{"Planner before 17.7", func(r *Request) { r.Role = RolePlanner }, Limits{CallerRole: RoleOwner, Version: "17.5.0-ee"}, FieldRole, "GitLab 17.5.0-ee has no Planner role (it arrived in 17.7): pick Guest, Reporter, Developer, Maintainer or Owner"},
		{"Planner from 17.7", func(r *Request) { r.Role = RolePlanner }, Limits{CallerRole: RoleOwner, Version: "17.7.1"}, "", ""},
		{"role equal caller", func(r *Request) { r.Role = RoleMaintainer }, limits, "", ""},
		{"role unknown caller", func(r *Request) { r.Role = RoleOwner }, Limits{}, "", ""},
		{"personal needs no role", func(r *Request) { r.Kind = KindPersonal; r.Role = RoleNone; r.Target = "" }, limits, "", ""},
		{"no target", func(r *Request) { r.Target = "" }, limits, FieldTarget, "choose the project"},
		{"no kind", func(r *Request) { r.Kind = "" }, limits, FieldKind, "choose a token kind"},
		{"no expiry", func(r *Request) { r.ExpiresAt = time.Time{} }, limits, FieldExpiry, "on or before 2027-11-25"},
		{"today", func(r *Request) { r.ExpiresAt = date("2026-11-25") }, limits, FieldExpiry, "not in the future"},
		{"past", func(r *Request) { r.ExpiresAt = date("0000-01-01") }, limits, FieldExpiry, "pick a date from 2026-11-26 to 2027-11-25"},
		{"tomorrow", func(r *Request) { r.ExpiresAt = date("2026-11-26") }, limits, "", ""},
		{"today+365", func(r *Request) { r.ExpiresAt = date("2027-11-25") }, limits, "", ""},
		{"today+366", func(r *Request) { r.ExpiresAt = date("2027-11-26") }, limits, FieldExpiry, "pick a date on or before 2027-11-25"},
		{"instance max 90", func(r *Request) { r.ExpiresAt = date("2027-03-01") }, Limits{MaxLifetimeDays: 90}, FieldExpiry, "on or before 2027-02-23"},
		{"far future", func(r *Request) { r.ExpiresAt = date("9999-12-31") }, limits, FieldExpiry, "maximum lifetime of 365 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mod(&r)
			err := r.Validate(tt.limits, now)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			if got := ve.For(tt.field); !strings.Contains(got, tt.msg) {
				t.Fatalf("problem for %s = %q, want it to contain %q (all: %v)", tt.field, got, tt.msg, err)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{"reporter": RoleReporter, "Developer": RoleDeveloper, "40": RoleMaintainer, " owner ": RoleOwner, "15": RolePlanner} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "admin", "35", "0"} {
		if _, err := ParseRole(in); err == nil {
			t.Errorf("ParseRole(%q) accepted", in)
		}
	}
}

// GitLab's level_encompasses?, row by row (spec/support/helpers/roles_helpers.rb).
// Scopes by version (the instance's GET /version) and the explanation of a
// "scopes does not have a valid value" refusal.
func TestScopesByVersion(t *testing.T) {
	names := func(v string) string { return JoinScopes(scopeNames(ScopesAt(KindProject, false, v))) }
	if got := names("16.4.1-ee"); strings.Contains(got, "k8s_proxy") || strings.Contains(got, "self_rotate") || strings.Contains(got, "manage_runner") {
		t.Errorf("16.4 offers %s", got)
	}
	if got := names("17.9.0"); !strings.Contains(got, "self_rotate") || !strings.Contains(got, "write_virtual_registry") {
		t.Errorf("17.9 lacks scopes: %s", got)
	}
	if got := names(""); !strings.Contains(got, "self_rotate") {
		t.Errorf("an unknown version must offer everything: %s", got)
	}
	l := Limits{Version: "17.8.1"}
	r := Request{Kind: KindProject, Target: "a/b", Name: "n", Role: RoleReporter, Scopes: []Scope{"self_rotate"}, ExpiresAt: DefaultExpiry(time.Now())}
	if err := r.Validate(l, time.Now()); err == nil || !strings.Contains(err.Error(), "needs GitLab 17.9 or later, and this instance runs 17.8.1") {
		t.Errorf("Validate = %v", err)
	}
	for scopes, want := range map[string]string{
		"read_api,read_registry": "read_registry is not enabled on this instance: the container registry may be disabled",
		"read_virtual_registry":  "the dependency proxy may be disabled",
		"self_rotate":            "self_rotate needs GitLab 17.9 or later",
		"read_api,made_up_scope": "made_up_scope is not a scope GitLab knows",
	} {
		if got := ExplainScopeRefusal(ParseScopes(scopes), "17.8.1"); !strings.Contains(got, want) {
			t.Errorf("ExplainScopeRefusal(%s) = %q, want %q", scopes, got, want)
		}
	}
}

func TestGrantableByFollowsGitLab(t *testing.T) {
	for caller, want := range map[Role]string{
		RoleOwner:      "guest planner reporter developer maintainer owner",
		RoleMaintainer: "guest reporter developer maintainer",
		RoleDeveloper:  "guest reporter developer",
		RoleReporter:   "guest reporter",
		RolePlanner:    "guest planner",
		RoleGuest:      "guest",
		RoleNone:       "guest planner reporter developer maintainer owner",
	} {
		var got []string
		for _, r := range GrantableBy(caller) {
			got = append(got, r.String())
		}
		if strings.Join(got, " ") != want {
			t.Errorf("GrantableBy(%v) = %v, want %s", caller, got, want)
		}
	}
	if CanGrant(RoleMaintainer, RolePlanner) || !CanGrant(RolePlanner, RolePlanner) || CanGrant(RolePlanner, RoleReporter) || CanGrant(RoleOwner, Role(35)) {
		t.Error("CanGrant disagrees with GrantableBy")
	}
}

func TestParseScopes(t *testing.T) {
	got := ParseScopes("read_api,api", "API read_repository", "read_api")
	if JoinScopes(got) != "read_api,api,read_repository" {
		t.Fatalf("ParseScopes = %v", got)
	}
	// GitLab's resource_bot_scopes: the non-admin scopes without read_user,
	// observability included (lib/gitlab/auth.rb).
	if n := len(ScopesFor(KindProject, false)); n != 15 {
		t.Fatalf("project scopes = %d, want 15", n)
	}
	if n := len(ScopesFor(KindPersonal, true)); n != 19 {
		t.Fatalf("admin personal scopes = %d, want 19", n)
	}
}

func TestPresets(t *testing.T) {
	p, err := FindPreset("jira-read")
	if err != nil {
		t.Fatal(err)
	}
	r := Request{Kind: KindProject}
	p.Apply(&r)
	if r.Role != RoleReporter || JoinScopes(r.Scopes) != "read_api" || r.Name != "Jira integration" {
		t.Fatalf("jira-read applied = %+v", r)
	}
	explicit := Request{Kind: KindProject, Role: RoleDeveloper, Scopes: []Scope{"api"}, Name: "mine"}
	p.Apply(&explicit)
	if explicit.Role != RoleDeveloper || JoinScopes(explicit.Scopes) != "api" || explicit.Name != "mine" {
		t.Fatalf("explicit values lost: %+v", explicit)
	}
	adv := p.Advice(explicit)
	if len(adv) != 2 || !strings.Contains(adv[0], "more than") || !strings.Contains(adv[1], "scope api allows writes") {
		t.Fatalf("Advice = %q", adv)
	}
	w, _ := FindPreset("jira-write")
	w.Apply(&Request{})
	if adv := w.Advice(Request{Kind: KindProject, Role: RoleDeveloper, Scopes: []Scope{"api"}}); len(adv) != 0 {
		t.Fatalf("jira-write advice = %q", adv)
	}
	if _, err := FindPreset("jira"); err == nil {
		t.Fatal("FindPreset accepted an unknown preset")
	}
}

// A purpose that writes needs its role; one that only reads is proved by
// reading, so no role falls short of it.
func TestPresetShortfall(t *testing.T) {
	r, _ := FindPreset("jira-read")
	w, _ := FindPreset("jira-write")
	c, _ := FindPreset("custom")
	for _, tt := range []struct {
		p    Preset
		role Role
		want string
	}{
		{w, RoleReporter, `Reporter is less than "jira-write" needs (Developer): Jira could not create branches`},
		{w, RoleNone, `not a member is less than "jira-write" needs (Developer)`},
		{w, RoleDeveloper, ""},
		{w, RoleMaintainer, ""},
		{r, RoleGuest, ""},
		{c, RoleGuest, ""},
	} {
		if got := tt.p.Shortfall(tt.role); tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s.Shortfall(%s) = %q, want %q", tt.p.ID, tt.role, got, tt.want)
		}
	}
}

func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"2027-01-31", "30d", "4w", "1y", "-1d", "1.5d", "99999d", "2027-02-30", "0000-01-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseExpiry(s, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if d.Hour() != 0 || d.Minute() != 0 || d.Location() != time.UTC {
			t.Fatalf("ParseExpiry(%q) = %v: not a UTC date", s, d)
		}
		if strings.HasSuffix(strings.TrimSpace(s), "d") && !d.After(Today(now)) {
			t.Fatalf("duration %q gave a date not after today: %v", s, d)
		}
	})
}

func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"Jira", "a\x1bb", strings.Repeat("x", 300), "🚀", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateName(s) == nil {
			for _, c := range s {
				if c < 0x20 || c == 0x7f {
					t.Fatalf("accepted control character in %q", s)
				}
			}
		}
	})
}

func TestKindsInCommandsAndPlans(t *testing.T) {
	exp := time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)
	g := Request{Kind: KindGroup, Target: "acme", Name: "Jira", Role: RoleReporter, Scopes: []Scope{"read_api"}, ExpiresAt: exp}
	if got := g.CommandLine("https://gitlab.example.com"); got != "gitlab-token-wizard create --host https://gitlab.example.com --group acme --name Jira --access-level reporter --scope read_api --expires-at 2026-12-25" {
		t.Fatalf("group command = %s", got)
	}
	if !strings.Contains(g.Curl("https://gitlab.example.com"), "/api/v4/groups/acme/access_tokens") {
		t.Fatalf("group curl = %s", g.Curl("https://gitlab.example.com"))
	}
	p := Request{Kind: KindPersonal, Target: "jira-bot", UserID: 7, Name: "Jira", Scopes: []Scope{"read_api"}, ExpiresAt: exp}
	if got := p.CommandLine(""); !strings.Contains(got, "--user jira-bot") || strings.Contains(got, "--access-level") {
		t.Fatalf("personal command = %s", got)
	}
	if c := p.Curl("https://gitlab.example.com"); !strings.Contains(c, "/api/v4/users/7/personal_access_tokens") || strings.Contains(c, "access_level") {
		t.Fatalf("personal curl = %s", c)
	}
	for _, in := range []string{"", "@me", "me", " @me "} {
		if u := (Request{Target: in}).PersonalUser(); u != Me {
			t.Fatalf("PersonalUser(%q) = %q", in, u)
		}
	}
	if u := (Request{Target: "@alice"}).PersonalUser(); u != "alice" {
		t.Fatalf("PersonalUser(@alice) = %q", u)
	}
	plans := []struct {
		kind  Kind
		plan  string
		trial bool
		ok    bool
	}{
		{KindProject, "", false, true}, {KindProject, "premium", false, true}, {KindGroup, "ultimate", false, true},
		{KindProject, "free", false, false}, {KindGroup, "free", false, false}, {KindPersonal, "free", false, true},
		{KindProject, "premium_trial", true, true}, {KindGroup, "ultimate_trial", true, false},
	}
	for _, tt := range plans {
		if err := CheckPlan(tt.kind, tt.plan, tt.trial); (err == nil) != tt.ok {
			t.Errorf("CheckPlan(%s, %s) = %v", tt.kind, tt.plan, err)
		}
	}
}

func FuzzParseRoleScopesKind(f *testing.F) {
	for _, s := range []string{"reporter", "40", "Owner", "read_api,api", " api read_repository ", "p", "personal", "sa", "Service-Account", "", "-1", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseRole(s); err == nil && !r.Valid() {
			t.Fatalf("ParseRole(%q) = %d, an invalid role without error", s, r)
		}
		for _, sc := range ParseScopes(s) {
			if sc == "" || strings.ContainsAny(string(sc), ", \t") {
				t.Fatalf("ParseScopes(%q) gave %q", s, sc)
			}
		}
		if k, err := ParseKind(s); err == nil && !slices.Contains(Kinds, k) {
			t.Fatalf("ParseKind(%q) = %q, not one of the kinds offered", s, k)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	r := Request{Kind: KindProject, Target: "acme/web", Name: "Jira integration", Role: RoleReporter,
		Scopes: []Scope{"read_api"}, ExpiresAt: DefaultExpiry(now)}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(Limits{CallerRole: RoleMaintainer}, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseExpiry(b *testing.B) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range []string{"30d", "2027-01-31", "1y"} {
			if _, err := ParseExpiry(s, now); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// A personal token is rotated by its user or an administrator
// (manage_user_personal_access_token), not by "administrators only" as a
// personal token is created; a credential without api is told that
// rotating needs it.
func TestCheckRotatePersonal(t *testing.T) {
	old := Existing{ID: 15, Name: "laptop", Active: true, ExpiresAt: now.AddDate(0, 0, 5)}
	exp := now.AddDate(0, 0, 60)
	alice := Facts{Username: "alice", Scopes: []string{"api"}, Owner: "alice"}
	if _, err := CheckRotate(KindPersonal, alice, old, exp, now, 0); err != nil {
		t.Fatalf("one's own: %v", err)
	}
	other := alice
	other.Owner = "olivia"
	var rf *Refusal
	if _, err := CheckRotate(KindPersonal, other, old, exp, now, 0); !errors.As(err, &rf) || rf.Party != PartyRights ||
		!strings.Contains(err.Error(), "only administrators may rotate another user's tokens, and you (alice) are not one: ask @olivia") {
		t.Fatalf("another user's: %v", err)
	}
	admin := other
	admin.IsAdmin = true
	if _, err := CheckRotate(KindPersonal, admin, old, exp, now, 0); err != nil {
		t.Fatalf("an administrator: %v", err)
	}
	readOnly := alice
	readOnly.Scopes = []string{"read_api"}
	if err := readOnly.CredentialProblem(now, "rotating"); err == nil || !strings.Contains(err.Error(), "rotating tokens needs api") || strings.Contains(err.Error(), "creating") {
		t.Fatalf("read_api: %v", err)
	}
}
