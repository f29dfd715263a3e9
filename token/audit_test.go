package token

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// aProjectToken is an active, read-only project token used yesterday that
// expires in 100 days: nothing to say about it.
func aProjectToken() Found {
	return Found{Where: Place{Kind: KindProject, ID: 100, Path: "acme/web"}, ID: 58, Name: "Jira", Scopes: []string{"read_api"},
		Role: RoleReporter, CreatedAt: now.AddDate(0, -2, 0), ExpiresAt: Today(now).AddDate(0, 0, 100),
		LastUsedAt: now.AddDate(0, 0, -1), Active: true}
}

func kinds(fs []Finding) []FindingKind {
	out := []FindingKind{}
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

func TestJudgeFindings(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name      string
		change    func(*Found)
		want      []FindingKind
		attention bool
		daysLeft  int
	}{
		{"nothing to say", func(*Found) {}, nil, false, 100},
		{"expires on the last day of the window", func(f *Found) { f.ExpiresAt = Today(now).AddDate(0, 0, 30) }, []FindingKind{FindExpiring}, true, 30},
		{"expires the day after the window", func(f *Found) { f.ExpiresAt = Today(now).AddDate(0, 0, 31) }, nil, false, 31},
		{"expires tomorrow", func(f *Found) { f.ExpiresAt = Today(now).AddDate(0, 0, 1) }, []FindingKind{FindExpiring}, true, 1},
		{"expired at 00:00 today", func(f *Found) { f.ExpiresAt = Today(now) }, []FindingKind{FindExpired}, true, 0},
		{"listed inactive by GitLab", func(f *Found) { f.Active = false }, []FindingKind{FindExpired}, true, 100},
		{"no expiry", func(f *Found) { f.ExpiresAt = time.Time{} }, []FindingKind{FindNoExpiry}, false, 0},
		{"never used, a month old", func(f *Found) { f.LastUsedAt = time.Time{} }, []FindingKind{FindNeverUsed}, false, 100},
		{"never used, made today", func(f *Found) { f.LastUsedAt, f.CreatedAt = time.Time{}, now.Add(-time.Hour) }, nil, false, 100},
		{"never used, made 7 days ago", func(f *Found) { f.LastUsedAt, f.CreatedAt = time.Time{}, now.Add(-7*day) }, []FindingKind{FindNeverUsed}, false, 100},
		{"unused for 89 days", func(f *Found) { f.LastUsedAt = now.Add(-89 * day) }, nil, false, 100},
		{"unused for 90 days", func(f *Found) { f.LastUsedAt = now.Add(-90 * day) }, []FindingKind{FindUnused}, false, 100},
		{"api scope", func(f *Found) { f.Scopes = []string{"api"} }, []FindingKind{FindBroad}, false, 100},
		{"write scope", func(f *Found) { f.Scopes = []string{"read_repository", "write_repository"} }, []FindingKind{FindBroad}, false, 100},
		{"Owner role", func(f *Found) { f.Role = RoleOwner }, []FindingKind{FindBroad}, false, 100},
		{"everything at once", func(f *Found) {
			f.ExpiresAt, f.LastUsedAt, f.Scopes, f.Role = Today(now).AddDate(0, 0, 3), time.Time{}, []string{"api"}, RoleOwner
		}, []FindingKind{FindExpiring, FindNeverUsed, FindBroad}, true, 3},
	}
	p := AuditPolicy{Now: now, WithinDays: 30, Host: "https://gitlab.com"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := aProjectToken()
			tt.change(&f)
			j := p.Judge(f)
			want := tt.want
			if want == nil {
				want = []FindingKind{}
			}
			if got := kinds(j.Findings); !reflect.DeepEqual(got, want) {
				t.Fatalf("findings %v, want %v", got, want)
			}
			if j.Attention != tt.attention || (j.HasExpiry && j.DaysLeft != tt.daysLeft) {
				t.Fatalf("attention %v days %d, want %v %d", j.Attention, j.DaysLeft, tt.attention, tt.daysLeft)
			}
		})
	}
}

