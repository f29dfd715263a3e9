package wizard

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// stub is a hand-written API with fixed answers and a fixed address, for
// screens that must not change from run to run (goldens) and for requests
// a test holds open (a slow search).
type stub struct {
	createErr error
	// projects, when set, are what every project search finds.
	projects []gitlab.Project
	// role and custom are the caller's role on any target (Maintainer when unset).
	role   token.Role
	custom bool
	// hold, when set, makes every search wait for the context to end,
	// after saying on started (when not nil) that it reached GitLab.
	hold    bool
	started chan struct{}
	// searching counts searches running now; most is the largest count seen.
	searching, most atomic.Int32
	mu              sync.Mutex
	queries         []string
	// accounts are the service accounts of every group; report is every
	// audit's answer, held until the context ends when holdAudit is set.
	accounts  []gitlab.ServiceAccount
	report    *gitlab.AuditReport
	holdAudit bool
	// provisions counts the service-account writes asked for.
	provisions atomic.Int32
}

var goldenNow = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func (s *stub) BaseURL() string { return "https://gitlab.example.com" }
func (s *stub) Preflight(context.Context) (gitlab.Preflight, error) {
	return gitlab.Preflight{Version: "18.5.0", User: gitlab.User{ID: 2, Username: "alice", Name: "Alice Maintainer"},
		Self: gitlab.TokenInfo{Name: "laptop", Scopes: []string{"api"}, ExpiresAt: goldenNow.AddDate(0, 3, 0), Active: true}}, nil
}

func (s *stub) SearchProjects(ctx context.Context, q string, _ int, _ token.Role) ([]gitlab.Project, error) {
	n := s.searching.Add(1)
	defer s.searching.Add(-1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	s.mu.Lock()
	s.queries = append(s.queries, q)
	s.mu.Unlock()
	if s.hold {
		if s.started != nil {
			s.started <- struct{}{}
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if s.projects != nil {
		return s.projects, nil
	}
	return []gitlab.Project{{ID: 100, Path: "acme/web", Name: "Web", Role: token.RoleMaintainer}}, nil
}

func (s *stub) SearchGroups(context.Context, string, int, bool) ([]gitlab.Project, error) {
	return []gitlab.Project{{ID: 10, Path: "acme", Role: token.RoleOwner}}, nil
}
func (s *stub) SearchUsers(context.Context, string, int) ([]gitlab.User, error) { return nil, nil }
func (s *stub) Gather(ctx context.Context, r token.Request) (gitlab.Gathered, error) {
	pf, _ := s.Preflight(ctx)
	role := s.role
	if role == token.RoleNone {
		role = token.RoleMaintainer
	}
	places := map[string]token.Role{}
	for _, p := range r.Places {
		places[p.Path] = role
	}
	return gitlab.Gathered{Preflight: pf, Target: gitlab.Project{ID: 100, Path: r.Target}, Role: role, CustomRole: s.custom,
		Existing: s.Named(ctx, r), PlaceRoles: places}, nil
}
func (s *stub) Named(context.Context, token.Request) gitlab.Existing {
	return gitlab.Existing{IDs: map[int64]bool{}}
}
func (s *stub) CreateKnowing(_ context.Context, r token.Request, _ gitlab.Existing) (*gitlab.NewToken, error) {
	if s.createErr != nil {
		return nil, s.createErr
	}
	return &gitlab.NewToken{TokenInfo: gitlab.TokenInfo{ID: 58, Name: r.Name, ExpiresAt: r.ExpiresAt, Active: true},
		Value: "glpat-ExampleExampleExample"}, nil
}
func (s *stub) RetryCreate(ctx context.Context, _ *gitlab.OutcomeUnknownError) (*gitlab.NewToken, error) {
	return s.CreateKnowing(ctx, token.Request{}, gitlab.Existing{})
}
func (s *stub) VerifyToken(context.Context, token.Secret, token.Request) gitlab.Verification {
	return gitlab.Verification{Checks: []gitlab.Check{
		{Name: "token accepted by GitLab", OK: true, Detail: "id 58, active=true"},
		{Name: "scopes as requested", OK: true, Detail: "read_api"},
		{Name: "expiry as requested", OK: true, Detail: "2026-12-25 00:00 UTC"},
		{Name: "reads the latest commit of acme/web (what Jira does)", OK: true, Detail: "5d0f2c1 web: change 5"}}}
}
func (s *stub) CheckPastedToken(context.Context, token.Secret, token.Request, int64) gitlab.Verification {
	return gitlab.Verification{}
}
func (s *stub) RevokeToken(context.Context, token.Request, int64) error { return nil }

func (s *stub) ListServiceAccounts(context.Context, string) ([]gitlab.ServiceAccount, error) {
	return s.accounts, nil
}

// ProvisionServiceAccount says each write as the client does, and makes them.
func (s *stub) ProvisionServiceAccount(ctx context.Context, r token.Request, g gitlab.Gathered, say func(string)) (gitlab.Provisioned, error) {
	s.provisions.Add(1)
	p := gitlab.Provisioned{Account: gitlab.ServiceAccount{ID: 77, Username: r.Account.Username}, Created: g.Account == nil}
	if g.Account != nil {
		p.Account = *g.Account
	}
	say("Creating the service account…")
	for _, pl := range r.Places {
		p.Memberships = append(p.Memberships, gitlab.Membership{Place: pl, Role: r.Role})
	}
	say("Creating its token…")
	nt, err := s.CreateKnowing(ctx, r, gitlab.Existing{})
	p.Token = nt
	return p, err
}

func (s *stub) Audit(ctx context.Context, o gitlab.AuditOptions) (*gitlab.AuditReport, error) {
	if s.holdAudit {
		<-ctx.Done()
		return &gitlab.AuditReport{Interrupted: true}, nil
	}
	if s.report != nil {
		return s.report, nil
	}
	return &gitlab.AuditReport{Projects: 1}, nil
}
func (s *stub) RevokeSelf(context.Context) error { return nil }

// stubDriver is the wizard on a stub, at a fixed time, sized w x h.
func stubDriver(api *stub, w, h int) *driver {
	m := New(context.Background(), Options{API: api, Request: token.Request{Preset: "jira-read"},
		Clock: steps.InstantClock(func() time.Time { return goldenNow }), NoColor: true})
	d := &driver{m: m}
	d.send(d.run(m.Init()))
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}
