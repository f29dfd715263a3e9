package gitlab

import (
	"context"
	"fmt"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// inventory lists a top-level group's project and group tokens in one
// paginated list, GET /groups/:id/manage/resource_access_tokens (GitLab.com
// 18.7+, the group's Owners, Premium and up; ee/lib/api/manage/groups.rb).
// Where it is missing (404, every self-managed instance) or refused (401:
// DPoP required; 403: not an Owner) it returns false and the caller walks.
// The entries name their resource by id only, so the paths of the projects
// and groups that hold tokens are then looked up in the group's listings.
// The list holds the tokens of project and group bots only (user_types:
// [:project_bot]): the tokens of the groups' service accounts are read
// from each group that holds accounts, as the walk reads them.
func (a *audit) inventory(ctx context.Context, root token.Place) bool {
	path := fmt.Sprintf("groups/%d/manage/resource_access_tokens", root.ID)
	var ts []*rawToken
	err := a.tokenPages(ctx, path, func(page []*rawToken) {
		for _, t := range page {
			if t != nil && (t.ResourceType == "project" || t.ResourceType == "group") {
				ts = append(ts, t)
			}
		}
	})
	if err != nil && ctx.Err() == nil {
		return false
	}
	// Paths for the places that hold tokens; a place not found keeps its id,
	// which every command accepts too.
	paths := map[token.Place]string{}
	for _, t := range ts {
		paths[rawKey(t)] = ""
	}
	var holders []token.Place // the groups whose service accounts are read
	if a.holdsAccounts(root) {
		holders = append(holders, root)
	}
	keep := func(p token.Place) error {
		key := token.Place{Kind: p.Kind, ID: p.ID}
		if _, ok := paths[key]; ok {
			paths[key] = p.Path
		}
		if p.Kind == token.KindGroup && p.ID != root.ID && a.holdsAccounts(p) {
			holders = append(holders, p)
		}
		return nil
	}
	if ctx.Err() == nil {
		var mu sync.Mutex
		locked := func(p token.Place) error { mu.Lock(); defer mu.Unlock(); return keep(p) }
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); _ = a.eachSubgroup(ctx, root, locked) }()
		go func() { defer wg.Done(); _ = a.eachProject(ctx, root, locked) }()
		wg.Wait()
		_ = keep(root)
	}
	a.mu.Lock()
	a.rep.Inventory, a.rep.Readable = true, 1
	a.mu.Unlock()
	for _, t := range ts {
		p := rawKey(t)
		p.Path = paths[p]
		a.add(p, []*rawToken{t})
	}
	groups := make(chan token.Place)
	go func() {
		defer close(groups)
		for _, g := range holders {
			if send(ctx, groups, g) != nil {
				return
			}
		}
	}()
	parallel(a.o.Concurrency, groups, func(g token.Place) { a.serviceAccountTokens(ctx, g) })
	return true
}

func rawKey(t *rawToken) token.Place {
	k := token.KindProject
	if t.ResourceType == "group" {
		k = token.KindGroup
	}
	return token.Place{Kind: k, ID: t.ResourceID}
}

// auditInstance reads every user's personal tokens and walks every group
// and every project (an administrator sees them all): GET /groups lists
// subgroups too, and GET /projects also finds the projects in users'
// personal namespaces, which no group walk reaches. Projects are read with
// keyset pagination, since GitLab refuses offsets past 50 000 projects.
func (a *audit) auditInstance(ctx context.Context) error {
	a.walk(ctx, map[string]source{
		"list the personal access tokens": func(ctx context.Context, _ chan<- token.Place) error {
			return a.tokenPages(ctx, "personal_access_tokens", func(ts []*rawToken) {
				a.mu.Lock()
				defer a.mu.Unlock()
				for _, t := range ts {
					if t != nil && !t.Revoked && (t.active(a.c.now()) || a.o.IncludeExpired) {
						a.personal = append(a.personal, t.found(token.Place{Kind: token.KindPersonal, ID: t.UserID}, a.c.now()))
					}
				}
			})
		},
		"list the groups": func(ctx context.Context, out chan<- token.Place) error {
			return eachPage(ctx, a.l, 2, func(ctx context.Context, page int64) ([]*rawPlace, *gl.Response, error) {
				var gs []*rawPlace
				resp, err := a.c.getJSON(ctx, "groups", listQuery{Page: page, PerPage: perPage, AllAvailable: true}, &gs)
				return gs, resp, err
			}, func(gs []*rawPlace, _ pageInfo) error {
				return eachPlace(gs, token.KindGroup, func(p token.Place) error { return send(ctx, out, p) })
			})
		},
		"list the projects": func(ctx context.Context, out chan<- token.Place) error {
			return eachLinkedPage(ctx, a.l, func(ctx context.Context, next string) ([]*rawPlace, *gl.Response, error) {
				var ps []*rawPlace
				q := listQuery{PerPage: perPage, Simple: true, Pagination: "keyset", OrderBy: "id", Sort: "asc"}
				var extra []gl.RequestOptionFunc
				if next != "" {
					extra = append(extra, gl.WithKeysetPaginationParameters(next))
				}
				resp, err := a.c.getJSON(ctx, "projects", q, &ps, extra...)
				return ps, resp, err
			}, func(ps []*rawPlace) error {
				return eachPlace(ps, token.KindProject, func(p token.Place) error { return send(ctx, out, p) })
			})
		},
	})
	if ctx.Err() != nil {
		return nil
	}
	a.namePersonal(ctx)
	return nil
}

// namePersonal drops from the personal tokens those the walk found on a
// project or group (GitLab's personal list may include bots' tokens) and
// looks up the owners' usernames, which the revoke commands need: one
// request per owner, not per token.
func (a *audit) namePersonal(ctx context.Context) {
	a.mu.Lock()
	kept := a.personal[:0]
	owners := map[int64]string{}
	for _, f := range a.personal {
		if !a.seen[f.ID] {
			a.seen[f.ID] = true
			kept = append(kept, f)
			owners[f.Where.ID] = ""
		}
	}
	a.personal = kept
	a.mu.Unlock()
	ids := make(chan int64, len(owners))
	for id := range owners {
		ids <- id
	}
	close(ids)
	var mu sync.Mutex
	parallel(a.o.Concurrency, ids, func(id int64) {
		var u rawUser
		if _, err := a.l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
			return a.c.getJSON(ctx, fmt.Sprintf("users/%d", id), nil, &u)
		}); err == nil {
			mu.Lock()
			owners[id] = safe.Line(u.Username, 255)
			mu.Unlock()
		}
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.personal {
		a.personal[i].Where.Path = owners[a.personal[i].Where.ID]
	}
}

type rawUser struct {
	Username string `json:"username"`
}
