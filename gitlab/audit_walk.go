package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// perPage is GitLab's largest page: the fewest requests for a list.
const perPage = 100

// source sends the places whose tokens an audit reads.
type source func(ctx context.Context, out chan<- token.Place) error

func send(ctx context.Context, out chan<- token.Place, p token.Place) error {
	select {
	case out <- p:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// walk reads the tokens of every place the sources send, one worker per
// slot of the limiter. The channel between them holds a few places only:
// the sources wait for the workers, so a walk of 10 000 projects never
// holds the projects, only the tokens found.
func (a *audit) walk(ctx context.Context, sources map[string]source) {
	places := make(chan token.Place, a.o.Concurrency)
	var producers sync.WaitGroup
	for what, src := range sources {
		producers.Add(1)
		go func() {
			defer producers.Done()
			if err := src(ctx, places); err != nil && ctx.Err() == nil {
				a.fail(a.c.classify(err, what))
			}
		}()
	}
	go func() { producers.Wait(); close(places) }()
	parallel(a.o.Concurrency, places, func(p token.Place) {
		if ctx.Err() == nil {
			a.done(ctx, p, a.readPlace(ctx, p))
		}
	})
}

// parallel runs f on everything in, with n goroutines, until in is closed.
func parallel[T any](n int, in <-chan T, f func(T)) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range in {
				f(x)
			}
		}()
	}
	wg.Wait()
}

func (a *audit) tokenQuery() listQuery {
	q := listQuery{PerPage: perPage}
	if !a.o.IncludeExpired {
		q.State = "active"
	}
	return q
}

// readPlace reads every page of a project's or group's token list.
func (a *audit) readPlace(ctx context.Context, p token.Place) error {
	id := url.PathEscape(p.Path) // groups found by path alone (see auditGroup)
	if p.ID > 0 {
		id = strconv.FormatInt(p.ID, 10)
	}
	kind := "projects/"
	if p.Kind == token.KindGroup {
		kind = "groups/"
	}
	if err := a.tokenPages(ctx, kind+id+"/access_tokens", func(ts []*rawToken) { a.add(p, ts) }); err != nil {
		return err
	}
	if p.Kind == token.KindGroup && a.holdsAccounts(p) {
		a.serviceAccountTokens(ctx, p)
	}
	return nil
}

// groupPathOf is the API path of group p: by id when known, else by path
// (groups found by path alone, see auditGroup).
func groupPathOf(p token.Place) string { return groupPath(groupRef(p)) }

// groupRef names a group place for the API: its id when known, else its path.
func groupRef(p token.Place) string {
	if p.ID > 0 {
		return strconv.FormatInt(p.ID, 10)
	}
	return p.Path
}

// serviceAccountTokens reads the tokens of group p's service accounts, each
// found at the place "GROUP/@username". A list GitLab refuses (403: below
// Owner, or a plan without service accounts) or fails is counted as a
// project's or group's would be (done), so that the report says so and a
// failure makes the audit incomplete.
func (a *audit) serviceAccountTokens(ctx context.Context, p token.Place) {
	group := groupPathOf(p)
	accounts, err := a.c.serviceAccountPages(ctx, a.l, 1, group)
	if err != nil {
		a.count(ctx, token.AccountsOf(p), "list the service accounts of "+p.String(), err)
		return
	}
	a.mu.Lock()
	a.rep.ServiceAccounts += len(accounts)
	a.mu.Unlock()
	for _, acc := range accounts {
		if ctx.Err() != nil {
			return
		}
		place := token.Place{Kind: token.KindServiceAccount, ID: acc.ID, Path: p.Target() + "/@" + acc.Username}
		var got []*rawToken
		if err := a.tokenPages(ctx, fmt.Sprintf("%s/service_accounts/%d/personal_access_tokens", group, acc.ID), func(ts []*rawToken) { got = append(got, ts...) }); err != nil {
			a.count(ctx, place, "list the access tokens of "+place.String(), err)
		}
		a.accountRole(ctx, p, acc.ID, got)
		a.add(place, got)
	}
}

