package token

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The question catalogue: every question the wizard asks, with its options
// and what each means, its default and its validator. The full-screen steps
// and the accessible prompts both draw from here, so the two modes cannot
// say different things.

// Option is one answer to a question and what choosing it means.
type Option struct {
	// Value is the answer in the words a flag takes: "jira-read", "project",
	// "30", "reporter", "read_api".
	Value   string
	Label   string
	Meaning string
	// Selected marks a ticked option of a multiple choice.
	Selected bool
	// Disabled says why the option cannot be chosen now ("" when it can):
	// it is still listed, so that the reason is read where it is looked for.
	Disabled string
}

// Question is one question of the wizard.
type Question struct {
	// Title heads the screen; Label is the short prompt of a free answer.
	Title, Label string
	// Intro is one line of context under the title.
	Intro   string
	Options []Option
	// Default is what an empty answer keeps: an option's Value, or the text
	// of a free answer.
	Default string
	// Placeholder hints at the shape of a free answer.
	Placeholder string
	// Validate checks a free answer; nil accepts anything.
	Validate func(string) error
}

// Custom is the expiry option that asks for a date or duration.
const Custom = "custom"

// PurposeQuestion asks what the token is for; current is a preset id.
func PurposeQuestion(current string) Question {
	q := Question{Title: "What is the token for?", Default: current,
		Intro: "The purpose fills in the role and scopes; every later step can still change them."}
	for _, p := range Presets {
		q.Options = append(q.Options, Option{Value: p.ID, Label: p.Title, Meaning: p.Summary})
	}
	return q
}

// KindQuestion asks for the kind of token. A personal token is made through
// the API only by an administrator; anyone else is guided through GitLab's
// form. A service account is offered as o allows: recommended for a token
// that must reach several projects when the caller can make one, listed with
// the reason when they cannot, and the default when the purpose spans more
// than one project.
func KindQuestion(admin bool, current Kind, o AccountOffer) Question {
	q := Question{Title: "Which kind of token?", Default: string(current)}
	why := o.Unavailable()
	for _, k := range Kinds {
		opt := Option{Value: string(k), Label: string(k), Meaning: k.Describe()}
		switch {
		case k == KindPersonal && admin:
			opt.Meaning += "; as an administrator you can make one for any user"
		case k == KindPersonal:
			opt.Meaning += "; made in GitLab's web form, which the wizard prefills and then checks"
		case k == KindServiceAccount:
			opt.Label, opt.Disabled = "service account", why
		}
		q.Options = append(q.Options, opt)
	}
	if o.Recommended() {
		q.Options[len(q.Options)-1].Label += " (recommended for more than one project)"
		if o.Spans && current == KindProject {
			q.Default = string(KindServiceAccount)
		}
	}
	return q
}

// TargetQuestion asks what a token of kind k is for: a project, a group, or
// (for an administrator) a user. forRepo asks instead for the project a
// personal token will be checked against, as Jira will read it.
func TargetQuestion(k Kind, forRepo bool) Question {
	switch {
	case forRepo:
		return Question{Title: "Which project will Jira read?", Label: "Search for the project Jira will read",
			Intro:       "The token will be checked by reading this project, as Jira will.",
			Placeholder: "part of the project's name, path or group"}
	case k == KindGroup:
		return Question{Title: "Which group?", Label: "Search for the group",
			Intro:       "Group access tokens need Owner on the group; groups where you are Maintainer are listed but cannot be picked.",
			Placeholder: "part of the group's name or path"}
	case k == KindServiceAccount:
		return Question{Title: "Which group owns the service account?", Label: "Search for the group",
			Intro: "A service account belongs to a group and is made by its Owners (or an administrator); before GitLab 18.11, only top-level groups have them. " +
				"Groups where you are Maintainer are listed but cannot be picked.",
			Placeholder: "part of the group's name or path"}
	case k == KindPersonal:
		return Question{Title: "Whose personal token?", Label: "Search for the user",
			Intro:       "As an administrator you can create a personal token for any user. It acts as that user: check the name.",
			Placeholder: "name or username"}
	}
	return Question{Title: "Which project?", Label: "Search for the project",
		Intro:       "Only projects where you are Maintainer or Owner can have tokens.",
		Placeholder: "part of the project's name, path or group"}
}

// NameQuestion asks for the token's name.
func NameQuestion(current string) Question {
	return Question{Title: "Name the token", Label: "Token name", Default: current, Validate: ValidateName,
		Intro: "A clear name lets you find and revoke the token later."}
}

// DescriptionQuestion asks for an optional description.
func DescriptionQuestion(current string) Question {
	return Question{Label: "Description", Default: current, Validate: ValidateDescription,
		Placeholder: "optional: who uses it, the ticket number"}
}

// ExpiryQuestion offers the quick lifetimes the instance's rule l allows
// and a custom date; current selects its quick lifetime, or the custom
// option.
func ExpiryQuestion(now time.Time, l Limits, current time.Time) Question {
	q := Question{Title: "When should it expire?", Default: Custom, Intro: expiryIntro(now, l)}
	if current.IsZero() {
		q.Default = strconv.Itoa(DefaultLifetimeDays)
	}
	for _, d := range QuickLifetimes {
		date := Today(now).AddDate(0, 0, d)
		if !l.NoMaxLifetime && date.After(LastAllowedExpiry(now, l.MaxLifetimeDays)) {
			continue // beyond what this instance allows
		}
		q.Options = append(q.Options, Option{Value: strconv.Itoa(d), Label: fmt.Sprintf("%d days — %s", d, DescribeExpiry(date, now))})
		if date.Equal(current) {
			q.Default = strconv.Itoa(d)
		}
	}
	q.Options = append(q.Options, Option{Value: Custom, Label: "Custom date or duration"})
	return q
}

