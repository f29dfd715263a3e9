package gitlab

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// Check is one verification result, a pass/fail line for the user.
type Check struct {
	Name   string
	OK     bool
	Detail string
	// Problem says why a failed check failed, for advice that fits the
	// cause; token.ProblemUnreachable marks a check that could not be made
	// (the network or GitLab failed), which blames nothing on the token.
	Problem token.CheckProblem
}

// Unchecked reports whether the check could not be made: the network, a
// proxy or GitLab failed, so nothing is known of the token.
func (c Check) Unchecked() bool { return !c.OK && c.Problem == token.ProblemUnreachable }

// Verification is what using the new token proved.
type Verification struct {
	Checks []Check
	// Self is the token as GitLab reports it to its own holder.
	Self *TokenInfo
	// The token's user and its role on RoleOn (a project or group path),
	// inherited included (RoleNone: not a member), read by CheckToken only;
	// RoleOn is "" when no role was read. A bot user is behind a project or
	// group token, whose role is its own.
	User   *User
	Role   token.Role
	RoleOn string
}

// OK reports whether every check was made and passed.
func (v Verification) OK() bool {
	for _, c := range v.Checks {
		if !c.OK {
			return false
		}
	}
	return len(v.Checks) > 0
}

// Problems lists the details of the checks the token failed, for a
// one-line verdict; checks that could not be made are not among them
// (Unchecked lists those).
func (v Verification) Problems() []string {
	var out []string
	for _, c := range v.Checks {
		if !c.OK && !c.Unchecked() {
			out = append(out, c.Detail)
		}
	}
	return out
}

// Unchecked lists, once each, why checks could not be made: the network
// or GitLab failed. Nothing in it blames the token.
func (v Verification) Unchecked() []string {
	var out []string
	for _, c := range v.Checks {
		if why := strings.TrimPrefix(c.Detail, notChecked); c.Unchecked() && !slices.Contains(out, why) {
			out = append(out, why)
		}
	}
	return out
}

// notChecked starts the detail of a check that could not be made.
const notChecked = "not checked: "

// Problem is the cause of the first check the token failed, else
// token.ProblemUnreachable when a check could not be made, else none.
func (v Verification) Problem() token.CheckProblem {
	p := token.ProblemNone
	for _, c := range v.Checks {
		switch {
		case c.OK:
		case c.Unchecked():
			p = token.ProblemUnreachable
		default:
			return cmp.Or(c.Problem, token.ProblemUnfit)
		}
	}
	return p
}

func (v *Verification) add(name string, ok bool, detail string) {
	c := Check{Name: name, OK: ok, Detail: detail}
	if !ok {
		c.Problem = token.ProblemUnfit
	}
	v.Checks = append(v.Checks, c)
}

// addFailed adds a check that failed on err, the error of a request made
// with the token under test. When the way to GitLab or GitLab itself
// failed, the check is marked unchecked ("not checked: ..."), never the
// token's failure; otherwise GitLab refused the token, for problem p.
func (v *Verification) addFailed(name string, err error, p token.CheckProblem) {
	if unreachable(err) {
		v.Checks = append(v.Checks, Check{Name: name, Detail: notChecked + err.Error(), Problem: token.ProblemUnreachable})
		return
	}
	v.Checks = append(v.Checks, Check{Name: name, Detail: err.Error(), Problem: p})
}

// unreachable reports whether err is the network's, a proxy's or the
// instance's failure rather than GitLab's answer about a token: a check that
// fails so says nothing about the token.
func unreachable(err error) bool {
	var ge *Error
	if !errors.As(err, &ge) {
		return true
	}
	switch ge.Code {
	case CodeNetwork, CodeTLS, CodeServer, CodeTooLarge, CodeRedirect, CodeRateLimited, CodeCanceled:
		return true
	}
	return false
}

// acceptProblem is the cause behind GitLab's refusal of the token itself.
func acceptProblem(err error) token.CheckProblem {
	var ge *Error
	if errors.As(err, &ge) {
		switch ge.Code {
		case CodeExpired, CodeRevoked:
			return token.ProblemLapsed
		case CodeUnauthorized:
			return token.ProblemUnknown
		}
	}
	return token.ProblemUnfit
}

