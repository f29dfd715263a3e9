package gitlab

// Every fact a create decision needs, read in one round of concurrent
// requests that need only what the command line names: the version, the
// caller, the credential, the instance's lifetime rule, the target with the
// caller's role on it, the plan where it can refuse, and the tokens already
// named like the request. token.Decide judges them; then comes the one write.

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/token"
)

// Gathered is what GitLab said about a request before anything was sent.
type Gathered struct {
	Preflight Preflight
	// Target is the project or group (project and group tokens).
	Target Project
	// Role is the caller's role on Target, inherited included; CustomRole
	// is true when the membership carries a custom role (Ultimate).
	Role       token.Role
	CustomRole bool
	Plan       Plan
	// Owner is the user a personal token is for.
	Owner User
	// Existing are the tokens already named like the request. For a
	// service account, they are read only when the account exists and
	// GitLab can list its tokens (17.11+): ExistingRead says so.
	Existing     Existing
	ExistingRead bool
	// GitLabCom is true on GitLab.com, where the plan decides.
	GitLabCom bool
	// Account is the service account named by the request, when the group
	// has it (nil: it will be created); AccountErr when it could not be looked up.
	Account    *ServiceAccount
	AccountErr error
	// PlaceRoles are the caller's roles on the places a service account is
	// given access to, by path.
	PlaceRoles map[string]token.Role
}

// Existing is the list of tokens already named like a request, read before
// it is sent: the orphan check tells a new token from them. Err is set when
// the list could not be read (the check then goes by creation time).
type Existing struct {
	IDs    map[int64]bool
	Active int
	Err    error
}

// Facts turns what was gathered into token.Facts for token.Decide.
func (g Gathered) Facts() token.Facts {
	f := g.Preflight.facts()
	f.GitLabCom = g.GitLabCom
	f.TargetPath, f.CallerRole, f.CustomRole = g.Target.Path, g.Role, g.CustomRole
	f.Plan, f.Trial = g.Plan.Name, g.Plan.Trial
	f.Owner, f.OwnerBot = g.Owner.Username, g.Owner.Bot
	f.SameName, f.SameNameUnread = g.Existing.Active, g.ExistingRead && g.Existing.Err != nil
	f.PlaceRoles = g.PlaceRoles
	return f
}

func (p Preflight) facts() token.Facts {
	return token.Facts{Version: p.Version, Community: p.Community, Lifetime: p.Lifetime, Username: p.User.Username, IsAdmin: p.User.IsAdmin,
		Bot: p.User.Bot, OAuth: p.OAuth, Scopes: p.Self.Scopes, CredentialExpires: p.Self.ExpiresAt}
}

// Gather reads every fact token.Decide needs for r, concurrently. It fails
// only on what makes a decision impossible: the credential (pre-flight) or
// a target that cannot be found. A second round is spent only when the
// caller's role must be looked up by membership: their role is below what
// the kind needs (a custom role may still allow it) or was not reported.
func (c *Client) Gather(ctx context.Context, r token.Request) (Gathered, error) {
	g := Gathered{GitLabCom: c.gitLabCom()}
	var (
		wg                    sync.WaitGroup
		errPF, errT, errOwner error
		owners, maintainers   []Project
		errO, errM            error
		named                 []TokenInfo
	)
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	run(func() { g.Preflight, errPF = c.Preflight(ctx) })
	switch r.Kind {
	case token.KindProject:
		run(func() { g.Target, errT = c.GetProject(ctx, r.Target) })
	case token.KindGroup, token.KindServiceAccount:
		run(func() { g.Target, errT = c.GetGroup(ctx, r.Target) })
		leaf := r.Target[strings.LastIndex(r.Target, "/")+1:]
		run(func() { owners, errO = c.listGroups(ctx, leaf, gl.OwnerPermissions, 100) })
		run(func() { maintainers, errM = c.listGroups(ctx, leaf, gl.MaintainerPermissions, 100) })
	case token.KindPersonal:
		if r.PersonalUser() != token.Me {
			run(func() { g.Owner, errOwner = c.FindUser(ctx, r.PersonalUser()) })
		}
	}
	// A personal token's owner is not known yet: list every user's tokens
	// with the name (an administrator sees all) and keep the owner's after.
	places := make([]Project, len(r.Places))
	placeErrs := make([]error, len(r.Places))
	if r.Kind == token.KindServiceAccount && r.Account.Username != "" {
		run(func() { g.Account, g.AccountErr = c.findAccount(ctx, r.Target, r.Account.Username) })
		for i, p := range r.Places {
			if p.Kind == token.KindProject {
				run(func() { places[i], placeErrs[i] = c.GetProject(ctx, p.Path) })
			}
		}
	} else if r.Name != "" && r.Kind != token.KindServiceAccount {
		// (A service account's tokens are listed once the account is known.)
		run(func() { named, g.Existing.Err = c.listTokensOf(ctx, r, ListQuery{Search: r.Name}, r.UserID) })
	}
	if r.Kind.HasRole() {
		run(func() { g.Plan, _ = c.NamespacePlan(ctx, r.Target) })
	}
	if group := readsAGroup(r); group != "" && readsThroughAPI(r) {
		run(func() { c.pickProbe(ctx, group) })
	}
	wg.Wait()
	if errPF != nil {
		return g, errPF
	}
	if errT != nil {
		return g, errT
	}
	if errOwner != nil {
		return g, errOwner
	}
	if r.Kind == token.KindPersonal && r.PersonalUser() == token.Me {
		g.Owner = g.Preflight.User
	}
	g.Existing = existing(named, g.Existing.Err, r, g.Owner.ID)
	g.ExistingRead = r.Kind != token.KindServiceAccount && r.Name != ""
	if !r.Kind.HasRole() {
		return g, nil
	}
	g.Role = g.Target.Role
	if r.Kind != token.KindProject && errO == nil && errM == nil {
		g.Role = roleFromLists(g.Target, owners, maintainers)
	}
	if r.Kind == token.KindServiceAccount {
		// The account's tokens named like the request, once its id is
		// known: the same-name warning, and what the orphan check compares.
		var wg sync.WaitGroup
		if g.Account != nil && r.Name != "" && !token.VersionBefore(g.Preflight.Version, token.ServiceAccountTokensSince) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ra := r
				ra.UserID = g.Account.ID
				named, err := c.listTokensOf(ctx, ra, ListQuery{Search: r.Name}, ra.UserID)
				g.Existing, g.ExistingRead = existing(named, err, r, 0), true
			}()
		}
		err := c.placeRoles(ctx, &g, r, places, placeErrs)
		wg.Wait()
		return g, err
	}
	if !g.Preflight.User.IsAdmin && g.Role < r.Kind.CallerNeeds() {
		// Below what the kind needs, or not reported: the membership says
		// exactly, and whether a custom role may allow it anyway.
		role, custom, err := c.memberRole(ctx, r.Kind, g.Target.Path, g.Preflight.User.ID)
		if err != nil {
			return g, err
		}
		g.Role, g.CustomRole = max(role, g.Role), custom
	}
	return g, nil
}

