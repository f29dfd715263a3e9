package cli

// The accessible wizard: the same questions as the full-screen wizard, from
// the same catalogue (package token), asked one per line with huh's
// accessible mode, for screen readers and terminals that cannot draw a full
// screen. Answers are numbers or text typed after a prompt; every prompt has
// a default, so an empty line (or the end of input) takes it, and the
// create is sent only after an explicit "y". Ctrl+C at any prompt ends the
// run with exit code 130.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/secretfile"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
	"gitlab-token-wizard/wizard"
)

// runAccessible is the wizard as plain prompts.
func runAccessible(ctx context.Context, env Env, g *globalFlags) error {
	p := newPrompter(ctx, env)
	s, err := g.connect(ctx, env, false)
	if err != nil {
		return err
	}
	defer s.stop()
	if s.client == nil {
		if err := p.signIn(env, g, s); err != nil {
			return stoppedAt(err, "nothing was sent")
		}
	}
	now := env.Now()
	pf, err := s.client.Preflight(ctx)
	if err != nil {
		return apiExit(ctx, err)
	}
	if err := pf.CheckCanCreate(now); err != nil {
		return &ExitError{Code: ExitRefused, Err: err}
	}
	p.say("Signed in to %s as %s.", gitlab.HostName(s.host), safe.Line(pf.User.Username, 64))
	req, preset, err := accessibleRequest(p, pf, now, accountOffer(ctx, s, pf))
	if err != nil {
		return stoppedAt(err, "nothing was sent")
	}
	a := &asker{ctx: ctx, p: p, env: env, s: s, pf: pf, req: req, preset: preset, now: now,
		facts: gitlab.Gathered{Preflight: pf}.Facts()}
	return a.run()
}

// asker is one accessible run after the purpose and the kind: what was
// answered and read so far.
type asker struct {
	ctx    context.Context
	p      prompter
	env    Env
	s      *session
	pf     gitlab.Preflight
	req    token.Request
	preset token.Preset
	now    time.Time
	// facts are what GitLab said: the pre-flight's, then the target's.
	facts token.Facts
	// g is what Gather read of a service account's group, account and places.
	g gitlab.Gathered
}

// questions asks the question of each step the full-screen wizard shows
// after the kind, as the accessible mode words it.
var questions = map[steps.ID]func(*asker) error{
	steps.Target:  (*asker).target,
	steps.Repo:    (*asker).repo,
	steps.Account: (*asker).account,
	steps.Places:  (*asker).places,
	steps.Name:    (*asker).name,
	steps.Expiry:  (*asker).expiry,
	steps.Role:    (*asker).role,
	steps.Scopes:  (*asker).scopes,
}

// run asks the kind's questions in the order of the full-screen wizard's
// steps (steps.Order: one rule for both modes, so neither can skip what the
// other asks), and ends as that order does: with the review, where the
// token is created, or with GitLab's form on the guided path.
func (a *asker) run() error {
	order := steps.Order(a.req.Kind, a.pf.User.IsAdmin, false)
	for _, id := range order[slices.Index(order, steps.Kind)+1:] {
		switch id {
		case steps.Review:
			if a.req.Kind == token.KindServiceAccount {
				return a.reviewAccount()
			}
			return a.review()
		case steps.Guide:
			return a.guide()
		}
		ask, ok := questions[id]
		if !ok {
			return fmt.Errorf("the accessible mode has no question for the %s step (a bug: nothing was sent)", id)
		}
		if err := ask(a); err != nil {
			return stoppedAt(err, "nothing was sent")
		}
	}
	return fmt.Errorf("the steps of a %s token end with neither a review nor GitLab's form (a bug: nothing was sent)", a.req.Kind)
}

// limits bound the expiry and the role: the target's, and for a service
// account the least of the caller's roles on its places.
func (a *asker) limits() token.Limits {
	l := a.facts.Limits(0)
	if a.req.Kind == token.KindServiceAccount {
		l.CallerRole = leastRole(a.g.PlaceRoles, a.req.Places, a.pf.User.IsAdmin, l.CallerRole)
	}
	return l
}

