package gitlab

// Service accounts: a group's machine users, their memberships and their
// personal access tokens. Each write is sent once and never retried; after a
// lost answer, each is looked for before anything else is said: an account
// by its username, a membership by reading it back, a token by its name
// (token.KindServiceAccount in CreateKnowing).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// ServiceAccount is a group's service account.
type ServiceAccount struct {
	ID       int64
	Username string
	Name     string
	Email    string
}

type rawAccount struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Email    string `json:"email"`
}

func (a *rawAccount) account() ServiceAccount {
	return ServiceAccount{ID: a.ID, Username: safe.Line(a.Username, 255), Name: safe.Line(a.Name, 255), Email: safe.Line(a.Email, 255)}
}

// groupPath is the API path of a group, by id or escaped full path.
func groupPath(g string) string {
	return "groups/" + url.PathEscape(strings.Trim(strings.TrimSpace(g), "/"))
}

// AccountGroup is the group whose service accounts a request naming group
// uses: group itself, or, where GitLab keeps service accounts on top-level
// groups only (before 18.11, token.CannotHoldAccounts), its top-level
// group, whose accounts may be members anywhere below it. A group named by
// numeric id is looked up for its path; a version that cannot be read
// leaves group as it is (GitLab then decides).
func (c *Client) AccountGroup(ctx context.Context, group string) (string, error) {
	path := strings.Trim(strings.TrimSpace(group), "/")
	if _, err := strconv.ParseInt(path, 10, 64); err == nil {
		g, err := c.GetGroup(ctx, path)
		if err != nil {
			return "", err
		}
		path = g.Path
	}
	if !strings.Contains(path, "/") || token.CannotHoldAccounts(c.versionFor(ctx), path) == "" {
		return group, nil
	}
	return strings.SplitN(path, "/", 2)[0], nil
}

// FindServiceAccount looks for the group's service account with this
// username (or numeric id); nil when the group has none by that name. The
// listing exists from GitLab 17.1.
func (c *Client) FindServiceAccount(ctx context.Context, group, who string) (*ServiceAccount, error) {
	who = strings.TrimPrefix(strings.TrimSpace(who), "@")
	as, err := c.ListServiceAccounts(ctx, group)
	if err != nil {
		return nil, err
	}
	var found *ServiceAccount
	for i, a := range as {
		if strings.EqualFold(a.Username, who) || fmt.Sprint(a.ID) == who {
			found = &as[i]
		}
	}
	return found, nil
}

// ListServiceAccounts lists the group's service accounts (GitLab 17.1+),
// read in pages of 100, ListPages at a time.
func (c *Client) ListServiceAccounts(ctx context.Context, group string) ([]ServiceAccount, error) {
	out, err := c.serviceAccountPages(ctx, c.newLimiter(ListPages, c.sayPause), ListPages, groupPath(group))
	if err != nil {
		e := c.classify(err, "list the service accounts of group "+safe.Line(group, 100))
		var ge *Error
		if errors.As(e, &ge) && ge.Code == CodeNotFound && token.VersionBefore(c.knownVersion(), token.ServiceAccountListSince) {
			ge.Explanation = fmt.Sprintf("GitLab %s cannot list a group's service accounts (17.1 and later can)", c.knownVersion())
			ge.Next = "give the account's numeric id instead of its name"
		}
		if errors.As(e, &ge) && ge.Code == CodeNoPermission {
			// lib/api/group_service_accounts.rb: authorize! :admin_service_accounts
			// — the group's Owners (and administrators), and only where the
			// group's plan has service accounts (group_policy.rb).
			ge.Explanation = fmt.Sprintf("GitLab refused to list the service accounts of group %s: that needs the Owner role on the group (or an administrator), "+
				"and a plan with service accounts (Premium or Ultimate; Free too from GitLab 18.11)", safe.Line(group, 100))
			ge.Next = "ask an Owner of " + safe.Line(group, 100) + " to run this, or to make you an Owner; on Free before 18.11, use a project or group token"
		}
		return nil, e
	}
	return out, nil
}

// serviceAccountPages reads every page of the service accounts of the
// group at API path group ("groups/acme"), ahead pages at a time through l;
// the error is GitLab's, unexplained.
func (c *Client) serviceAccountPages(ctx context.Context, l *limiter, ahead int, group string) ([]ServiceAccount, error) {
	var out []ServiceAccount
	fetch := func(ctx context.Context, page int64) ([]*rawAccount, *gl.Response, error) {
		var as []*rawAccount
		resp, err := c.getJSON(ctx, group+"/service_accounts", listQuery{Page: page, PerPage: 100}, &as)
		return as, resp, err
	}
	err := eachPage(ctx, l, ahead, fetch, func(as []*rawAccount, _ pageInfo) error {
		for _, a := range nonNil(as) {
			out = append(out, a.account())
		}
		return nil
	})
	return out, err
}