// expiryIntro says the lifetime rule, and whose it is: the instance's (read
// from it, or named in its refusal) or GitLab's default, a guard only.
func expiryIntro(now time.Time, l Limits) string {
	last := LastAllowedExpiry(now, l.MaxLifetimeDays).Format(DateLayout)
	switch {
	case l.NoMaxLifetime:
		return "Tokens expire at 00:00 UTC on the date. This instance does not require an expiry; a token that never expires is still best avoided."
	case l.LifetimeKnown:
		return fmt.Sprintf("Tokens expire at 00:00 UTC on the date. This instance allows at most %d days: the last date is %s.", MaxDays(l.MaxLifetimeDays), last)
	}
	return fmt.Sprintf("Tokens expire at 00:00 UTC on the date. At most %d days (GitLab's default; an instance may allow less, or 400): the last date is %s.",
		MaxDays(l.MaxLifetimeDays), last)
}

// CustomExpiryQuestion asks for a date or a duration.
func CustomExpiryQuestion(now time.Time, l Limits, current time.Time) Question {
	q := Question{Label: "Date or duration", Placeholder: "YYYY-MM-DD, 45d, 8w",
		Validate: func(s string) error { _, err := ExpiryAnswer(s, now, l); return err }}
	if !current.IsZero() {
		q.Default = current.Format(DateLayout)
	}
	return q
}

// ExpiryAnswer reads an answer to the expiry questions: a quick lifetime
// ("30"), a date or a duration, checked against the lifetime rule l.
func ExpiryAnswer(s string, now time.Time, l Limits) (time.Time, error) {
	if n, err := strconv.Atoi(s); err == nil && slices.Contains(QuickLifetimes, n) {
		s += "d"
	}
	d, err := ParseExpiry(s, now)
	if err != nil {
		return d, err
	}
	return d, l.checkExpiry(d, now)
}

// RoleQuestion offers only the roles a caller holding role caller may grant
// (all when it is unknown) on GitLab version ("" when unknown), marking what
// the purpose needs.
func RoleQuestion(caller, current Role, p Preset, version string) Question {
	if !current.ExistsAt(version) {
		current = RoleNone
	}
	q := Question{Title: "Which role?", Default: DefaultRole(caller, current, p).String(),
		Intro: "The token works as a member with this role."}
	if caller != RoleNone {
		q.Intro += fmt.Sprintf(" You are %s here, so GitLab lets you grant %s.", caller.Title(), titles(GrantableAt(caller, version)))
	}
	for _, r := range GrantableAt(caller, version) {
		label := r.Title()
		if r == p.Role {
			label += " (what the purpose needs)"
		}
		q.Options = append(q.Options, Option{Value: r.String(), Label: label, Meaning: r.Meaning()})
	}
	return q
}

// ScopesQuestion lists the scopes a token of kind k may carry on GitLab
// version ("" when unknown), the current ones ticked.
func ScopesQuestion(k Kind, admin bool, version string, current []Scope) Question {
	q := Question{Title: "Which scopes?", Default: JoinScopes(current)}
	for _, i := range ScopesAt(k, admin, version) {
		q.Options = append(q.Options, Option{Value: string(i.Scope), Label: string(i.Scope), Meaning: i.Meaning,
			Selected: slices.Contains(current, i.Scope)})
	}
	return q
}

// HostQuestion asks for the GitLab instance; validate normalizes the answer
// (package gitlab knows how).
func HostQuestion(current string, validate func(string) error) Question {
	return Question{Title: "Sign in to GitLab", Label: "GitLab host", Default: current, Validate: validate,
		Placeholder: "gitlab.com or https://gitlab.example.com",
		Intro:       "Sign in with a personal access token that has the api scope. It is used for this run only."}
}

// CredentialQuestion asks, without echo, for the sign-in credential.
func CredentialQuestion() Question {
	return Question{Label: "Access token", Placeholder: "a personal access token with the api scope",
		Intro: "No token yet? Create one (expiry: tomorrow is enough; you can revoke it at the end) at:"}
}

// OtherWaysIn names the sign-ins that need no pasted token.
const OtherWaysIn = "Other ways in: GITLAB_TOKEN, an existing glab login, or --oauth-client-id to sign in through the browser."

// CreateQuestion is the last question before anything is sent.
func CreateQuestion() Question {
	return Question{Title: "Create this token now?", Intro: "Nothing has been sent yet."}
}

// FormSteps are what to do in GitLab's personal access token form, which the
// link prefills with the name and scopes but cannot fill the expiry in.
func FormSteps(r Request, now time.Time) []string {
	return []string{
		fmt.Sprintf("1. check the scopes: %s (nothing more)", JoinScopes(r.Scopes)),
		fmt.Sprintf("2. set the expiration date to %s, %d days from now (the link cannot fill it in)",
			r.ExpiresAt.Format(DateLayout), DaysUntil(r.ExpiresAt, now)),
		"3. press \"Create token\" and copy the token GitLab shows once",
	}
}

// FormIntro says why a personal token is made in GitLab's web form.
const FormIntro = "GitLab's API lets only administrators create personal access tokens, so this one is made in GitLab's web form. The link fills in the name and scopes for you:"