// VerifyToken uses a token the tool just created, as Jira will: it reads the
// token's own record (active, scopes, expiry exactly as requested) and what the
// token is for — the project's latest commit, the group, or the user it acts as.
func (c *Client) VerifyToken(ctx context.Context, value token.Secret, want token.Request) Verification {
	return c.verify(ctx, value, want, verifyOpts{exactExpiry: true})
}

// MinUsefulDays is the shortest remaining lifetime CheckPastedToken accepts
// for an integration token.
const MinUsefulDays = 7

// CheckPastedToken checks a token the user made in GitLab's web form and
// pasted: active, owned by owner (when non-zero), carrying want's scopes,
// expiring no sooner than MinUsefulDays, and able to read want's repository.
// Each failed check says exactly what is wrong and how to fix it.
func (c *Client) CheckPastedToken(ctx context.Context, value token.Secret, want token.Request, owner int64) Verification {
	return c.verify(ctx, value, want, verifyOpts{owner: owner, minDays: MinUsefulDays})
}

// CheckToken is CheckPastedToken for a token of any kind (the check
// command): it also reads the token's role where it is checked — the
// project (want.Repo), or the group of a group token — with the token
// itself (GET …/members/all/:user_id, which read_api allows: a project or
// group token's bot user is a member there). The user comes from GET /user,
// read with everything else; only the membership waits for it, while the
// reach is still being read.
func (c *Client) CheckToken(ctx context.Context, value token.Secret, want token.Request) Verification {
	return c.verify(ctx, value, want, verifyOpts{minDays: MinUsefulDays, role: true})
}

type verifyOpts struct {
	exactExpiry bool
	owner       int64
	minDays     int
	// role reads the token's role where it is checked (CheckToken).
	role bool
}

// subject names the token being verified, for messages that blame it.
func (o verifyOpts) subject() string {
	if o.exactExpiry {
		return "the new token"
	}
	return "the checked token"
}

func (c *Client) verify(ctx context.Context, value token.Secret, want token.Request, o verifyOpts) (v Verification) {
	// A check that crashes on an odd answer is a failed check, never a lost
	// token: the caller delivers the token whatever this returns.
	defer func() {
		if r := recover(); r != nil {
			v.add("verification", false, fmt.Sprintf("the check failed on GitLab's answer (a bug: %s); the token was still created", safe.Line(fmt.Sprint(r), 120)))
		}
	}()
	c.opts.Scrub.Add(value.Reveal())
	tc, err := c.newAuth(value)
	if err != nil {
		v.Checks = append(v.Checks, Check{Name: "token accepted by GitLab", Detail: notChecked + err.Error(), Problem: token.ProblemUnreachable})
		return v
	}
	// What the token reaches is read at the same time as its own record:
	// one round trip for the whole verification (two with the role, whose
	// membership read waits for the user).
	var (
		reach, role Verification
		wg          sync.WaitGroup
		user        = sync.OnceValues(func() (*gl.User, error) {
			u, _, err := tc.Users.CurrentUser(gl.WithContext(ctx))
			if err == nil && u == nil {
				err = errNullAnswer
			}
			return u, err
		})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				reach.add("reach", false, fmt.Sprintf("the check failed on GitLab's answer (a bug: %s)", safe.Line(fmt.Sprint(r), 120)))
			}
		}()
		c.checkReach(ctx, &reach, tc, want, o.subject(), user)
	}()
	if kind, place := rolePlace(want); o.role && place != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					role.add("role", false, fmt.Sprintf("the check failed on GitLab's answer (a bug: %s)", safe.Line(fmt.Sprint(r), 120)))
				}
			}()
			c.readRole(ctx, &role, tc, kind, place, o.subject(), user)
		}()
	}
	self, _, err := tc.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(ctx))
	wg.Wait()
	if err == nil && self == nil {
		err = errNullAnswer
	}
	if err != nil {
		err = c.classifyFor(err, "read its own record", o.subject())
		v.addFailed("token accepted by GitLab", err, acceptProblem(err))
		// What the token reaches was read all the same: a check it could
		// not make for the same reason is listed as not made.
		for _, rc := range reach.Checks {
			if rc.Unchecked() {
				v.Checks = append(v.Checks, rc)
			}
		}
		return v
	}
	info := fromPAT(self, 0)
	v.Self = &info
	v.add("token accepted by GitLab", info.Active && !info.Revoked, fmt.Sprintf("id %d, active=%t", info.ID, info.Active))
	if !info.Active || info.Revoked {
		v.Checks[len(v.Checks)-1].Problem = token.ProblemLapsed
	}
	if o.owner != 0 {
		v.add("belongs to you", info.UserID == o.owner, fmt.Sprintf("user id %d", info.UserID))
		if info.UserID != o.owner {
			v.Checks[len(v.Checks)-1].Detail = fmt.Sprintf("this token belongs to user id %d, not to you (%d): paste the token you just created", info.UserID, o.owner)
			v.Checks[len(v.Checks)-1].Problem = token.ProblemNotYours
		}
	}
	c.checkScopes(&v, info, want)
	c.checkExpiry(&v, info, want, o)
	v.Checks = append(v.Checks, reach.Checks...)
	v.Checks = append(v.Checks, role.Checks...)
	v.User, v.Role, v.RoleOn = role.User, role.Role, role.RoleOn
	return v
}

