package gitlab

// Looking up users, groups and a namespace's plan.

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// personalOwner resolves the owner of a personal token: the caller for
// token.Me, else the user with that exact username.
func (c *Client) personalOwner(ctx context.Context, r token.Request) (User, error) {
	if r.UserID > 0 {
		return User{ID: r.UserID, Username: r.PersonalUser()}, nil
	}
	if r.PersonalUser() == token.Me {
		u, _, err := c.gl.Users.CurrentUser(gl.WithContext(ctx))
		if err == nil && u == nil {
			err = errNullAnswer
		}
		if err != nil {
			return User{}, c.classify(err, "read your user")
		}
		return fromUser(u), nil
	}
	return c.FindUser(ctx, r.PersonalUser())
}

// FindUser returns the user with exactly this username.
func (c *Client) FindUser(ctx context.Context, username string) (User, error) {
	name := strings.TrimPrefix(strings.TrimSpace(username), "@")
	us, _, err := c.gl.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(name)}, gl.WithContext(ctx))
	if err != nil {
		return User{}, c.classify(err, "find user "+safe.Line(name, 64))
	}
	for _, u := range nonNil(us) {
		if strings.EqualFold(u.Username, name) {
			return fromUser(u), nil
		}
	}
	return User{}, &Error{Code: CodeNotFound, Explanation: fmt.Sprintf("there is no user %q on %s", safe.Line(name, 64), HostName(c.base)),
		Next: "check the username (the part after @ in their profile), or use @me for yourself", Field: token.FieldTarget}
}

// SearchUsers finds human users by name or username, for an administrator's picker.
func (c *Client) SearchUsers(ctx context.Context, query string, limit int) ([]User, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	opt := &gl.ListUsersOptions{ListOptions: gl.ListOptions{PerPage: int64(limit)}, Active: gl.Ptr(true), Humans: gl.Ptr(true)}
	if q := strings.TrimSpace(query); q != "" {
		opt.Search = gl.Ptr(q)
	}
	us, _, err := c.gl.Users.ListUsers(opt, gl.WithContext(ctx))
	if err != nil {
		return nil, c.classify(err, "search users")
	}
	out := make([]User, 0, len(us))
	for _, u := range nonNil(us) {
		if !u.Bot {
			out = append(out, fromUser(u))
		}
	}
	return out, nil
}

func fromUser(u *gl.User) User {
	return User{ID: u.ID, Username: safe.Line(u.Username, 255), Name: safe.Line(u.Name, 255), IsAdmin: u.IsAdmin, Bot: u.Bot}
}

// SearchGroups finds groups where the caller is Maintainer or Owner, searched
// by GitLab. Each carries the caller's role, so the picker can explain that
// group tokens need Owner: two concurrent listings, one from Owner up.
//
// With all set (an administrator, who may manage any group) every group the
// caller can see is listed, with no role attached.
func (c *Client) SearchGroups(ctx context.Context, query string, limit int, all bool) ([]Project, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	query = strings.TrimSpace(query)
	if all {
		return c.listGroups(ctx, query, 0, limit)
	}
	var (
		owned []Project
		errO  error
		done  = make(chan struct{})
	)
	go func() { defer close(done); owned, errO = c.listGroups(ctx, query, gl.OwnerPermissions, limit) }()
	maint, errM := c.listGroups(ctx, query, gl.MaintainerPermissions, limit)
	<-done
	if err := cmp.Or(errO, errM); err != nil {
		return nil, err
	}
	isOwner := map[int64]bool{}
	for _, g := range owned {
		isOwner[g.ID] = true
	}
	for _, g := range maint {
		if !isOwner[g.ID] {
			owned = append(owned, g)
		}
	}
	return owned, nil
}

func fromGroup(g *gl.Group, role token.Role) Project {
	return Project{ID: g.ID, Path: safe.Line(g.FullPath, 255), Name: safe.Line(g.FullName, 255), WebURL: safe.Line(g.WebURL, 500), Role: role}
}

// GetGroup looks a group up by full path or numeric id.
func (c *Client) GetGroup(ctx context.Context, target string) (Project, error) {
	// with_projects defaults to true: without it GitLab sends up to 100
	// projects with every detail, which nothing here reads. (client-go
	// marks its field deprecated, as GitLab does for API v5; v4 still
	// defaults it to true.)
	g, _, err := c.gl.Groups.GetGroup(projectID(target), nil, gl.WithContext(ctx), withoutProjects)
	if err == nil && g == nil {
		err = errNullAnswer
	}
	if err != nil {
		return Project{}, c.classify(err, fmt.Sprintf("find group %s", safe.Line(target, 100)))
	}
	return fromGroup(g, token.RoleNone), nil
}

// Plan is a namespace's subscription as GitLab.com reports it.
type Plan struct {
	// Name is "free", "premium", "ultimate", a trial, or "" when GitLab did not
	// say (self-managed instances, or a caller who may not see it).
	Name  string
	Trial bool
}

// NamespacePlan reads the plan of the top-level namespace of path (a project
// or group full path). A namespace the caller may not read, or any failure
// but a cancellation, gives an empty Plan: unknown.
//
// Only GitLab.com makes tokens depend on the plan, so elsewhere nothing is
// asked and the plan is unknown.
func (c *Client) NamespacePlan(ctx context.Context, path string) (Plan, error) {
	root := strings.SplitN(strings.Trim(path, "/"), "/", 2)[0]
	if root == "" || !c.gitLabCom() {
		return Plan{}, nil
	}
	ns, _, err := c.gl.Namespaces.GetNamespace(root, gl.WithContext(ctx))
	if err == nil && ns == nil {
		err = errNullAnswer
	}
	if err != nil {
		if ctx.Err() != nil {
			return Plan{}, c.classify(err, "read the namespace's plan")
		}
		// Not knowing the plan is no reason to stop: GitLab refuses at create
		// if the tier lacks these tokens, and that refusal is explained too.
		return Plan{}, nil
	}
	return Plan{Name: strings.ToLower(safe.Line(ns.Plan, 40)), Trial: ns.Trial}, nil
}

// withoutProjects adds with_projects=false to a request's query.
func withoutProjects(req *retryablehttp.Request) error {
	q := req.URL.Query()
	q.Set("with_projects", "false")
	req.URL.RawQuery = q.Encode()
	return nil
}