func TestJudgeCommands(t *testing.T) {
	p := AuditPolicy{Now: now, WithinDays: 30, Host: "https://gitlab.example.com"}
	tests := []struct {
		name   string
		change func(*Found)
		kind   FindingKind
		want   string
	}{
		{"expiring project token: rotate", func(f *Found) { f.ExpiresAt = Today(now).AddDate(0, 0, 3) }, FindExpiring,
			"gitlab-token-wizard rotate --host https://gitlab.example.com --project acme/web 58 -D 90d"},
		{"expiring group token: rotate", func(f *Found) {
			f.Where, f.ExpiresAt = Place{Kind: KindGroup, ID: 10, Path: "acme"}, Today(now).AddDate(0, 0, 3)
		}, FindExpiring, "gitlab-token-wizard rotate --host https://gitlab.example.com --group acme 58 -D 90d"},
		{"expired: revoke, it cannot be rotated", func(f *Found) { f.ExpiresAt = Today(now).AddDate(0, 0, -2) }, FindExpired,
			"gitlab-token-wizard revoke --host https://gitlab.example.com --project acme/web 58"},
		{"broad and used today: no bare revoke", func(f *Found) { f.Scopes, f.LastUsedAt = []string{"api"}, now }, FindBroad, ""},
		{"unused: revoke", func(f *Found) { f.LastUsedAt = now.AddDate(0, -6, 0) }, FindUnused,
			"gitlab-token-wizard revoke --host https://gitlab.example.com --project acme/web 58"},
		{"path unknown: the id", func(f *Found) { f.Where.Path, f.LastUsedAt = "", time.Time{} }, FindNeverUsed,
			"gitlab-token-wizard revoke --host https://gitlab.example.com --project 100 58"},
		{"path quoted for the shell", func(f *Found) { f.Where.Path, f.LastUsedAt = "acme/it's", time.Time{} }, FindNeverUsed,
			`gitlab-token-wizard revoke --host https://gitlab.example.com --project 'acme/it'\''s' 58`},
		{"personal token: rotate names the user", func(f *Found) {
			f.Where, f.ExpiresAt = Place{Kind: KindPersonal, ID: 7, Path: "olivia"}, Today(now).AddDate(0, 0, 3)
		}, FindExpiring, "gitlab-token-wizard rotate --host https://gitlab.example.com --user olivia 58 -D 90d"},
		{"personal token of an unknown user: no rotate command", func(f *Found) {
			f.Where, f.ExpiresAt = Place{Kind: KindPersonal, ID: 7}, Today(now).AddDate(0, 0, 3)
		}, FindExpiring, ""},
		{"personal token: revoke names the user", func(f *Found) {
			f.Where, f.LastUsedAt = Place{Kind: KindPersonal, ID: 7, Path: "olivia"}, time.Time{}
		}, FindNeverUsed, "gitlab-token-wizard revoke --host https://gitlab.example.com --user olivia 58"},
		{"personal token of an unknown user: no command", func(f *Found) {
			f.Where, f.LastUsedAt = Place{Kind: KindPersonal, ID: 7}, time.Time{}
		}, FindNeverUsed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := aProjectToken()
			tt.change(&f)
			for _, fd := range p.Judge(f).Findings {
				if fd.Kind == tt.kind {
					if fd.Command.String() != tt.want {
						t.Fatalf("command %q, want %q", fd.Command.String(), tt.want)
					}
					if fd.Message == "" || fd.Advice == "" {
						t.Fatalf("finding without words: %+v", fd)
					}
					return
				}
			}
			t.Fatalf("no %s finding", tt.kind)
		})
	}
}

func TestFailOnLevels(t *testing.T) {
	f := aProjectToken()
	f.LastUsedAt, f.ExpiresAt, f.Scopes = time.Time{}, time.Time{}, []string{"api"} // never used, no expiry, broad
	tests := []struct {
		failOn    string
		attention bool
	}{{"expiry", false}, {"unused", true}, {"no-expiry", true}, {"broad", true}, {"any", true}, {" Expiry ", false},
		// The findings' own names, as the output prints them, mean their level.
		{"expired", false}, {"expiring", false}, {"never-used", true}}
	for _, tt := range tests {
		t.Run(tt.failOn, func(t *testing.T) {
			l, err := ParseLevel(tt.failOn)
			if err != nil {
				t.Fatal(err)
			}
			if got := (AuditPolicy{Now: now, WithinDays: 30, FailOn: l}).Judge(f).Attention; got != tt.attention {
				t.Fatalf("attention %v, want %v", got, tt.attention)
			}
		})
	}
	if _, err := ParseLevel("warning"); err == nil || !strings.Contains(err.Error(), "expiry") {
		t.Fatalf("bad level: %v", err)
	}
}

