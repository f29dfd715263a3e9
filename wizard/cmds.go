package wizard

// Every request to GitLab, each a tea.Cmd built here: it captures what it
// needs, never touches the model, and returns a typed message.

import (
	"context"
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
	SearchProjects(ctx context.Context, query string, limit int, min token.Role) ([]gitlab.Project, error)
	SearchGroups(ctx context.Context, query string, limit int, all bool) ([]gitlab.Project, error)
	SearchUsers(ctx context.Context, query string, limit int) ([]gitlab.User, error)
	// Gather reads, in one round of concurrent requests, every fact a
	// decision on r needs: the caller, the target and the caller's role on
	// it, the plan where it can refuse, the tokens already named like r.
	Gather(ctx context.Context, r token.Request) (gitlab.Gathered, error)
	// Named reads the tokens already named like r, for a name chosen after
	// Gather read the target's.
	Named(ctx context.Context, r token.Request) gitlab.Existing
	// CreateKnowing sends the create at once: the same-name list it needs
	// for the orphan check was read before.
	CreateKnowing(ctx context.Context, r token.Request, ex gitlab.Existing) (*gitlab.NewToken, error)
	RetryCreate(ctx context.Context, prev *gitlab.OutcomeUnknownError) (*gitlab.NewToken, error)
	VerifyToken(ctx context.Context, value token.Secret, want token.Request) gitlab.Verification
	CheckPastedToken(ctx context.Context, value token.Secret, want token.Request, owner int64) gitlab.Verification
	RevokeToken(ctx context.Context, r token.Request, id int64) error
	RevokeSelf(ctx context.Context) error
	// ListServiceAccounts lists a group's service accounts (GitLab 17.1+).
	ListServiceAccounts(ctx context.Context, group string) ([]gitlab.ServiceAccount, error)
	// ProvisionServiceAccount makes a service-account token's writes, in
	// order and each once: the account unless g found it, the memberships,
	// the token. say hears of each write before it is sent.
	ProvisionServiceAccount(ctx context.Context, r token.Request, g gitlab.Gathered, say func(string)) (gitlab.Provisioned, error)
	// Audit lists the tokens of a project or group, bounded in concurrency.
	Audit(ctx context.Context, o gitlab.AuditOptions) (*gitlab.AuditReport, error)
}

// searchLimit is how many results a search shows: enough to spot the one
// meant, few enough to read.
const searchLimit = 20

type preflightMsg struct {
	api API
	pf  gitlab.Preflight
	err error
}

// targetMsg answers the reads made when a target is picked (Gather): what
// the decisions from here on are made of.
type targetMsg struct {
	req token.Request
	g   gitlab.Gathered
	err error
}

// namedMsg answers the read of the tokens already named like req, made when
// the review appears with a name Gather did not read.
type namedMsg struct {
	req token.Request
	ex  gitlab.Existing
}
type createdMsg struct {
	nt  *gitlab.NewToken
	err error
	// provisioned is what a service-account token's writes did, also on failure.
	provisioned *gitlab.Provisioned
}
type verifiedMsg struct{ v gitlab.Verification }

// savedMsg answers a save: written to path, refused with err, or not
// written because path is inside the git work tree at tree.
type savedMsg struct {
	path, tree string
	err        error
}

// revokedMsg answers a revoke of the new token (leaving without keeping it),
// of an orphan, or of the sign-in credential (self).
type revokedMsg struct {
	self bool
	// orphan is the id of the orphan revoked, 0 for any other token.
	orphan int64
	err    error
}

// flight is a step's request in flight, so that its next one cancels it.
type flight struct {
	seq    int
	cancel context.CancelFunc
}