// findAccount is FindServiceAccount for Gather: an account named by its
// numeric id is taken as it is where GitLab cannot list accounts (before
// 17.1), since its id is all the writes need.
func (c *Client) findAccount(ctx context.Context, group, who string) (*ServiceAccount, error) {
	a, err := c.FindServiceAccount(ctx, group, who)
	var ge *Error
	if id, perr := strconv.ParseInt(who, 10, 64); perr == nil && id > 0 && errors.As(err, &ge) && ge.Code == CodeNotFound {
		return &ServiceAccount{ID: id, Username: who}, nil
	}
	return a, err
}

// CreateServiceAccount creates a service account in group, sent once. A
// lost answer is resolved by looking the username up over the orphan
// window: found, it is the account this request made.
func (c *Client) CreateServiceAccount(ctx context.Context, group string, a token.Account) (ServiceAccount, error) {
	what := "create the service account " + a.Username
	body := map[string]string{"username": a.Username}
	if a.Name != "" {
		body["name"] = a.Name
	}
	if a.Email != "" {
		body["email"] = a.Email
	}
	var out rawAccount
	err := c.write(ctx, http.MethodPost, groupPath(group)+"/service_accounts", body, &out)
	if err == nil && out.ID == 0 {
		err = fmt.Errorf("%w: no account id", errNullAnswer)
	}
	if err == nil {
		return out.account(), nil
	}
	if !ambiguous(err) {
		e := c.classify(err, what)
		var ge *Error
		if errors.As(e, &ge) {
			explainServiceAccountRefusal(ge)
		}
		return ServiceAccount{}, e
	}
	cause := c.classify(err, what)
	cctx, cancel := c.checkContext(ctx)
	defer cancel()
	var found *ServiceAccount
	_, cerr := c.lookAgain(cctx, "created the service account", func(ctx context.Context) (bool, error) {
		f, err := c.FindServiceAccount(ctx, group, a.Username)
		found = f
		return f != nil, err
	})
	if found != nil {
		return *found, nil
	}
	hint := "run the same command again in a minute: it finds the account by its username instead of making another"
	if cerr != nil {
		hint = fmt.Sprintf("the look for it failed too (%v); %s", cerr, hint)
	}
	return ServiceAccount{}, &WriteUnknownError{What: what, Cause: cause, Hint: hint}
}

// explainServiceAccountRefusal says who may create service accounts where.
func explainServiceAccountRefusal(ge *Error) {
	low := strings.ToLower(ge.ServerMessage)
	switch {
	case strings.Contains(low, "permission to create a service account"):
		ge.Code, ge.Field = CodeNoPermission, token.FieldTarget
		ge.Explanation = "GitLab refused: you may not create service accounts in this group"
		ge.Next = "on GitLab.com a group Owner may; on self-managed GitLab an administrator, or an Owner where the instance allows it " +
			"(Admin > Settings > General > Account and limit: \"Allow top-level group owners to create service accounts\"); before 18.11 only top-level groups have them"
	case strings.Contains(low, "subscription"), strings.Contains(low, "seats"):
		ge.Code, ge.Field = CodeLimitReached, token.FieldTarget
		ge.Explanation = "GitLab refused: this namespace cannot have more service accounts"
		ge.Next = "before GitLab 18.11 they need Premium or Ultimate; on Free, 100 per top-level group (GitLab.com) or per instance; remove an unused one, or use a project or group token"
	case strings.Contains(low, "username has already been taken"):
		ge.Code, ge.Field = CodeInvalid, token.FieldTarget
		ge.Explanation = "the username is taken by another user (not a service account of this group)"
		ge.Next = "choose another name for the service account"
	}
}

// Membership is a service account's access to a place after AddMember.
type Membership struct {
	Place token.Place
	Role  token.Role
	// How it came about: given, already there (Existed, Inherited: never
	// changed), or found after a lost answer.
	How token.MembershipHow
}

var inheritedLevel = regexp.MustCompile(`greater than or equal to (\w+) inherited membership`)

// AddMember gives user uid the role on a project or group, sent once. A
// member already there keeps their role (409 "Member already exists": read
// back, never raised); a higher inherited role stands (GitLab's 400). A lost
// answer is resolved by reading the membership back.
func (c *Client) AddMember(ctx context.Context, p token.Place, uid int64, role token.Role) (Membership, error) {
	what := fmt.Sprintf("add the service account to %s %s", p.Kind, p.Path)
	path := string(p.Kind) + "s/" + url.PathEscape(p.Path) + "/members"
	err := c.write(ctx, http.MethodPost, path, map[string]any{"user_id": uid, "access_level": int(role)}, nil)
	var er *gl.ErrorResponse
	switch {
	case err == nil:
		return Membership{Place: p, Role: role}, nil
	case errors.As(err, &er) && er.StatusCode == http.StatusConflict:
		return c.readMember(ctx, path, uid, Membership{Place: p, How: token.Existed})
	case errors.As(err, &er) && er.StatusCode == http.StatusBadRequest && inheritedLevel.Match(er.Body):
		if r, perr := token.ParseRole(string(inheritedLevel.FindSubmatch(er.Body)[1])); perr == nil {
			return Membership{Place: p, Role: r, How: token.Inherited}, nil
		}
	case ambiguous(err):
		// Read it back over the orphan window: it may be committed late.
		cctx, cancel := c.checkContext(ctx)
		defer cancel()
		var got Membership
		_, rerr := c.lookAgain(cctx, "added the membership", func(ctx context.Context) (bool, error) {
			m, err := c.readMember(ctx, path, uid, Membership{Place: p, How: token.FoundAfterLoss})
			var ge *Error
			if errors.As(err, &ge) && ge.Code == CodeNotFound {
				return false, nil
			}
			got = m
			return err == nil && m.Role != token.RoleNone, err
		})
		if got.Role != token.RoleNone {
			return got, nil
		}
		hint := "run the same command again in a minute: a membership already there is kept"
		if rerr != nil {
			hint = fmt.Sprintf("reading it back failed too (%v); %s", rerr, hint)
		}
		return Membership{Place: p, How: token.Unanswered}, &WriteUnknownError{What: what, Cause: c.classify(err, what), Hint: hint}
	}
	return Membership{Place: p}, c.classify(err, what)
}

