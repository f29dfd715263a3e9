package wizard

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/secretfile"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// API is what the wizard needs of GitLab; *gitlab.Client implements it.
type API interface {
	BaseURL() string
	Preflight(ctx context.Context) (gitlab.Preflight, error)
	SearchProjects(ctx context.Context, query string, limit int, min token.Role) ([]gitlab.Project, error)
	SearchGroups(ctx context.Context, query string, limit int, all bool) ([]gitlab.Project, error)
	SearchUsers(ctx context.Context, query string, limit int) ([]gitlab.User, error)
	CallerRole(ctx context.Context, pf gitlab.Preflight, k token.Kind, p gitlab.Project) (token.Role, error)
	NamespacePlan(ctx context.Context, path string) (gitlab.Plan, error)
	CreateToken(ctx context.Context, r token.Request) (*gitlab.NewToken, error)
	RetryCreate(ctx context.Context, prev *gitlab.OutcomeUnknownError) (*gitlab.NewToken, error)
	VerifyToken(ctx context.Context, value token.Secret, want token.Request) gitlab.Verification
	CheckPastedToken(ctx context.Context, value token.Secret, want token.Request, owner int64) gitlab.Verification
	RevokeToken(ctx context.Context, r token.Request, id int64) error
	RevokeSelf(ctx context.Context) error
}

type preflightMsg struct {
	api API
	pf  gitlab.Preflight
	err error
}
type roleMsg struct {
	path string
	role token.Role
	plan gitlab.Plan
	err  error
}
type createdMsg struct {
	nt  *gitlab.NewToken
	err error
}
type verifiedMsg struct{ v gitlab.Verification }
type savedMsg struct {
	path string
	err  error
}
type revokedMsg struct{ err error }
type revokedSelfMsg struct{ err error }

// Every command below captures what it needs and never touches the model.

func preflight(ctx context.Context, api API) tea.Msg {
	pf, err := api.Preflight(ctx)
	return preflightMsg{api: api, pf: pf, err: err}
}

func (m *Model) preflightCmd(api API) tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg { return preflight(ctx, api) }
}

func (m *Model) connectCmd(host string, cred token.Secret) tea.Cmd {
	connect, ctx := m.opts.Connect, m.ctx
	return func() tea.Msg {
		api, err := connect(host, cred)
		if err != nil {
			return preflightMsg{err: err}
		}
		return preflight(ctx, api)
	}
}

func (m *Model) searchCmd(r steps.SearchRequestMsg) tea.Cmd {
	api, ctx, admin := m.api, m.ctx, m.pf.User.IsAdmin
	return func() tea.Msg {
		out := steps.ResultsMsg{Seq: r.Seq}
		// An administrator may manage any project or group, member or not.
		min := token.RoleMaintainer
		switch {
		case admin:
			min = token.RoleNone
		case r.Mode == steps.ModeRepo:
			min = token.RoleReporter
		}
		switch r.Mode {
		case steps.ModeGroup:
			out.Projects, out.Err = api.SearchGroups(ctx, r.Query, 20, admin)
		case steps.ModeUser:
			out.Users, out.Err = api.SearchUsers(ctx, r.Query, 20)
		default:
			out.Projects, out.Err = api.SearchProjects(ctx, r.Query, 20, min)
		}
		return out
	}
}

// roleCmd reads the caller's role on the target and the namespace's plan, concurrently.
func (m *Model) roleCmd(k token.Kind, p gitlab.Project) tea.Cmd {
	api, ctx, pf := m.api, m.ctx, m.pf
	return func() tea.Msg {
		planCh := make(chan roleMsg, 1)
		go func() {
			plan, err := api.NamespacePlan(ctx, p.Path)
			planCh <- roleMsg{plan: plan, err: err}
		}()
		r, err := api.CallerRole(ctx, pf, k, p)
		pm := <-planCh
		if err == nil {
			err = pm.err
		}
		return roleMsg{path: p.Path, role: r, plan: pm.plan, err: err}
	}
}

func (m *Model) createCmd(r token.Request) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		nt, err := api.CreateToken(ctx, r)
		return createdMsg{nt: nt, err: err}
	}
}

// retryCmd creates again after a lost answer, looking for the token first.
func (m *Model) retryCmd(prev *gitlab.OutcomeUnknownError) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		nt, err := api.RetryCreate(ctx, prev)
		return createdMsg{nt: nt, err: err}
	}
}

func (m *Model) verifyCmd(v token.Secret, r token.Request) tea.Cmd {
	api, ctx := m.api, context.WithoutCancel(m.ctx)
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return verifiedMsg{v: api.VerifyToken(cctx, v, r)}
	}
}

// checkCmd checks a token pasted on the guided path.
func (m *Model) checkCmd(v token.Secret, r token.Request) tea.Cmd {
	api, ctx, owner := m.api, m.ctx, m.pf.User.ID
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return steps.CheckedMsg{V: api.CheckPastedToken(cctx, v, r, owner)}
	}
}

func (m *Model) openCmd(url string) tea.Cmd {
	open := m.opts.OpenURL
	return func() tea.Msg { return steps.OpenedMsg{OK: open != nil && open(url)} }
}

func (m *Model) revokeCmd(r token.Request, id int64) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg { return revokedMsg{err: api.RevokeToken(ctx, r, id)} }
}

func (m *Model) revokeSelfCmd() tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg { return revokedSelfMsg{err: api.RevokeSelf(ctx)} }
}

// saveCmd writes the token to a new file with mode 0600; it never overwrites.
func saveCmd(dir string, id int64, v token.Secret) tea.Cmd {
	return func() tea.Msg {
		for i := 0; i < 100; i++ {
			name := fmt.Sprintf("gitlab-token-%d.txt", id)
			if i > 0 {
				name = fmt.Sprintf("gitlab-token-%d-%d.txt", id, i)
			}
			path := filepath.Join(dir, name)
			err := secretfile.Write(path, v)
			if errors.Is(err, secretfile.ErrExists) {
				continue
			}
			return savedMsg{path: path, err: err}
		}
		return savedMsg{err: fmt.Errorf("too many gitlab-token files in %s: remove old ones", dir)}
	}
}