func (a *asker) target() error {
	return accessibleTarget(a.ctx, a.p, a.s, a.pf, &a.req, &a.facts, a.now)
}

// repo asks for the project a personal token made in GitLab's form is
// checked against: the one Jira will read.
func (a *asker) repo() error {
	repo := a.req.Repo
	rq := token.TargetQuestion(token.KindPersonal, true)
	if err := a.p.text(rq.Title+" (group/project) "+rq.Intro, &repo, func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("give the project's path, such as group/project")
		}
		return nil
	}); err != nil {
		return err
	}
	a.req.Repo = strings.TrimSpace(repo)
	return nil
}

// name asks for the name and the optional description, as the name step does.
func (a *asker) name() error {
	nq, dq := token.NameQuestion(a.req.Name), token.DescriptionQuestion(a.req.Description)
	name := a.req.Name
	if err := a.p.text(nq.Label+":", &name, nq.Validate); err != nil {
		return err
	}
	desc := a.req.Description
	if err := a.p.text(dq.Label+" ("+dq.Placeholder+"; an empty line for none):", &desc, dq.Validate); err != nil {
		return err
	}
	a.req.Name, a.req.Description = strings.TrimSpace(name), strings.TrimSpace(desc)
	return nil
}

// expiry asks for the expiry; the instance's lifetime rule, where GitLab
// said it, bounds the dates.
func (a *asker) expiry() error {
	limits := a.limits()
	eq := token.ExpiryQuestion(a.now, limits, time.Time{})
	expiry := eq.Default
	if !limits.NoMaxLifetime {
		eq.Options[len(eq.Options)-1].Label = "another date (up to " + token.LastAllowedExpiry(a.now, limits.MaxLifetimeDays).Format(token.DateLayout) + ")"
	}
	if err := a.p.choose(eq, &expiry); err != nil {
		return err
	}
	if expiry == token.Custom {
		cq := token.CustomExpiryQuestion(a.now, limits, time.Time{})
		expiry = ""
		if err := a.p.text(cq.Label+" ("+cq.Placeholder+"):", &expiry, cq.Validate); err != nil {
			return err
		}
	}
	a.req.ExpiresAt, _ = token.ExpiryAnswer(expiry, a.now, limits)
	return nil
}

// role asks for the role, among those the caller may grant.
func (a *asker) role() error {
	limits := a.limits()
	rq := token.RoleQuestion(limits.CallerRole, a.req.Role, a.preset, limits.Version)
	if a.req.Kind == token.KindServiceAccount {
		rq = token.AccountRoleQuestion(limits.CallerRole, a.req.Role, a.preset, limits.Version)
	}
	role := rq.Default
	if err := a.p.choose(rq, &role); err != nil {
		return err
	}
	a.req.Role, _ = token.ParseRole(role)
	return nil
}