func TestSortJudgedByDaysLeft(t *testing.T) {
	mk := func(id int64, path string, days int) Found {
		f := aProjectToken()
		f.ID, f.Where.Path = id, path
		if days == 1000 {
			f.ExpiresAt = time.Time{}
		} else {
			f.ExpiresAt = Today(now).AddDate(0, 0, days)
		}
		return f
	}
	js := AuditPolicy{Now: now, WithinDays: 30}.JudgeAll([]Found{mk(1, "b", 1000), mk(2, "b", 40), mk(3, "a", -3), mk(4, "b", 5), mk(5, "a", 5), mk(6, "a", 5)})
	var got []int64
	for _, j := range js {
		got = append(got, j.ID)
	}
	if want := []int64{3, 5, 6, 4, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	var bands []string
	for _, j := range js {
		bands = append(bands, AuditPolicy{Now: now, WithinDays: 30}.Band(j))
	}
	if want := []string{"EXPIRED", "EXPIRE WITHIN 30 DAYS", "EXPIRE WITHIN 30 DAYS", "EXPIRE WITHIN 30 DAYS", "EXPIRE IN MORE THAN 30 DAYS", "NEVER EXPIRE"}; !reflect.DeepEqual(bands, want) {
		t.Fatalf("bands %v", bands)
	}
}

func TestAuditOutcome(t *testing.T) {
	tests := []struct {
		name  string
		tally AuditTally
		want  AuditOutcome
	}{
		{"clean", AuditTally{Tokens: 3, Readable: 5}, AuditClean},
		{"nothing at all, nothing refused", AuditTally{Readable: 1}, AuditClean},
		{"attention", AuditTally{Tokens: 3, Attention: 1, Readable: 5}, AuditAttention},
		{"some unreadable is no failure", AuditTally{Tokens: 3, Readable: 5, Unreadable: 9}, AuditClean},
		{"all unreadable: refused", AuditTally{Unreadable: 9}, AuditRefused},
		{"a failure makes it incomplete, attention or not", AuditTally{Tokens: 3, Attention: 1, Readable: 5, Failed: 1}, AuditIncomplete},
		{"interrupted wins", AuditTally{Tokens: 3, Attention: 1, Failed: 1, Interrupted: true}, AuditInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.tally.Outcome(); got != tt.want {
				t.Fatalf("outcome %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTallyAndWords(t *testing.T) {
	f := aProjectToken()
	f.ExpiresAt, f.Scopes = Today(now).AddDate(0, 0, 2), []string{"api"}
	tl := Tally(AuditPolicy{Now: now, WithinDays: 30}.JudgeAll([]Found{f, aProjectToken()}))
	if tl.Tokens != 2 || tl.Attention != 1 || tl.Findings[FindExpiring] != 1 || tl.Findings[FindBroad] != 1 {
		t.Fatalf("tally %+v", tl)
	}
	for days, want := range map[int]string{-2: "2 days ago", -1: "1 day ago", 0: "today", 1: "in 1 day", 9: "in 9 days"} {
		if got := InDays(days); got != want {
			t.Errorf("InDays(%d) = %q, want %q", days, got, want)
		}
	}
	if got := (Place{Kind: KindPersonal, ID: 3}).String(); got != "user 3" {
		t.Errorf("place %q", got)
	}
}

func TestPlaceNames(t *testing.T) {
	acme := Place{Kind: KindGroup, ID: 10, Path: "acme"}
	for _, tc := range []struct {
		p    Place
		want string
	}{
		{acme, "group acme"},
		{Place{Kind: KindServiceAccount, ID: 7, Path: "acme/@jira-bot"}, "service account acme/@jira-bot"},
		{AccountsOf(acme), "the service accounts of group acme"},
		{AccountsOf(Place{Kind: KindGroup, ID: 11}), "the service accounts of group 11"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}
