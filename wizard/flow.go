package wizard

// The flow: which steps a run takes, moving between them, and what each
// step's answer leads to.

import (
	"reflect"

	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// flow is where the run is: the steps in order, the one shown, and the
// steps built so far (each keeps its answer until an answer it depends on
// changes, per steps.Invalidates).
type flow struct {
	order []steps.ID
	cur   int
	built map[steps.ID]steps.Step
	// resume sends the user back to the review after a step they jumped to
	// from it (or were sent to by a failure), once every step between was answered.
	resume bool
	// answered are the steps the user has finished at least once.
	answered map[steps.ID]bool
}

func newFlow(order []steps.ID) flow {
	return flow{order: order, built: map[steps.ID]steps.Step{}, answered: map[steps.ID]bool{}}
}

// resumeAt is where a resumed run goes after step i: the first later step
// never answered (a failure at the target comes before the name was asked),
// else the review.
func (f *flow) resumeAt(i int) int {
	for j := i + 1; j < len(f.order) && f.order[j] != steps.Review; j++ {
		if !f.answered[f.order[j]] {
			return j
		}
	}
	return f.indexOf(steps.Review)
}

func (f *flow) indexOf(id steps.ID) int {
	for i, s := range f.order {
		if s == id {
			return i
		}
	}
	return -1
}

// drop forgets the steps made stale by a change to step id's answer.
func (f *flow) drop(id steps.ID) {
	for _, s := range steps.Invalidates[id] {
		delete(f.built, s)
	}
}

func (m *Model) current() steps.Step { return m.step(m.flow.order[m.flow.cur]) }

// step returns a step, building it from the request the first time.
func (m *Model) step(id steps.ID) steps.Step {
	if s, ok := m.flow.built[id]; ok {
		return s
	}
	c, r, admin := m.c, m.req, m.pf.User.IsAdmin
	var s steps.Step
	switch id {
	case steps.Purpose:
		s = steps.NewPurpose(c, m.preset.ID)
	case steps.Kind:
		s = steps.NewKind(c, admin, r.Kind, m.offer)
	case steps.Target:
		mode := map[token.Kind]steps.Mode{token.KindProject: steps.ModeProject, token.KindGroup: steps.ModeGroup, token.KindPersonal: steps.ModeUser}[r.Kind]
		s = steps.NewSearch(c, mode, r.Target, m.pf.User)
		if r.Kind == token.KindServiceAccount {
			s = steps.NewAccountGroupSearch(c, r.Target, m.pf.User, m.pf.Version)
		}
	case steps.Account:
		s = steps.NewAccount(c, r.Target, r.Account, r.UserID)
	case steps.Places:
		s = steps.NewPlaces(c, r.Target, r.Places)
	case steps.Repo:
		s = steps.NewSearch(c, steps.ModeRepo, r.Repo, m.pf.User)
	case steps.Guide:
		link := gitlab.PATFormURL(m.api.BaseURL(), m.pf.Version, r.Name, r.Description, r.Scopes)
		s = steps.NewGuide(c, link, r, c.Clock.Now())
	case steps.Name:
		s = steps.NewName(c, r.Name, r.Description)
	case steps.Expiry:
		current := r.ExpiresAt
		if !m.lastDate.IsZero() && current.After(m.lastDate) {
			current = m.lastDate // the instance's last date, as GitLab named it: pre-selected
		}
		s = steps.NewExpiry(c, c.Clock.Now(), m.limits(), current)
	case steps.Role:
		s = steps.NewRole(c, m.limits().CallerRole, r.Role, m.preset, m.limits().Version)
		if r.Kind == token.KindServiceAccount {
			s = steps.NewAccountRole(c, m.accountRoleBound(), r.Role, m.preset, m.limits().Version)
		}
	case steps.Scopes:
		s = steps.NewScopes(c, r.Kind, admin, m.pf.Version, r.Scopes, m.preset)
	case steps.Review:
		target := map[token.Kind]string{token.KindProject: "project", token.KindGroup: "group", token.KindPersonal: "user", token.KindServiceAccount: "group"}[r.Kind]
		s = steps.NewReview(c, m.reviewContent(), m.flow.order, target)
	}
	fit(s, c.Width)
	m.flow.built[id] = s
	return s
}

// enter shows step i.
func (m *Model) enter(i int) tea.Cmd {
	m.flow.cur, m.state, m.screen, m.notice = i, stateStep, nil, notice{}
	switch m.flow.order[i] {
	case steps.Review:
		m.flow.resume = false
		delete(m.flow.built, steps.Review) // always rebuilt from the latest answers
		return tea.Batch(m.current().Init(), m.prefetch())
	case steps.Guide:
		m.out.Guided = true
	}
	return m.current().Init()
}

// advance leaves the current step: to the next one, or straight back to the
// review when the user came from it. The review (or the guide) is reached
// only with a request that passes validation; otherwise the failure names
// the step to fix.
func (m *Model) advance() tea.Cmd {
	next := m.flow.cur + 1
	if m.flow.resume {
		next = m.flow.resumeAt(m.flow.cur)
	}
	switch m.flow.order[next] {
	case steps.Review:
		if _, err := m.decide(); err != nil {
			return m.failAt(err, accountFix(m.req, m.facts, m.c.Clock.Now()))
		}
	case steps.Guide:
		// GitLab's form, not the API, makes this token: only the fields are checked.
		if err := m.req.Validate(m.limits(), m.c.Clock.Now()); err != nil {
			return m.fail(err)
		}
	}
	return m.enter(next)
}

// onBack goes to the previous step; from the first one (the sign-in, once
// used, cannot be gone back to) it leaves, as that step's help says.
func (m *Model) onBack(msg steps.BackMsg) tea.Cmd {
	f := &m.flow
	switch {
	case m.state != stateStep || msg.Step != f.order[f.cur]:
		return nil
	case f.cur == 0 || f.order[f.cur-1] == steps.SignIn:
		return m.quit(m.cancelSummary())
	}
	return m.enter(f.cur - 1)
}

func (m *Model) onJump(msg steps.JumpMsg) tea.Cmd {
	if m.state != stateStep || m.flow.order[m.flow.cur] != steps.Review {
		return nil
	}
	i := m.flow.indexOf(msg.To)
	if i < 0 {
		return nil
	}
	m.flow.resume = true
	return m.enter(i)
}

// onDone takes the current step's answer into the request, drops the steps
// it made stale, and goes on. An answer from a step that is not current (a
// stale Done) is ignored.
func (m *Model) onDone(msg steps.DoneMsg) tea.Cmd {
	if m.state != stateStep || msg.Step != m.flow.order[m.flow.cur] {
		return nil
	}
	before := m.req
	msg.Answer.Apply(&m.req)
	m.flow.answered[msg.Step] = true
	switch a := msg.Answer.(type) {
	case steps.SignedIn:
		return m.startBusy("Signing in to "+gitlab.HostName(a.Host)+"…", m.connect(a.Host, a.Credential))
	case steps.PurposeChosen:
		m.preset = a.Preset
	case steps.KindChosen:
		m.req = before.SwitchKind(a.Kind, m.pf.User.IsAdmin, m.preset.Scopes)
		if a.Kind != before.Kind {
			m.forgetTarget() // what was read was about the old kind's target
		}
		m.switchOrder()
	case steps.UserChosen:
		m.owner = a.User
		m.invalidate(msg.Step, before)
		return m.startBusy("Reading what GitLab knows about @"+a.User.Username+"…", m.gather(m.req))
	case steps.TargetChosen:
		if m.req.Kind == token.KindServiceAccount {
			return m.onAccountGroup(before)
		}
		m.invalidate(msg.Step, before)
		// One round of reads: the caller's role bounds the roles offered, the
		// plan decides whether such tokens exist at all (GitLab.com Free), and
		// the tokens already named so let the create go out at once.
		return m.startBusy("Reading your role on "+a.Project.Path+"…", m.gather(m.req))
	case steps.GuideChecked:
		return m.finishGuided(a.Verification)
	case steps.AccountChosen:
		m.invalidate(msg.Step, before)
		if m.flow.resume && len(m.req.Places) > 0 {
			return m.gatherAccount() // back from the review: is it there, and what may be given?
		}
		return m.advance()
	case steps.PlacesChosen:
		m.invalidate(msg.Step, before)
		return m.gatherAccount()
	}
	m.invalidate(msg.Step, before)
	return m.advance()
}

// invalidate drops the steps made stale when step id's answer changed the request.
func (m *Model) invalidate(id steps.ID, before token.Request) {
	if !reflect.DeepEqual(before, m.req) {
		m.flow.drop(id)
	}
}

// switchOrder follows a change of kind: the new kind's steps, and its
// target asked for even when the user came from the review.
func (m *Model) switchOrder() {
	f := &m.flow
	cur := f.order[f.cur]
	order := steps.Order(m.req.Kind, m.pf.User.IsAdmin, f.indexOf(steps.SignIn) >= 0)
	if !reflect.DeepEqual(order, f.order) || m.req.Target == "" {
		f.resume = false
	}
	f.order = order
	if i := f.indexOf(cur); i >= 0 {
		f.cur = i
	}
}

func (m *Model) onPreflight(msg preflightMsg) tea.Cmd {
	if m.state != stateBusy {
		return nil // cancelled
	}
	m.busy.stop()
	err := msg.err
	if err == nil {
		err = msg.pf.CheckCanCreate(m.c.Clock.Now())
	}
	if err != nil {
		if si, ok := m.flow.built[steps.SignIn].(*steps.SignInStep); ok {
			si.SetError(err.Error())
			return m.enter(0)
		}
		return m.fail(err)
	}
	m.api, m.pf = msg.api, msg.pf
	m.facts = m.preflightFacts()
	m.switchOrder() // now that it is known whether the caller is an administrator
	return tea.Batch(m.enter(m.flow.indexOf(steps.Purpose)), m.offerLookup())
}

// onTarget judges what was read about the picked target with the rule
// create shares (token.CheckRights): a refusal that no answer can fix is
// said now, before the user fills in the rest.
func (m *Model) onTarget(msg targetMsg) tea.Cmd {
	if m.state != stateBusy {
		return nil // cancelled
	}
	m.busy.stop()
	if msg.err != nil {
		return m.fail(msg.err)
	}
	facts := msg.g.Facts()
	facts.Lifetime = m.lifetime(facts.Lifetime)
	if err := token.CheckRights(rightsNow(msg.req), facts, m.c.Clock.Now()); err != nil {
		return m.failAt(err, accountFix(rightsNow(msg.req), facts, m.c.Clock.Now()))
	}
	if facts.Limits(0).CallerRole != m.facts.Limits(0).CallerRole {
		delete(m.flow.built, steps.Role) // the roles offered depend on the caller's
	}
	m.facts, m.known, m.knownFor = facts, msg.g.Existing, msg.req
	if msg.req.Kind == token.KindPersonal && msg.g.Owner.ID != 0 {
		m.req.UserID = msg.g.Owner.ID
	}
	if msg.req.Kind == token.KindServiceAccount {
		if msg.g.AccountErr != nil {
			// Whether the account exists is not known: a create could make a
			// second one, or be refused as a taken username. Stop here.
			return m.failAt(accountUnknown(msg.req, msg.g.AccountErr), steps.Account)
		}
		m.keepGathered(msg.g)
	}
	m.state = stateStep
	return m.advance()
}

// forgetTarget drops what was read about a target: its facts are the
// pre-flight's again, and no same-name list is known.
func (m *Model) forgetTarget() {
	m.facts = m.preflightFacts()
	m.known, m.knownFor = gitlab.Existing{}, token.Request{}
	m.gathered = gitlab.Gathered{}
	delete(m.flow.built, steps.Role)
}

// preflightFacts are the facts the pre-flight gave, with the instance
// limit GitLab named in a refusal, if any.
func (m *Model) preflightFacts() token.Facts {
	f := gitlab.Gathered{Preflight: m.pf}.Facts()
	f.Lifetime = m.lifetime(f.Lifetime)
	return f
}

// lifetime is the instance's lifetime rule: as read, unless GitLab named
// its last allowed date in a refusal, which is the instance speaking.
func (m *Model) lifetime(l token.Lifetime) token.Lifetime {
	if m.lastDate.IsZero() {
		return l
	}
	return token.Lifetime{Known: true, MaxDays: max(token.DaysUntil(m.lastDate, m.c.Clock.Now()), 1)}
}

func (m *Model) limits() token.Limits { return m.facts.Limits(0) }