// scopes asks for the scopes, and says what the purpose advises of them.
func (a *asker) scopes() error {
	limits := a.limits()
	chosen, err := a.p.pick(token.ScopesQuestion(a.req.Kind, limits.IsAdmin, limits.Version, a.req.Scopes), func(v []string) error {
		if len(v) == 0 {
			return errors.New("choose at least one scope")
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.req.Scopes = token.ParseScopes(chosen...)
	for _, w := range a.preset.Advice(a.req) {
		a.p.say("warning: %s", w)
	}
	return nil
}

// review shows the plan and the same request as commands, asks once, and
// creates the token.
func (a *asker) review() error {
	ctx, p, s, req := a.ctx, a.p, a.s, a.req
	// Read before the question, as the full-screen review does, so that
	// the same-name warning is given and the create goes out the moment
	// it is confirmed (CreateKnowing). The same decision as create's.
	known := s.client.Named(ctx, req)
	facts := a.facts
	facts.SameName = known.Active
	d, err := token.Decide(req, facts, a.now, 0)
	var rf *token.Refusal
	if errors.As(err, &rf) {
		return exitf(ExitRefused, "%s (nothing was sent)", rf.Message)
	}
	if err != nil {
		return invalid(err)
	}
	p.say("")
	printPlan(a.env.Err, req, s.host, a.now, false)
	for _, w := range d.Warnings {
		p.say("  warning: %s", w)
	}
	p.say("The same, for a script or a ticket:\n%s\n%s", req.CommandLine(s.cmdHost()), req.Curl(s.host))
	create := false
	if err := p.confirm(token.CreateQuestion().Title, &create); err != nil {
		return stoppedAt(err, "nothing was created")
	}
	if !create {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("cancelled at the review: nothing was created")}
	}
	nt, err := s.client.CreateKnowing(ctx, req, known)
	if err != nil {
		printOrphans(p.out, s.cmdHost(), req, err)
		return apiExit(ctx, err)
	}
	p.say("Created %s access token %d %s (%s). GitLab shows it only once.", req.Kind, nt.ID, token.Quote(nt.Name), nt.Value.Masked())
	return accessibleDeliver(ctx, p, a.env, s, a.pf, req, nt, a.now)
}

// accessibleDeliver verifies a new token and sees it kept: saved or
// printed, or revoked when the run is interrupted first.
func accessibleDeliver(ctx context.Context, p prompter, env Env, s *session, pf gitlab.Preflight, req token.Request, nt *gitlab.NewToken, now time.Time) error {
	printVerification(env.Err, s.client.VerifyToken(context.WithoutCancel(ctx), nt.Value, req))
	saved, err := accessibleKeep(p, env, nt, revokeOrphanCommand(s.cmdHost(), req, nt.ID))
	if err != nil {
		return revokeUnkept(p, s, req, nt, err)
	}
	accessibleEnd(p, s.host, s.cmdHost(), req, nt, pf, saved)
	afterCreate(ctx, env.Err, s, pf, false, now)
	return nil
}

// stoppedAt turns a prompt stopped by ctrl+c into exit code 130, saying
// what it left behind; other errors pass through.
func stoppedAt(err error, left string) error {
	if errors.Is(err, errInterrupted) {
		return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("%w: %s", errInterrupted, left)}
	}
	return err
}

// accessibleRequest asks for the purpose and the kind; offer says whether
// the caller can make a service account.
func accessibleRequest(p prompter, pf gitlab.Preflight, now time.Time, offer token.AccountOffer) (token.Request, token.Preset, error) {
	req := token.Request{ExpiresAt: token.DefaultExpiry(now)}
	presetID := token.Presets[0].ID
	if err := p.choose(token.PurposeQuestion(presetID), &presetID); err != nil {
		return req, token.Preset{}, err
	}
	preset, _ := token.FindPreset(presetID)
	preset.Apply(&req)
	kind := string(token.KindProject)
	if err := p.choose(token.KindQuestion(pf.User.IsAdmin, token.KindProject, offer), &kind); err != nil {
		return req, preset, err
	}
	req.Kind = token.Kind(kind)
	return req, preset, nil
}

// accessibleTarget asks for the project, group or user, by search.
func accessibleTarget(ctx context.Context, p prompter, s *session, pf gitlab.Preflight, req *token.Request, facts *token.Facts, now time.Time) error {
	q := token.TargetQuestion(req.Kind, false)
	for {
		query := ""
		if err := p.text(q.Label+" ("+q.Placeholder+"; empty lists the first ones):", &query, nil); err != nil {
			return err
		}
		var opts []token.Option
		ids := map[string]int64{}
		switch req.Kind {
		case token.KindPersonal:
			opts = append(opts, token.Option{Value: token.Me, Label: "@me", Meaning: pf.User.Name + " (you)"})
			us, err := s.client.SearchUsers(ctx, query, 20)
			if err != nil {
				return apiExit(ctx, err)
			}
			for _, u := range us {
				if u.ID != pf.User.ID {
					opts = append(opts, token.Option{Value: u.Username, Label: "@" + u.Username, Meaning: u.Name})
					ids[u.Username] = u.ID
				}
			}
		default:
			ps, err := searchTargets(ctx, s, pf, req.Kind, query)
			if err != nil {
				return apiExit(ctx, err)
			}
			for _, pr := range ps {
				label := pr.Path
				switch {
				case pr.RoleAtLeast:
					label += " (you: at least " + pr.Role.Title() + ")"
				case pr.Role != token.RoleNone:
					label += " (you: " + pr.Role.Title() + ")"
				}
				// As on the screens: a place the caller's role cannot make
				// this kind on is listed with the reason, and refused.
				opts = append(opts, token.Option{Value: pr.Path, Label: label, Disabled: token.CannotCreateOn(req.Kind, pr.Role, pr.Path)})
			}
		}
		if len(opts) == 0 && p.in.ended {
			return exitf(ExitInvalid, "nothing matches %s, and the input has ended: nothing was sent", token.Quote(query))
		}
		if len(opts) == 0 {
			p.say("Nothing matches %s. Try another part of the name.", token.Quote(query))
			continue
		}
		opts = append(opts, token.Option{Value: "", Label: "(search again)"})
		choice := opts[0].Value
		if err := p.choose(token.Question{Title: q.Title, Options: opts}, &choice); err != nil {
			return err
		}
		if choice == "" {
			continue
		}
		req.Target, req.UserID = choice, ids[choice]
		if choice == token.Me {
			req.UserID = pf.User.ID
		}
		if req.Kind == token.KindPersonal {
			return nil
		}
		checked, err := checkTarget(ctx, p.out, s, *req, now)
		var ee *ExitError
		if errors.As(err, &ee) && ee.Code == ExitRefused {
			p.say("%v\nChoose another.", err)
			continue
		}
		if err != nil {
			return err
		}
		*facts = checked
		return nil
	}
}

// searchTargets finds projects or groups as the full-screen wizard does.
func searchTargets(ctx context.Context, s *session, pf gitlab.Preflight, k token.Kind, query string) ([]gitlab.Project, error) {
	if k == token.KindGroup || k == token.KindServiceAccount {
		return s.client.SearchGroups(ctx, query, 20, pf.User.IsAdmin)
	}
	return s.client.SearchProjects(ctx, query, 20, token.SearchMinRole(k, pf.User.IsAdmin, false))
}

// accessibleKeep makes sure the new token goes somewhere before the run ends:
// a new 0600 file, or this terminal when the user says so. It returns the
// saved file's full path ("" when printed).
func accessibleKeep(p prompter, env Env, nt *gitlab.NewToken, revoke string) (string, error) {
	for {
		where := "save"
		q := token.Question{Title: "Where should the token go?", Options: []token.Option{
			{Value: "save", Label: "save it to a new file, readable only by you"},
			{Value: "print", Label: "print it here (it stays in this terminal's history)"},
		}}
		if err := p.choose(q, &where); err != nil {
			return "", err
		}
		if where == "print" {
			return "", emitToken(env, nt.Value.Reveal(), nt, revoke)
		}
		path := suggestFile(nt.ID)
		if err := p.text("File name:", &path, secretfile.Free); err != nil {
			return "", err
		}
		full, _ := filepath.Abs(path)
		if tree := wizard.WorkTree(filepath.Dir(full)); tree != "" {
			yes := false
			if err := p.confirm(fmt.Sprintf("%s is inside the git work tree at %s, where a token file is easily committed. Save there anyway?", path, tree), &yes); err != nil {
				return "", err
			}
			if !yes {
				continue
			}
		}
		if err := secretfile.Write(path, nt.Value); err != nil {
			p.say("Could not save: %v", err)
			continue
		}
		p.say("Saved to %s (mode 0600).", path)
		return full, nil
	}
}

// suggestFile is the default file name: in this folder unless it is in a
// git work tree, else in the home folder.
func suggestFile(id int64) string {
	cwd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	path := wizard.SuggestSavePath(id, cwd, home)
	if rel, err := filepath.Rel(cwd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// revokeUnkept revokes a token the user never kept because the run was
// interrupted before it went anywhere (invariant 3), saying so.
func revokeUnkept(p prompter, s *session, req token.Request, nt *gitlab.NewToken, err error) error {
	if !errors.Is(err, errInterrupted) {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), revokeWait)
	defer cancel()
	if rerr := s.client.RevokeToken(ctx, req, nt.ID); rerr != nil {
		p.say("Token %d was created but not saved or printed, and could not be revoked (%v). Revoke it with:\n  %s",
			nt.ID, rerr, req.TokenCommandLine(s.cmdHost(), "revoke", nt.ID))
		return &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted: the new token was not kept")}
	}
	return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("interrupted before the token was kept: token %d was revoked", nt.ID)}
}

// accessibleEnd says what the result screen says: the hand-off summary, the
// steps in Jira and the command that renews the token.
func accessibleEnd(p prompter, host, cmdHost string, req token.Request, nt *gitlab.NewToken, pf gitlab.Preflight, saved string) {
	user, name := "", ""
	if req.PersonalUser() == token.Me {
		user, name = pf.User.Username, pf.User.Name
	}
	h := token.HandOff{Kind: req.Kind, ID: nt.ID, Name: nt.Name, Target: req.TargetPhrase(user, name), Grant: req.GrantPhrase(),
		Expires: req.ExpiresAt, Masked: nt.Value.Masked()}
	p.say("\nHand-off summary (no secret; paste it into the ticket):\n%s", h)
	if saved != "" {
		p.say("The token is in %s (mode 0600).", saved)
	}
	next := req.JiraSteps(host, cmdHost, nt.ID)
	p.say("\nNext, in Jira:\n%s", strings.Join(next.Steps, "\n"))
	if next.Rotate != nil {
		p.say("   %s", next.Rotate)
	}
}

// guide is the personal token of a non-administrator: GitLab's prefilled
// form (its link carries the name, description and scopes just asked),
// then the pasted token checked.
func (a *asker) guide() error {
	p, req := a.p, a.req
	// GitLab's form, not the API, makes this token: only the fields are
	// checked, as the full-screen wizard checks them before its guide.
	if err := req.Validate(a.limits(), a.now); err != nil {
		return invalid(err)
	}
	link := gitlab.PATFormURL(a.s.host, a.pf.Version, req.Name, req.Description, req.Scopes)
	p.say("%s\n  %s", token.FormIntro, link)
	p.say("In the form:\n  %s", strings.Join(token.FormSteps(req, a.now), "\n  "))
	for {
		pasted, err := p.secret("Paste the new token (it is not shown); an empty line stops:")
		if err != nil {
			return stoppedAt(err, "no token was checked; a token you made in GitLab's form still exists")
		}
		if pasted == "" {
			return &ExitError{Code: ExitInterrupted, Err: errors.New("stopped: no token was checked")}
		}
		v := a.s.client.CheckPastedToken(a.ctx, pasted, req, a.pf.User.ID)
		printVerification(p.out, v)
		if v.OK() {
			p.say("The token is ready: paste it into the Jira app and press Test connection.")
			return nil
		}
		p.say("%s", token.PastedAdvice(v.Problem()))
	}
}

// signIn asks for the host and a credential when nothing else gave one.
func (p prompter) signIn(env Env, g *globalFlags, s *session) error {
	host := s.host
	hq, cq := token.HostQuestion(host, func(v string) error { _, err := gitlab.NormalizeHost(v, g.allowHTTP); return err }), token.CredentialQuestion()
	p.say("%s", hq.Intro)
	if err := p.text(hq.Label+":", &host, hq.Validate); err != nil {
		return err
	}
	if h, err := gitlab.NormalizeHost(host, g.allowHTTP); err == nil {
		p.say("%s\n  %s", cq.Intro, steps.TokenFormURL(h))
	}
	p.say("%s", token.OtherWaysIn)
	cred, err := p.secret(cq.Label + " (it is not shown):")
	if err != nil {
		return err
	}
	if cred == "" {
		return exitf(ExitInvalid, "no credential given: nothing was sent")
	}
	c, err := g.newClient(env, host, cred, typedCredential)
	if err != nil {
		return exitf(ExitInvalid, "%v", err)
	}
	s.client, s.host = c, c.BaseURL()
	return nil
}