func (c *Client) readMember(ctx context.Context, path string, uid int64, m Membership) (Membership, error) {
	var out struct {
		AccessLevel int `json:"access_level"`
	}
	if _, err := c.getJSON(ctx, fmt.Sprintf("%s/%d", path, uid), nil, &out); err != nil {
		return m, c.classify(err, "read the service account's membership")
	}
	m.Role = token.Role(out.AccessLevel)
	return m, nil
}

// write sends one write (never retried) with a JSON body and decodes the
// answer into out (when not nil).
func (c *Client) write(ctx context.Context, method, path string, body any, out any) error {
	_, err := c.send(ctx, method, path, body, out, gl.WithRequestRetry(noRetry))
	return err
}

// Provisioned is what ProvisionServiceAccount did: the account (Created
// when this run made it), its memberships, and the token.
type Provisioned struct {
	Account     ServiceAccount
	Created     bool
	Memberships []Membership
	Token       *NewToken
}

// ProvisionServiceAccount makes the writes of a service-account token, in
// order, each sent once: the account (reused when g found it, created
// otherwise), its memberships on r.Places at r.Role (concurrently; a
// membership already there is kept as it is), and the token. say hears of
// each write before it is sent. It stops at the first failure, returning
// what was done so far.
func (c *Client) ProvisionServiceAccount(ctx context.Context, r token.Request, g Gathered, say func(string)) (Provisioned, error) {
	var out Provisioned
	if say == nil {
		say = func(string) {}
	}
	if g.AccountErr != nil {
		// Not knowing whether the account exists, creating it could make a
		// second one or be refused as a taken username: stop before writing.
		return out, g.AccountErr
	}
	if g.Account != nil {
		out.Account = *g.Account
		say(fmt.Sprintf("Using the service account @%s (id %d) of %s.", out.Account.Username, out.Account.ID, g.Target.Path))
	} else {
		say(fmt.Sprintf("Creating the service account @%s in %s… (sent once)", r.Account.Username, g.Target.Path))
		a, err := c.CreateServiceAccount(ctx, r.Target, r.Account)
		if err != nil {
			return out, err
		}
		out.Account, out.Created = a, true
	}
	var done []string
	if out.Created {
		done = append(done, fmt.Sprintf("the service account @%s (id %d) was created", out.Account.Username, out.Account.ID))
	}
	say(fmt.Sprintf("Giving it %s on %s… (sent once each)", r.Role.Title(), placeList(r.Places)))
	out.Memberships = make([]Membership, len(r.Places))
	errs := make([]error, len(r.Places))
	var wg sync.WaitGroup
	for i, p := range r.Places {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out.Memberships[i], errs[i] = c.AddMember(ctx, p, out.Account.ID, r.Role)
		}()
	}
	wg.Wait()
	for _, m := range out.Memberships {
		switch {
		case m.Role == token.RoleNone:
		case m.How == token.Given:
			done = append(done, fmt.Sprintf("%s on %s", m.Role.Title(), m.Place))
		case m.How == token.FoundAfterLoss:
			done = append(done, fmt.Sprintf("%s on %s (found after a lost answer: this run's, or already there)", m.Role.Title(), m.Place))
		}
	}
	err := errors.Join(errs...)
	if err != nil {
		return out, &PartialError{Done: done, Cause: err}
	}
	r.UserID = out.Account.ID
	say(fmt.Sprintf("Creating its token %q… (sent once; never retried on its own)", r.Name))
	var nt *NewToken
	switch {
	case out.Created: // a new account has no tokens
		nt, err = c.CreateKnowing(ctx, r, Existing{IDs: map[int64]bool{}})
	case g.ExistingRead:
		nt, err = c.CreateKnowing(ctx, r, g.Existing)
	default:
		nt, err = c.CreateToken(ctx, r)
	}
	out.Token = nt
	if err != nil {
		return out, &PartialError{Done: done, Cause: err}
	}
	return out, nil
}

func placeList(ps []token.Place) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = string(p.Kind) + " " + p.Path
	}
	return strings.Join(parts, ", ")
}