// placeRoles fills the caller's roles on a service account's places: a
// project's from its permissions (looked up by membership when below what
// adding a member needs), the account's own group's from Gather.
func (c *Client) placeRoles(ctx context.Context, g *Gathered, r token.Request, places []Project, errs []error) error {
	// Every membership read is independent: one round for all of them.
	admin, uid := g.Preflight.User.IsAdmin, g.Preflight.User.ID
	var (
		wg              sync.WaitGroup
		own             token.Role
		custom          bool
		errOwn          error
		roles           = make([]token.Role, len(r.Places))
		perr            = make([]error, len(r.Places))
		isOwn           = make([]bool, len(r.Places))
		lookUpOwn       = g.Role < token.RoleOwner && !admin
		run             = func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
		needForProjects = token.NeededForPlace(token.KindProject, r.Role)
	)
	if lookUpOwn {
		run(func() { own, custom, errOwn = c.memberRole(ctx, token.KindGroup, g.Target.Path, uid) })
	}
	for i, p := range r.Places {
		switch {
		case p.Kind == token.KindGroup && strings.EqualFold(strings.Trim(p.Path, "/"), strings.Trim(g.Target.Path, "/")):
			isOwn[i] = true
		case p.Kind == token.KindGroup:
			run(func() { roles[i], _, perr[i] = c.memberRole(ctx, token.KindGroup, p.Path, uid) })
		case errs[i] != nil:
			perr[i] = errs[i]
		case places[i].Role < needForProjects && !admin:
			run(func() {
				byMember, _, err := c.memberRole(ctx, token.KindProject, p.Path, uid)
				roles[i], perr[i] = max(places[i].Role, byMember), err
			})
		default:
			roles[i] = places[i].Role
		}
	}
	wg.Wait()
	if errOwn != nil {
		return errOwn
	}
	if lookUpOwn {
		g.Role, g.CustomRole = max(own, g.Role), custom
	}
	g.PlaceRoles = map[string]token.Role{}
	for i, p := range r.Places {
		switch {
		case isOwn[i]:
			g.PlaceRoles[p.Path] = g.Role
		case perr[i] != nil:
			return perr[i]
		default:
			g.PlaceRoles[p.Path] = roles[i]
		}
	}
	return nil
}

// roleFromLists is the caller's role on group t from the listings of groups
// they own and maintain (GitLab includes inherited memberships in both).
func roleFromLists(t Project, owners, maintainers []Project) token.Role {
	for _, p := range owners {
		if p.ID == t.ID {
			return token.RoleOwner
		}
	}
	for _, p := range maintainers {
		if p.ID == t.ID {
			return token.RoleMaintainer
		}
	}
	return token.RoleNone
}

