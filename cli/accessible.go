package cli

// The accessible wizard: the same questions as the full-screen wizard, asked
// one per line with huh's accessible mode, for screen readers and terminals
// that cannot draw a full screen. Answers are numbers or text typed after a
// prompt; every prompt has a default, so an empty line (or the end of input)
// takes it, and the create is sent only after an explicit "y".

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"charm.land/huh/v2"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/secretfile"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// prompter asks one question at a time on in/out. raw is the unwrapped
// input, a terminal when tty is set (hidden input needs its descriptor).
type prompter struct {
	in  lineReader
	raw io.Reader
	tty bool
	out io.Writer
}

// lineReader hands out at most one line per Read. huh starts a new scanner
// for every prompt; a scanner that read ahead would swallow later answers
// when input is piped.
type lineReader struct{ r *bufio.Reader }

func (l lineReader) Read(p []byte) (int, error) {
	line, err := l.r.ReadSlice('\n')
	if len(line) > len(p) {
		line = line[:len(p)]
	}
	n := copy(p, line)
	if err == bufio.ErrBufferFull {
		err = nil
	}
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

func (p prompter) run(f huh.Field) error {
	return huh.NewForm(huh.NewGroup(f)).WithAccessible(true).WithInput(p.in).WithOutput(p.out).
		WithTheme(huh.ThemeFunc(huh.ThemeBase)).Run()
}

func (p prompter) say(format string, a ...any) { fmt.Fprintf(p.out, format+"\n", a...) }

// choose asks for one of options; an empty line keeps *value, named in the title.
func (p prompter) choose(title string, options []huh.Option[string], value *string) error {
	for i, o := range options {
		if o.Value == *value {
			title += fmt.Sprintf(" (Enter keeps %d)", i+1)
		}
	}
	return p.run(huh.NewSelect[string]().Title(title).Options(options...).Value(value))
}

// text asks for a line; an empty line keeps *value, named in the title.
func (p prompter) text(title string, value *string, validate func(string) error) error {
	def := *value
	if def != "" {
		title += fmt.Sprintf(" (Enter keeps %q)", safe.Line(def, 60))
	}
	return p.run(huh.NewInput().Title(title).Value(value).Validate(func(v string) error {
		if strings.TrimSpace(v) == "" && def != "" {
			return nil // the default, checked when it was made
		}
		return validate(v)
	}))
}

func (p prompter) confirm(title string, value *bool) error {
	return p.run(huh.NewConfirm().Title(title).Value(value))
}

// runAccessible is the wizard as plain prompts.
func runAccessible(ctx context.Context, env Env, g *globalFlags) error {
	p := prompter{in: lineReader{bufio.NewReader(env.In)}, raw: env.In, tty: env.IsTerminal(env.In), out: env.Err}
	s, err := g.connect(ctx, env, false)
	if err != nil {
		return err
	}
	defer s.stop()
	if s.client == nil {
		if err := p.signIn(env, g, s); err != nil {
			return err
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

	req := token.Request{ExpiresAt: token.DefaultExpiry(now)}
	presetID := token.Presets[0].ID
	var opts []huh.Option[string]
	for _, pr := range token.Presets {
		opts = append(opts, huh.NewOption(pr.Title+" — "+pr.Summary, pr.ID))
	}
	if err := p.choose("What is the token for?", opts, &presetID); err != nil {
		return err
	}
	preset, _ := token.FindPreset(presetID)
	preset.Apply(&req)

	kind := string(token.KindProject)
	opts = nil
	for _, k := range token.Kinds {
		label := string(k) + ": " + k.Describe()
		switch {
		case k == token.KindPersonal && pf.User.IsAdmin:
			label += "; as an administrator you can make one for any user"
		case k == token.KindPersonal:
			label += "; made in GitLab's web form, which this prefills and then checks"
		}
		opts = append(opts, huh.NewOption(label, string(k)))
	}
	if err := p.choose("Which kind of token?", opts, &kind); err != nil {
		return err
	}
	req.Kind = token.Kind(kind)
	if req.Kind == token.KindPersonal && !pf.User.IsAdmin {
		return accessibleGuided(ctx, p, s, pf, req, now)
	}
	limits := token.Limits{IsAdmin: pf.User.IsAdmin}
	if err := accessibleTarget(ctx, p, s, pf, &req, &limits); err != nil {
		return err
	}
	if err := accessibleDetails(p, &req, limits, preset, now); err != nil {
		return err
	}
	if err := req.Validate(limits, now); err != nil {
		return invalid(err)
	}
	p.say("")
	printPlan(env.Err, req, s.host, now, false)
	p.say("The same, for a script or a ticket:\n%s\n%s", req.CommandLine(s.host), req.Curl(s.host))
	create := false
	if err := p.confirm("Create this token now?", &create); err != nil {
		return err
	}
	if !create {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("cancelled at the review: nothing was created")}
	}
	nt, err := s.client.CreateToken(ctx, req)
	if err != nil {
		return apiExit(ctx, err)
	}
	p.say("Created %s access token %d %q (%s). GitLab shows it only once.", req.Kind, nt.ID, nt.Name, nt.Value.Masked())
	printVerification(env.Err, s.client.VerifyToken(context.WithoutCancel(ctx), nt.Value, req))
	if err := accessibleKeep(p, env, nt); err != nil {
		return err
	}
	afterCreate(ctx, env.Err, s, pf, false, now)
	return nil
}

// accessibleTarget asks for the project, group or user, by search.
func accessibleTarget(ctx context.Context, p prompter, s *session, pf gitlab.Preflight, req *token.Request, limits *token.Limits) error {
	what := map[token.Kind]string{token.KindProject: "project", token.KindGroup: "group", token.KindPersonal: "user"}[req.Kind]
	for {
		query := ""
		if err := p.text(fmt.Sprintf("Search for the %s (part of its name or path; empty lists the first ones):", what), &query, func(string) error { return nil }); err != nil {
			return err
		}
		var opts []huh.Option[string]
		ids := map[string]int64{}
		switch req.Kind {
		case token.KindPersonal:
			opts = append(opts, huh.NewOption("@me — "+pf.User.Name+" (you)", token.Me))
			us, err := s.client.SearchUsers(ctx, query, 20)
			if err != nil {
				return apiExit(ctx, err)
			}
			for _, u := range us {
				if u.ID != pf.User.ID {
					opts = append(opts, huh.NewOption("@"+u.Username+" — "+u.Name, u.Username))
					ids[u.Username] = u.ID
				}
			}
		default:
			var ps []gitlab.Project
			var err error
			if req.Kind == token.KindGroup {
				ps, err = s.client.SearchGroups(ctx, query, 20, pf.User.IsAdmin)
			} else {
				min := token.RoleMaintainer
				if pf.User.IsAdmin {
					min = token.RoleNone
				}
				ps, err = s.client.SearchProjects(ctx, query, 20, min)
			}
			if err != nil {
				return apiExit(ctx, err)
			}
			for _, pr := range ps {
				label := pr.Path
				if pr.Role != token.RoleNone {
					label += " (you: " + pr.Role.Title() + ")"
				}
				opts = append(opts, huh.NewOption(label, pr.Path))
			}
		}
		if len(opts) == 0 {
			p.say("Nothing matches %q. Try another part of the name.", safe.Line(query, 60))
			continue
		}
		opts = append(opts, huh.NewOption("(search again)", ""))
		choice := opts[0].Value
		if err := p.choose("Which "+what+"?", opts, &choice); err != nil {
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
		checked, err := checkTarget(ctx, p.out, s, *req, time.Now())
		var ee *ExitError
		if errors.As(err, &ee) && ee.Code == ExitRefused {
			p.say("%v\nChoose another.", err)
			continue
		}
		if err != nil {
			return err
		}
		*limits = checked
		return nil
	}
}

// accessibleDetails asks for the name, expiry, role and scopes.
func accessibleDetails(p prompter, req *token.Request, limits token.Limits, preset token.Preset, now time.Time) error {
	if err := p.text("Token name:", &req.Name, token.ValidateName); err != nil {
		return err
	}
	last := token.LastAllowedExpiry(now, 0)
	expiry := "30"
	var opts []huh.Option[string]
	for _, d := range []int{30, 90, 180, 365} {
		opts = append(opts, huh.NewOption(fmt.Sprintf("%d days: %s", d, token.DescribeExpiry(token.Today(now).AddDate(0, 0, d), now)), fmt.Sprint(d)))
	}
	opts = append(opts, huh.NewOption("another date (up to "+last.Format(token.DateLayout)+")", "custom"))
	if err := p.choose("When should it expire?", opts, &expiry); err != nil {
		return err
	}
	if expiry == "custom" {
		date := ""
		err := p.text("Expiry date (YYYY-MM-DD, or 60d, 8w):", &date, func(v string) error {
			d, err := token.ParseExpiry(v, now)
			if err != nil {
				return err
			}
			return token.ValidateExpiry(d, now, 0)
		})
		if err != nil {
			return err
		}
		req.ExpiresAt, _ = token.ParseExpiry(date, now)
	} else {
		req.ExpiresAt, _ = token.ParseExpiry(expiry+"d", now)
	}
	if req.Kind.HasRole() {
		role := req.Role.String()
		opts = nil
		for _, r := range token.GrantableBy(limits.CallerRole) {
			opts = append(opts, huh.NewOption(r.Title()+" — "+r.Meaning(), r.String()))
		}
		if err := p.choose("Which role?", opts, &role); err != nil {
			return err
		}
		req.Role, _ = token.ParseRole(role)
	}
	var chosen []string
	for _, sc := range req.Scopes {
		chosen = append(chosen, string(sc))
	}
	opts = nil
	for _, i := range token.ScopesFor(req.Kind, limits.IsAdmin) {
		opts = append(opts, huh.NewOption(string(i.Scope)+" — "+i.Meaning, string(i.Scope)).Selected(slices.Contains(chosen, string(i.Scope))))
	}
	err := p.run(huh.NewMultiSelect[string]().Title("Which scopes? Enter a number to select or unselect it, 0 when done.").
		Options(opts...).Value(&chosen).Validate(func(v []string) error {
		if len(v) == 0 {
			return errors.New("choose at least one scope")
		}
		return nil
	}))
	if err != nil {
		return err
	}
	req.Scopes = token.ParseScopes(chosen...)
	for _, a := range preset.Advice(*req) {
		p.say("warning: %s", a)
	}
	return nil
}

// accessibleKeep makes sure the new token goes somewhere before the run ends:
// a new 0600 file, or this terminal when the user says so.
func accessibleKeep(p prompter, env Env, nt *gitlab.NewToken) error {
	for {
		where := "save"
		opts := []huh.Option[string]{
			huh.NewOption("save it to a new file, readable only by you", "save"),
			huh.NewOption("print it here (it stays in this terminal's history)", "print"),
		}
		if err := p.choose("Where should the token go?", opts, &where); err != nil {
			return err
		}
		if where == "print" {
			fmt.Fprintln(env.rawOut, nt.Value.Reveal()) // the one write that carries the token
			return nil
		}
		path := fmt.Sprintf("gitlab-token-%d.txt", nt.ID)
		if err := p.text("File name:", &path, secretfile.Free); err != nil {
			return err
		}
		if err := secretfile.Write(path, nt.Value); err != nil {
			p.say("Could not save: %v", err)
			continue
		}
		p.say("Saved to %s (mode 0600).", path)
		return nil
	}
}

// accessibleGuided is the personal token of a non-administrator: GitLab's
// prefilled form, then the pasted token checked.
func accessibleGuided(ctx context.Context, p prompter, s *session, pf gitlab.Preflight, req token.Request, now time.Time) error {
	repo := ""
	if err := p.text("Which project will Jira read (group/project)? The token is checked against it:", &repo, func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("give the project's path, such as group/project")
		}
		return nil
	}); err != nil {
		return err
	}
	req.Repo = strings.TrimSpace(repo)
	link := gitlab.PATFormURL(s.host, pf.Version, req.Name, req.Description, req.Scopes)
	p.say("GitLab's API lets only administrators create personal access tokens, so make it in GitLab's form.")
	p.say("Open this address (it fills in the name and scopes):\n  %s", link)
	p.say("Set the expiration date to %s, press Create token, and copy the token.", req.ExpiresAt.Format(token.DateLayout))
	for {
		pasted, err := p.secret("Paste the new token (it is not shown); an empty line stops:")
		if err != nil {
			return err
		}
		if pasted == "" {
			return &ExitError{Code: ExitInterrupted, Err: errors.New("stopped: no token was checked")}
		}
		v := s.client.CheckPastedToken(ctx, pasted, req, pf.User.ID)
		printVerification(p.out, v)
		if v.OK() {
			p.say("The token is ready: paste it into the Jira app and press Test connection.")
			return nil
		}
		p.say("Fix this in GitLab (revoke that token, create a new one from the link), then paste the new one.")
	}
}

// secret reads a line without echo on a terminal, or a plain line from a pipe.
func (p prompter) secret(title string) (token.Secret, error) {
	if p.tty {
		var v string
		err := huh.NewForm(huh.NewGroup(huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&v))).
			WithAccessible(true).WithInput(p.raw).WithOutput(p.out).WithTheme(huh.ThemeFunc(huh.ThemeBase)).Run()
		return token.Secret(strings.TrimSpace(v)), err
	}
	fmt.Fprintln(p.out, title)
	line, err := p.in.r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return token.Secret(strings.TrimSpace(line)), nil
}

// signIn asks for the host and a credential when nothing else gave one.
func (p prompter) signIn(env Env, g *globalFlags, s *session) error {
	host := s.host
	if err := p.text("GitLab host:", &host, func(v string) error { _, err := gitlab.NormalizeHost(v, g.allowHTTP); return err }); err != nil {
		return err
	}
	p.say("Sign in with a personal access token that has the api scope; it is used for this run only.")
	if h, err := gitlab.NormalizeHost(host, g.allowHTTP); err == nil {
		p.say("No token yet? Create one at:\n  %s", steps.TokenFormURL(h))
	}
	cred, err := p.secret("Access token (it is not shown):")
	if err != nil {
		return err
	}
	if cred == "" {
		return exitf(ExitInvalid, "no credential given: nothing was sent")
	}
	c, err := g.newClient(env, host, cred)
	if err != nil {
		return exitf(ExitInvalid, "%v", err)
	}
	s.client, s.host = c, c.BaseURL()
	return nil
}