// accountRole gives an account's tokens the role of its membership in the
// group that holds it (a personal access token has no role of its own; the
// account's membership is what it may do), so that an Owner membership is
// judged broad. One read per account that has tokens; a role that cannot be
// read leaves them without one.
func (a *audit) accountRole(ctx context.Context, p token.Place, uid int64, ts []*rawToken) {
	if len(ts) == 0 {
		return
	}
	var role token.Role
	if _, err := a.l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
		r, _, err := a.c.memberRoleWith(ctx, a.c.gl, token.KindGroup, groupRef(p), uid)
		role = r
		return nil, err
	}); err != nil {
		return
	}
	for _, t := range ts {
		if t != nil && t.AccessLevel == 0 {
			t.AccessLevel = int(role)
		}
	}
}

// tokenPages reads every page of a token list (state=active unless
// expired tokens were asked for), pages ahead as far as the limiter allows.
func (a *audit) tokenPages(ctx context.Context, path string, each func([]*rawToken)) error {
	return eachPage(ctx, a.l, a.o.Concurrency, func(ctx context.Context, page int64) ([]*rawToken, *gl.Response, error) {
		q := a.tokenQuery()
		q.Page = page
		var ts []*rawToken
		resp, err := a.c.getJSON(ctx, path, q, &ts)
		return ts, resp, err
	}, func(ts []*rawToken, _ pageInfo) error {
		each(ts)
		return nil
	})
}

// add keeps the tokens of a page: never a revoked one, nor an expired one
// unless asked (a GitLab older than 17.2 ignores state=active), nor one
// already seen (offset pages shift when a list changes while it is read).
func (a *audit) add(p token.Place, ts []*rawToken) {
	now := a.c.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range ts {
		if t == nil || t.Revoked || (!t.active(now) && !a.o.IncludeExpired) || a.seen[t.ID] {
			continue
		}
		a.seen[t.ID] = true
		a.rep.Tokens = append(a.rep.Tokens, t.found(p, now))
	}
	a.progressLocked()
}

// done counts a place read, refused or failed. A refusal (401: GitLab's
// answer to anyone below Maintainer on a project or Owner on a group; 403;
// 404) is the caller's rights on that place, counted and reported. A
// credential that stops working stops the audit.
func (a *audit) done(ctx context.Context, p token.Place, err error) {
	if ctx.Err() != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.Kind == token.KindGroup {
		a.rep.Groups++
	} else {
		a.rep.Projects++
	}
	defer a.progressLocked()
	if err == nil {
		a.rep.Readable++
		a.failsInAR = 0
		return
	}
	a.countLocked(p, "list the access tokens of "+p.String(), err)
}

// count is countLocked for a list that is not a project's or a group's own.
func (a *audit) count(ctx context.Context, p token.Place, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.countLocked(p, what, err)
}

// countLocked counts a token list of place p that could not be read: a
// refusal is the caller's rights there, counted and named; a credential
// that stopped working stops the audit; anything else is GitLab failing,
// counted, and the audit stops after too many in a row. a.mu is held.
func (a *audit) countLocked(p token.Place, what string, err error) {
	e := a.c.classify(err, what)
	ge, _ := e.(*Error)
	code := CodeServer
	if ge != nil {
		code = ge.Code
	}
	switch code {
	case CodeUnauthorized, CodeNoPermission, CodeNotFound:
		a.rep.Unreadable++
		if len(a.rep.UnreadableExamples) < maxExamples {
			a.rep.UnreadableExamples = append(a.rep.UnreadableExamples, p)
		}
	case CodeExpired, CodeRevoked, CodeInsufficientScope:
		a.fail(e)
	default:
		a.rep.Failed++
		if a.rep.FailedExample == nil {
			// GitLab's failure says nothing of where: the place does.
			a.rep.FailedExample = fmt.Errorf("%s: %w", p, e)
		}
		if a.failsInAR++; a.failsInAR >= maxFailuresInARow {
			a.fail(fmt.Errorf("GitLab failed %d requests in a row; the last: %w", a.failsInAR, e))
		}
	}
}

// auditProject reads one project's tokens. Here a refusal is the answer,
// not a count: the caller asked about this project alone.
func (a *audit) auditProject(ctx context.Context) error {
	var p rawPlace
	if _, err := a.l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
		return a.c.getJSON(ctx, "projects/"+url.PathEscape(a.o.Project), nil, &p)
	}); err != nil {
		return a.c.classify(err, "find project "+safe.Line(a.o.Project, 100))
	}
	place := p.place(token.KindProject)
	a.done(ctx, place, a.readPlace(ctx, place))
	if a.rep.Unreadable > 0 {
		return &Error{Code: CodeNoPermission, Status: 401, Explanation: "you may not read the access tokens of project " + place.Path,
			Next: "that needs the Maintainer or Owner role on it; ask an Owner, or audit with their credential"}
	}
	return nil
}