// Named reads the tokens already named like r, as Gather does: for a name
// chosen after the target was read (the wizard asks for the name after the
// target), so that CreateKnowing can still send the create at once. A
// personal token's owner must be resolved (r.UserID).
func (c *Client) Named(ctx context.Context, r token.Request) Existing {
	named, err := c.listTokensOf(ctx, r, ListQuery{Search: r.Name}, r.UserID)
	return existing(named, err, r, r.UserID)
}

// existing keeps the active tokens named exactly like the request (for a
// personal token, the owner's: an administrator's search spans every user).
func existing(ts []TokenInfo, err error, r token.Request, owner int64) Existing {
	ex := Existing{IDs: map[int64]bool{}, Err: err}
	for _, t := range ts {
		if t.Name != r.Name || (r.Kind == token.KindPersonal && owner != 0 && t.UserID != owner) {
			continue
		}
		ex.IDs[t.ID] = true
		if t.Active && !t.Revoked {
			ex.Active++
		}
	}
	return ex
}

// gitLabCom reports whether the instance is GitLab.com, where project and
// group tokens depend on the namespace's plan. Elsewhere every tier has
// them, so the plan is not read at all.
func (c *Client) gitLabCom() bool {
	if c.opts.GitLabCom {
		return true
	}
	u, err := url.Parse(c.base)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "gitlab.com" || strings.HasSuffix(h, ".gitlab.com")
}

// instanceLifetime reads the instance's token lifetime rule from its
// settings, which only administrators may read (others get 403, ignored).
// Known only when the settings say something definite: a maximum lifetime
// (Ultimate), or that expiry is not required. Without either, the 400-day
// buffered limit may be on, which the settings do not show.
func (c *Client) instanceLifetime(ctx context.Context) token.Lifetime {
	var s struct {
		Max     *int64 `json:"max_personal_access_token_lifetime"`
		Require *bool  `json:"require_personal_access_token_expiry"`
	}
	if _, err := c.getJSON(ctx, "application/settings", nil, &s); err != nil {
		return token.Lifetime{}
	}
	switch {
	case s.Require != nil && !*s.Require:
		return token.Lifetime{Known: true, NotRequired: true}
	case s.Max != nil && *s.Max > 0 && *s.Max <= 100000:
		return token.Lifetime{Known: true, MaxDays: int(*s.Max)}
	}
	return token.Lifetime{}
}

// memberRole is the user's role on a project or group by membership,
// inherited included, and whether it is a custom role. Not a member: RoleNone.
func (c *Client) memberRole(ctx context.Context, k token.Kind, path string, uid int64) (token.Role, bool, error) {
	role, custom, err := c.memberRoleWith(ctx, c.gl, k, path, uid)
	if err != nil {
		return token.RoleNone, false, c.classify(err, "read your role on "+string(k)+" "+path)
	}
	return role, custom, nil
}

// memberRoleWith is memberRole read with cl's credential; its error is
// client-go's, for the caller to classify for whoever's credential it is.
func (c *Client) memberRoleWith(ctx context.Context, cl *gl.Client, k token.Kind, path string, uid int64) (token.Role, bool, error) {
	var (
		level  gl.AccessLevelValue
		custom bool
		err    error
	)
	if k == token.KindGroup {
		var m *gl.GroupMember
		if m, _, err = cl.GroupMembers.GetInheritedGroupMember(projectID(path), uid, gl.WithContext(ctx)); m != nil {
			level, custom = m.AccessLevel, m.MemberRole != nil
		}
	} else {
		var m *gl.ProjectMember
		if m, _, err = cl.ProjectMembers.GetInheritedProjectMember(projectID(path), uid, gl.WithContext(ctx)); m != nil {
			level, custom = m.AccessLevel, m.MemberRole != nil
		}
	}
	switch {
	case errors.Is(err, gl.ErrNotFound):
		return token.RoleNone, false, nil
	case err == nil && level == 0 && !custom:
		err = errNullAnswer
	}
	if err != nil {
		return token.RoleNone, false, err
	}
	return token.Role(level), custom, nil
}

// listGroups lists up to limit groups matching search where the caller has
// at least min (0: every group the caller may see, for an administrator).
func (c *Client) listGroups(ctx context.Context, search string, min gl.AccessLevelValue, limit int) ([]Project, error) {
	opt := &gl.ListGroupsOptions{ListOptions: gl.ListOptions{PerPage: int64(limit)}}
	if min == 0 {
		opt.AllAvailable = gl.Ptr(true) // an administrator's search: every group
	} else {
		opt.MinAccessLevel = gl.Ptr(min)
	}
	if search != "" {
		opt.Search = gl.Ptr(search)
	}
	gs, _, err := c.gl.Groups.ListGroups(opt, gl.WithContext(ctx))
	if err != nil {
		return nil, c.classify(err, "search groups")
	}
	out := make([]Project, 0, len(gs))
	for _, g := range nonNil(gs) {
		out = append(out, fromGroup(g, token.Role(min)))
	}
	return out, nil
}