// rolePlace is where a checked token's role matters: the project Jira
// reads, or the group of a group token.
func rolePlace(want token.Request) (token.Kind, string) {
	if repo := want.VerifyRepo(); repo != "" {
		return token.KindProject, repo
	}
	if want.Kind == token.KindGroup {
		return token.KindGroup, want.Target
	}
	return "", ""
}

// readRole reads, with the token under test, its user's role on place. A
// refusal leaves the role unread: the scopes or reach checks say why. A
// failure of the network or GitLab is a check not made.
func (c *Client) readRole(ctx context.Context, v *Verification, tc *gl.Client, kind token.Kind, place, subject string, user func() (*gl.User, error)) {
	name := fmt.Sprintf("role on %s", safe.Line(place, 100))
	u, err := user()
	if err == nil {
		var role token.Role
		if role, _, err = c.memberRoleWith(ctx, tc, kind, place, u.ID); err == nil {
			info := fromUser(u)
			v.User, v.Role, v.RoleOn = &info, role, place
			return
		}
	}
	if err = c.classifyFor(err, "read its role on "+string(kind)+" "+place, subject); unreachable(err) {
		v.addFailed(name, err, token.ProblemUnfit)
	}
}

func (c *Client) checkScopes(v *Verification, info TokenInfo, want token.Request) {
	var missing []string
	for _, s := range want.Scopes {
		if slices.Contains(info.Scopes, string(s)) {
			continue
		}
		// api includes everything read_api allows.
		if s == "read_api" && slices.Contains(info.Scopes, "api") {
			continue
		}
		missing = append(missing, string(s))
	}
	var extra []string
	for _, s := range info.Scopes {
		if !slices.Contains(want.Scopes, token.Scope(s)) {
			extra = append(extra, s)
		}
	}
	detail := strings.Join(info.Scopes, ", ")
	switch {
	case len(missing) > 0:
		detail = fmt.Sprintf("missing %s (GitLab reports %s): create a new token with %s", strings.Join(missing, ", "),
			cmp.Or(detail, "no scopes"), token.JoinScopes(want.Scopes))
	case len(extra) > 0:
		// It works, but it can do more than it was asked to: say so
		// rather than "as requested" (a pasted token may carry scopes the
		// form did not tick).
		detail += fmt.Sprintf(" — more than asked: %s, so the token can do more than it needs; one with only %s is safer",
			strings.Join(extra, ", "), token.JoinScopes(want.Scopes))
	}
	v.add("scopes as requested", len(missing) == 0, detail)
}