// auditGroup reads the tokens of a group, its subgroups and their projects:
// from the credentials inventory when GitLab has it, else by walking.
func (a *audit) auditGroup(ctx context.Context) error {
	var g rawPlace
	if _, err := a.l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
		return a.c.getJSON(ctx, "groups/"+url.PathEscape(a.o.Group), listQuery{WithProjects: gl.Ptr(false)}, &g)
	}); err != nil {
		return a.c.classify(err, "find group "+safe.Line(a.o.Group, 100))
	}
	root := g.place(token.KindGroup)
	if g.ParentID == nil && a.inventory(ctx, root) {
		return nil
	}
	// unlisted says whether the subgroups could not be listed (404: a server
	// without descendant_groups); the groups are then taken from the
	// projects' paths, which misses only subgroups without a project below.
	unlisted := make(chan bool, 1)
	a.walk(ctx, map[string]source{
		"list the subgroups of " + root.Path: func(ctx context.Context, out chan<- token.Place) error {
			if err := send(ctx, out, root); err != nil {
				unlisted <- false
				return err
			}
			err := a.eachSubgroup(ctx, root, func(p token.Place) error { return send(ctx, out, p) })
			var ge *Error
			missing := err != nil && errors.As(a.c.classify(err, ""), &ge) && ge.Code == CodeNotFound
			unlisted <- missing
			if missing {
				return nil
			}
			return err
		},
		"list the projects of " + root.Path: func(ctx context.Context, out chan<- token.Place) error {
			groups := map[string]bool{}
			err := a.eachProject(ctx, root, func(p token.Place) error {
				for dir := path.Dir(p.Path); strings.HasPrefix(dir, root.Path+"/"); dir = path.Dir(dir) {
					groups[dir] = true
				}
				return send(ctx, out, p)
			})
			if err != nil {
				return err
			}
			select {
			case missing := <-unlisted:
				for g := range groups {
					if !missing {
						break
					}
					if err := send(ctx, out, token.Place{Kind: token.KindGroup, Path: g}); err != nil {
						return err
					}
				}
			case <-ctx.Done():
			}
			return nil
		},
	})
	return nil
}

// eachSubgroup lists every group below root, at any depth.
func (a *audit) eachSubgroup(ctx context.Context, root token.Place, each func(token.Place) error) error {
	path := fmt.Sprintf("groups/%d/descendant_groups", root.ID)
	return eachPage(ctx, a.l, 2, func(ctx context.Context, page int64) ([]*rawPlace, *gl.Response, error) {
		var gs []*rawPlace
		resp, err := a.c.getJSON(ctx, path, listQuery{Page: page, PerPage: perPage, OrderBy: "id", Sort: "asc"}, &gs)
		return gs, resp, err
	}, func(gs []*rawPlace, _ pageInfo) error {
		return eachPlace(gs, token.KindGroup, each)
	})
}

// eachProject lists every project in root and its subgroups; not the
// projects shared with them from elsewhere (with_shared defaults to true).
// Ordered by id, so that offset pages stay put while projects are created
// (the default order is newest first).
func (a *audit) eachProject(ctx context.Context, root token.Place, each func(token.Place) error) error {
	path := fmt.Sprintf("groups/%d/projects", root.ID)
	return eachPage(ctx, a.l, 2, func(ctx context.Context, page int64) ([]*rawPlace, *gl.Response, error) {
		var ps []*rawPlace
		q := listQuery{Page: page, PerPage: perPage, IncludeSubgroups: true, WithShared: gl.Ptr(false), Simple: true, OrderBy: "id", Sort: "asc"}
		resp, err := a.c.getJSON(ctx, path, q, &ps)
		return ps, resp, err
	}, func(ps []*rawPlace, info pageInfo) error {
		a.mu.Lock()
		a.total = int(info.Total)
		a.mu.Unlock()
		return eachPlace(ps, token.KindProject, each)
	})
}

func eachPlace(rs []*rawPlace, k token.Kind, each func(token.Place) error) error {
	for _, r := range rs {
		if r == nil || r.ID <= 0 {
			continue
		}
		if err := each(r.place(k)); err != nil {
			return err
		}
	}
	return nil
}