// request runs a step's request, at most one per step: a newer one cancels
// the one in flight, whose late answer the step then drops by its sequence.
func (m *Model) request(msg tea.Msg) tea.Cmd {
	var from steps.Address
	var run func(ctx context.Context) tea.Msg
	switch r := msg.(type) {
	case steps.SearchRequestMsg:
		from, run = r.From, m.search(r)
	case steps.PastedMsg:
		from, run = r.From, m.check(r)
	case steps.AccountsRequestMsg:
		from, run = r.From, m.accounts(r)
	case steps.OpenURLMsg:
		open := m.opts.OpenURL
		return func() tea.Msg { return steps.OpenedMsg{To: r.From, OK: open != nil && open(r.URL)} }
	}
	if run == nil {
		return nil
	}
	if f, ok := m.inflight[from.Step]; ok {
		f.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.inflight[from.Step] = flight{seq: from.Seq, cancel: cancel}
	return func() tea.Msg { return run(ctx) }
}

// deliver gives an answer to the step that asked, current or not.
func (m *Model) deliver(msg steps.Addressed) tea.Cmd {
	to := msg.Recipient()
	if to.Step == steps.Screen {
		// A screen's own timer (its quiet guard): a screen no longer shown
		// drops it, as a newer guard's sequence differs.
		if m.state != stateScreen {
			return nil
		}
		return m.toCurrent(msg)
	}
	if f, ok := m.inflight[to.Step]; ok && f.seq == to.Seq {
		f.cancel()
		delete(m.inflight, to.Step)
	}
	s, ok := m.flow.built[to.Step]
	if !ok {
		return nil // the step was rebuilt since: nobody waits for this
	}
	s, cmd := s.Update(msg)
	m.flow.built[to.Step] = s
	return cmd
}

func (m *Model) search(r steps.SearchRequestMsg) func(context.Context) tea.Msg {
	api, admin := m.api, m.pf.User.IsAdmin
	if api == nil {
		return nil
	}
	min := token.SearchMinRole(r.Mode.Kind(), admin, r.Mode == steps.ModeRepo)
	group := m.req.Target // the account's, for the places step
	return func(ctx context.Context) tea.Msg {
		out := steps.ResultsMsg{To: r.From}
		switch r.Mode {
		case steps.ModePlaces:
			out.Groups, out.Projects, out.Err = searchPlaces(ctx, api, group, r.Query, min, admin)
		case steps.ModeGroup, steps.ModeAccountGroup:
			out.Projects, out.Err = api.SearchGroups(ctx, r.Query, searchLimit, admin)
		case steps.ModeUser:
			out.Users, out.Err = api.SearchUsers(ctx, r.Query, searchLimit)
		default:
			out.Projects, out.Err = api.SearchProjects(ctx, r.Query, searchLimit, min)
		}
		return out
	}
}

// searchPlaces finds, at once, the subgroups of group the caller may give
// the account access to (token.SubgroupPlace) and the projects (at least
// min there).
func searchPlaces(ctx context.Context, api API, group, query string, min token.Role, admin bool) (groups, projects []gitlab.Project, err error) {
	var (
		found []gitlab.Project
		errG  error
		done  = make(chan struct{})
	)
	go func() { defer close(done); found, errG = api.SearchGroups(ctx, query, searchLimit, admin) }()
	projects, err = api.SearchProjects(ctx, query, searchLimit, min)
	<-done
	if err == nil {
		err = errG
	}
	for _, g := range found {
		if token.SubgroupPlace(group, g.Path, g.Role, admin) {
			groups = append(groups, g)
		}
	}
	return groups, projects, err
}

// check checks a token pasted on the guided path.
func (m *Model) check(p steps.PastedMsg) func(context.Context) tea.Msg {
	api, want, owner := m.api, m.req, m.pf.User.ID
	return func(ctx context.Context) tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return steps.CheckedMsg{To: p.From, V: api.CheckPastedToken(cctx, p.Value, want, owner)}
	}
}

func preflight(api API) func(context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		pf, err := api.Preflight(ctx)
		return preflightMsg{api: api, pf: pf, err: err}
	}
}

func (m *Model) connect(host string, cred token.Secret) func(context.Context) tea.Msg {
	connect := m.opts.Connect
	return func(ctx context.Context) tea.Msg {
		api, err := connect(host, cred)
		if err != nil {
			return preflightMsg{err: err}
		}
		return preflight(api)(ctx)
	}
}

// gather reads everything about the picked target in one round (Gather).
func (m *Model) gather(r token.Request) func(context.Context) tea.Msg {
	api := m.api
	return func(ctx context.Context) tea.Msg {
		g, err := api.Gather(ctx, r)
		return targetMsg{req: r, g: g, err: err}
	}
}

// namedCmd reads the tokens already named like r, so that the create can
// be sent the moment it is confirmed (CreateKnowing): nothing is read
// between the Enter and the POST.
func (m *Model) namedCmd(r token.Request) tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg { return namedMsg{req: r, ex: api.Named(ctx, r)} }
}

// createCmd sends the create. Its answer also goes to m.pending, so that a
// run ended by a signal while it is in flight can still learn what became
// of it (AwaitCreate).
func (m *Model) createCmd(r token.Request, ex gitlab.Existing) tea.Cmd {
	api, ctx, pending := m.api, m.ctx, m.startPending()
	return func() tea.Msg {
		nt, err := api.CreateKnowing(ctx, r, ex)
		msg := createdMsg{nt: nt, err: err}
		pending <- msg
		return msg
	}
}

// retryCmd creates again after a lost answer, looking for the token first.
func (m *Model) retryCmd(prev *gitlab.OutcomeUnknownError) tea.Cmd {
	api, ctx, pending := m.api, m.ctx, m.startPending()
	return func() tea.Msg {
		nt, err := api.RetryCreate(ctx, prev)
		msg := createdMsg{nt: nt, err: err}
		pending <- msg
		return msg
	}
}

// verifyCmd outlives a cancelled program context for a bounded time: the
// token exists, and the user is told whether it works.
func (m *Model) verifyCmd(v token.Secret, r token.Request) tea.Cmd {
	api, ctx := m.api, context.WithoutCancel(m.ctx)
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return verifiedMsg{v: api.VerifyToken(cctx, v, r)}
	}
}

// revokeCmd revokes token id of r, until ctx ends (the revoke on leaving
// has its own, which the user may end).
func (m *Model) revokeCmd(ctx context.Context, r token.Request, id int64) tea.Cmd {
	api := m.api
	return func() tea.Msg { return revokedMsg{err: api.RevokeToken(ctx, r, id)} }
}

func (m *Model) revokeSelfCmd() tea.Cmd {
	api, ctx := m.api, m.ctx
	return func() tea.Msg { return revokedMsg{self: true, err: api.RevokeSelf(ctx)} }
}