func (c *Client) checkExpiry(v *Verification, info TokenInfo, want token.Request, o verifyOpts) {
	now := c.now()
	switch {
	case info.ExpiresAt.IsZero():
		v.add("expiry", !o.exactExpiry, "GitLab reports no expiry")
	case o.exactExpiry:
		ok := info.ExpiresAt.Equal(want.ExpiresAt)
		detail := info.ExpiresAt.Format(token.DateLayout) + " 00:00 UTC"
		if !ok {
			detail += fmt.Sprintf(" (asked for %s)", want.ExpiresAt.Format(token.DateLayout))
		}
		v.add("expiry as requested", ok, detail)
	default:
		days := token.DaysUntil(info.ExpiresAt, now)
		detail := token.DescribeExpiry(info.ExpiresAt, now)
		ok := days >= o.minDays
		if !ok {
			detail = fmt.Sprintf("expires in %d days (%s): the integration would stop then; create one that lasts longer (the wizard suggests %s)",
				days, info.ExpiresAt.Format(token.DateLayout), want.ExpiresAt.Format(token.DateLayout))
		}
		v.add("expiry", ok, detail)
	}
}

// checkReach proves the token reaches what it is for.
func (c *Client) checkReach(ctx context.Context, v *Verification, tc *gl.Client, want token.Request, subject string, user func() (*gl.User, error)) {
	// The repository, the group, a project of the group and the user are
	// read at the same time; their checks are listed in this order
	// whatever answers first.
	var parts [4]Verification
	var wg sync.WaitGroup
	run := func(i int, f func(v *Verification)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A crash on an odd answer is a failed check, never a lost token.
			defer func() {
				if r := recover(); r != nil {
					parts[i].add("reach", false, fmt.Sprintf("the check failed on GitLab's answer (a bug: %s)", safe.Line(fmt.Sprint(r), 120)))
				}
			}()
			f(&parts[i])
		}()
	}
	if repo := want.VerifyRepo(); repo != "" {
		run(0, func(v *Verification) { c.readLatestCommit(ctx, v, tc, projectID(repo), safe.Line(repo, 100), subject) })
	}
	if group := readsAGroup(want); group != "" {
		// The project picked while gathering is read in the same round as
		// the listing; without one, after it (one round more).
		probe, picked := c.probes.Load(group)
		if picked && readsThroughAPI(want) {
			run(2, func(v *Verification) {
				c.readLatestCommit(ctx, v, tc, projectID(probe.(string)), safe.Line(probe.(string), 100), subject)
			})
		}
		run(1, func(v *Verification) {
			name := fmt.Sprintf("lists the projects of group %s (what Jira does)", safe.Line(group, 100))
			ps, _, err := tc.Groups.ListGroupProjects(projectID(group), &gl.ListGroupProjectsOptions{ListOptions: gl.ListOptions{PerPage: 5}, WithShared: gl.Ptr(false)}, gl.WithContext(ctx))
			if err != nil {
				v.addFailed(name, c.classifyFor(err, "list the group's projects", subject), token.ProblemUnfit)
				return
			}
			ps = nonNil(ps)
			v.add(name, true, fmt.Sprintf("%d project(s) on the first page", len(ps)))
			if !picked {
				c.readOneProject(ctx, v, tc, want, ps, subject)
			}
		})
	}
	if want.Kind == token.KindPersonal || want.Kind == token.KindServiceAccount {
		run(3, func(v *Verification) {
			u, err := user()
			if err != nil {
				v.addFailed("acts as a user", c.classifyFor(err, "read its user", subject), token.ProblemUnfit)
			} else {
				v.add("acts as a user", true, "@"+safe.Line(u.Username, 64))
			}
		})
	}
	wg.Wait()
	for _, p := range parts {
		v.Checks = append(v.Checks, p.Checks...)
	}
}

// readOneProject proves, for a token that reaches a group, what Jira does
// next: it reads the latest commit of the first of the group's projects
// with a repository. Only for scopes that read through the API.
func (c *Client) readOneProject(ctx context.Context, v *Verification, tc *gl.Client, want token.Request, ps []*gl.Project, subject string) {
	if !readsThroughAPI(want) {
		return
	}
	if p := firstWithRepository(ps); p != nil {
		c.readLatestCommit(ctx, v, tc, p.ID, safe.Line(p.PathWithNamespace, 100), subject)
	}
}

