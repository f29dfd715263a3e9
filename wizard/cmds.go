package wizard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// API is what the wizard needs of GitLab; *gitlab.Client implements it.
type API interface {
	BaseURL() string
	Preflight(ctx context.Context) (gitlab.Preflight, error)
	SearchProjects(ctx context.Context, query string, limit int) ([]gitlab.Project, error)
	CallerRole(ctx context.Context, pf gitlab.Preflight, p gitlab.Project) (token.Role, error)
	CreateProjectToken(ctx context.Context, r token.Request) (*gitlab.NewToken, error)
	VerifyToken(ctx context.Context, value token.Secret, want token.Request) gitlab.Verification
	RevokeProjectToken(ctx context.Context, target string, id int64) error
}

type preflightMsg struct {
	api API
	pf  gitlab.Preflight
	err error
}
type roleMsg struct {
	role token.Role
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
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		ps, err := api.SearchProjects(ctx, r.Query, 20)
		return steps.ProjectsMsg{Seq: r.Seq, Projects: ps, Err: err}
	}
}

func (m *Model) roleCmd(p gitlab.Project) tea.Cmd {
	api, ctx, pf := m.api, m.ctx, m.pf
	return func() tea.Msg {
		r, err := api.CallerRole(ctx, pf, p)
		return roleMsg{role: r, err: err}
	}
}

func (m *Model) createCmd(r token.Request) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg {
		nt, err := api.CreateProjectToken(ctx, r)
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

func (m *Model) revokeCmd(target string, id int64) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg { return revokedMsg{err: api.RevokeProjectToken(ctx, target, id)} }
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
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if os.IsExist(err) {
				continue
			}
			if err != nil {
				return savedMsg{err: err}
			}
			_, err = f.WriteString(v.Reveal() + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return savedMsg{path: path, err: err}
		}
		return savedMsg{err: fmt.Errorf("too many gitlab-token files in %s: remove old ones", dir)}
	}
}