// readsThroughAPI reports whether the token's scopes read projects through
// the API (what Jira does).
func readsThroughAPI(r token.Request) bool {
	return slices.Contains(r.Scopes, "read_api") || slices.Contains(r.Scopes, "api")
}

// firstWithRepository is the first project whose repository can be read:
// not empty, not archived, not disabled.
func firstWithRepository(ps []*gl.Project) *gl.Project {
	for _, p := range ps {
		if !p.EmptyRepo && !p.Archived && p.RepositoryAccessLevel != gl.DisabledAccessControl {
			return p
		}
	}
	return nil
}

// readsAGroup is the group a verification lists the projects of: a group
// token's group, or the group a service account was given access to when
// it was given no project ("" for neither).
func readsAGroup(r token.Request) string {
	switch {
	case r.Kind == token.KindGroup:
		return r.Target
	case r.Kind == token.KindServiceAccount && r.VerifyRepo() == "":
		return groupPlace(r)
	}
	return ""
}

// pickProbe picks, with the caller's credential, a project of group with a
// repository for the verification to read (see probes). It is part of
// gathering the facts, so it costs no round of its own; a failure leaves
// the verification to find one itself.
func (c *Client) pickProbe(ctx context.Context, group string) {
	ps, _, err := c.gl.Groups.ListGroupProjects(projectID(group), &gl.ListGroupProjectsOptions{ListOptions: gl.ListOptions{PerPage: 5}, WithShared: gl.Ptr(false)}, gl.WithContext(ctx))
	if err != nil {
		return
	}
	if p := firstWithRepository(nonNil(ps)); p != nil {
		c.probes.Store(group, safe.Line(p.PathWithNamespace, 255))
	}
}

// readLatestCommit checks that the token reads project pid's latest commit.
func (c *Client) readLatestCommit(ctx context.Context, v *Verification, tc *gl.Client, pid any, path, subject string) {
	name := fmt.Sprintf("reads the latest commit of %s (what Jira does)", path)
	cs, _, err := tc.Commits.ListCommits(pid, &gl.ListCommitsOptions{ListOptions: gl.ListOptions{PerPage: 1}}, gl.WithContext(ctx))
	sent := len(cs)
	cs = nonNil(cs)
	switch {
	case err == nil && sent > 0 && len(cs) == 0:
		// [null] is not an empty repository: nothing readable came back.
		v.add(name, false, "GitLab's answer held no commit, only null: the read cannot be called a success; check again, or look at the project in GitLab")
	case err != nil:
		v.addFailed(name, c.classifyFor(err, "read the repository's commits", subject), token.ProblemUnfit)
	case len(cs) == 0:
		v.add(name, true, "the repository has no commits yet; reading it worked")
	default:
		v.add(name, true, fmt.Sprintf("%s %s", safe.Line(cs[0].ShortID, 12), safe.Line(cs[0].Title, 72)))
	}
}

// groupPlace is the first group a service account was given access to.
func groupPlace(r token.Request) string {
	for _, p := range r.Places {
		if p.Kind == token.KindGroup {
			return p.Path
		}
	}
	return ""
}

// PATFormURL is GitLab's personal access token page, prefilled with name,
// description and scopes. The path moved in 16.7; description is read from
// 18.1 (older versions ignore it); there is no expiry parameter. An unknown
// version gets the current path.
func PATFormURL(base, version, name, description string, scopes []token.Scope) string {
	path := "/-/user_settings/personal_access_tokens"
	if token.VersionBefore(version, "16.7") {
		path = "/-/profile/personal_access_tokens"
	}
	q := url.Values{}
	q.Set("name", name)
	if description != "" && !token.VersionBefore(version, "18.1") {
		q.Set("description", description)
	}
	q.Set("scopes", token.JoinScopes(scopes))
	// url.Values encodes the comma; GitLab's documented links keep it literal.
	return strings.TrimRight(base, "/") + path + "?" + strings.ReplaceAll(q.Encode(), "%2C", ",")
}
