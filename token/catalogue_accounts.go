package token

import (
	"fmt"
	"strings"
)

// The questions of a service-account token, in the one catalogue: the
// group that owns the account, the account (an existing one, or a new one's
// name, username and email), where it gets access, and its role there.

// AccountOffer is what the wizard knows, before the kind is chosen, about
// whether the caller can make a service account.
type AccountOffer struct {
	// Version is the instance's ("" while unknown).
	Version string
	Admin   bool
	// OwnedGroups counts the groups the caller owns that can hold service
	// accounts (top-level ones before 18.11), once GroupsKnown.
	OwnedGroups int
	GroupsKnown bool
	// Spans is true when the purpose reaches more than one project (the
	// flags named several).
	Spans bool
	// Community is true on GitLab's Community Edition, which has service
	// accounts only from ServiceAccountFreeSince.
	Community bool
}

// Unavailable says why the caller cannot make a service account, or ""
// when they can, or when it is not known yet (the group step then tells).
func (o AccountOffer) Unavailable() string {
	switch {
	case o.Version != "" && VersionBefore(o.Version, ServiceAccountSince):
		return fmt.Sprintf("not available: GitLab %s has no service-account API (%s and later have one)", minorVersion(o.Version), ServiceAccountSince)
	case o.Community && o.Version != "" && VersionBefore(o.Version, ServiceAccountFreeSince):
		return fmt.Sprintf("not available: the Community Edition of GitLab %s has no service accounts (Premium and Ultimate have them; every edition from %s)", minorVersion(o.Version), ServiceAccountFreeSince)
	case o.Admin, !o.GroupsKnown, o.OwnedGroups > 0:
		return ""
	case o.Version != "" && VersionBefore(o.Version, ServiceAccountSubgroups):
		return "not available: you own no top-level group, and service accounts belong to one (made by its Owners, or an administrator)"
	default:
		return "not available: you own no group, and service accounts are made by a group's Owners (or an administrator)"
	}
}

// Recommended reports whether the caller is known to be able to make one.
func (o AccountOffer) Recommended() bool {
	return o.Unavailable() == "" && (o.Admin || o.GroupsKnown && o.OwnedGroups > 0)
}

// minorVersion is "16.0" of "16.0.3-ee".
func minorVersion(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
}

// CannotHoldAccounts says why the group at path cannot own a service
// account on GitLab version, or "" when it can (or the version is unknown).
func CannotHoldAccounts(version, path string) string {
	if strings.Contains(strings.Trim(path, "/"), "/") && version != "" && VersionBefore(version, ServiceAccountSubgroups) {
		return fmt.Sprintf("GitLab %s keeps service accounts on top-level groups (subgroups from %s): pick the top-level group %s.",
			minorVersion(version), ServiceAccountSubgroups, strings.SplitN(strings.Trim(path, "/"), "/", 2)[0])
	}
	return ""
}

// NewAccount is the account question's option that creates one.
const NewAccount = "+new"

// AccountQuestion offers the service accounts of group, and a new one.
// accounts are the existing ones; current is the username chosen before.
func AccountQuestion(group string, accounts []Account, current string) Question {
	q := Question{Title: "Which service account?", Default: NewAccount, Label: "Filter",
		Placeholder: "part of the account's name or username",
		Intro:       "Pick one of the service accounts of " + group + ", or create one. The token acts as the account: it keeps working when people leave."}
	q.Options = append(q.Options, Option{Value: NewAccount, Label: "+ create a new one", Meaning: "its name, and a team address for GitLab's expiry mail"})
	for _, a := range accounts {
		meaning := a.Name
		switch {
		case strings.Contains(a.Email, "@noreply."):
			// GitLab's generated address: no one reads it.
			meaning += " (no email of its own: nobody gets its expiry mail)"
		case a.Email != "":
			meaning += " <" + a.Email + ">"
		}
		q.Options = append(q.Options, Option{Value: a.Username, Label: "@" + a.Username, Meaning: strings.TrimSpace(meaning)})
		if strings.EqualFold(a.Username, current) {
			q.Default = a.Username
		}
	}
	return q
}

// AccountNameQuestion asks for a new account's display name.
func AccountNameQuestion(current string) Question {
	return Question{Title: "Create a service account", Label: "Name", Default: current, Placeholder: "Jira integration",
		Intro:    "Its name is what people see in member lists and activity; its username is how this tool finds it again.",
		Validate: func(s string) error { return ValidateAccount(Account{Username: "x", Name: s}) }}
}

// AccountUsernameQuestion asks for a new account's username.
func AccountUsernameQuestion(current string) Question {
	return Question{Label: "Username", Default: current, Placeholder: "jira-bot",
		Validate: func(s string) error { return ValidateAccount(Account{Username: strings.TrimSpace(s)}) }}
}

// NoEmailWarning is said when a new account gets no email address.
const NoEmailWarning = "without an email, GitLab's expiry mail for this token reaches nobody: give a team address"

// AccountEmailQuestion asks for a new account's email: a team address,
// where GitLab sends the token's expiry mail.
func AccountEmailQuestion(current string) Question {
	return Question{Label: "Email", Default: current, Placeholder: "a team address, such as jira-admins@example.com",
		Intro: "GitLab sends the expiry mail of the account's tokens to this address; without one, nobody gets it. Use a team's address, not a person's.",
		Validate: func(s string) error {
			return ValidateAccount(Account{Username: "x", Email: strings.TrimSpace(s)})
		}}
}

// PlacesQuestion asks where the account of group gets access: the group
// itself, its subgroups or projects, ticked from a search.
func PlacesQuestion(group string) Question {
	return Question{Title: "Where does the service account get access?", Label: "Search for subgroups and projects",
		Placeholder: "part of a subgroup's or project's name or path",
		Intro: "It becomes a member, with the role you choose next, of each place you tick: its group " + group +
			" (every project in it), subgroups of it where you are Owner, or projects where you are Maintainer or Owner. " +
			"A role it already has somewhere is kept, never raised.",
		Options: []Option{GroupPlace(group)}}
}

// SubgroupPlace reports whether a group a search found is one the places
// question offers for the account of group: a subgroup of it (at any
// depth), where the caller may add members — its Owners, or an
// administrator (NeededForPlace).
func SubgroupPlace(group, path string, role Role, admin bool) bool {
	under := strings.ToLower(strings.Trim(group, "/")) + "/"
	return strings.HasPrefix(strings.ToLower(strings.Trim(path, "/")), under) && (admin || role >= NeededForPlace(KindGroup, RoleGuest))
}

// GroupPlace is the option that gives the account access to a group: its
// own, or a subgroup of it.
func GroupPlace(group string) Option {
	return Option{Value: string(KindGroup) + ":" + group, Label: "group " + group, Meaning: "every project in it"}
}

// PlaceOf turns a places option's value ("project:acme/web") into a Place.
func PlaceOf(value string) Place {
	k, path, _ := strings.Cut(value, ":")
	return Place{Kind: Kind(k), Path: path}
}

// PlaceValue is the option value of place p.
func PlaceValue(p Place) string { return string(p.Kind) + ":" + p.Path }

// AccountRoleQuestion is RoleQuestion for a service account, whose role is
// that of its memberships; caller is the least role the caller holds on
// the places (it bounds what they may give).
func AccountRoleQuestion(caller, current Role, p Preset, version string) Question {
	q := RoleQuestion(caller, current, p, version)
	q.Intro = "The service account becomes a member with this role wherever it gets access; the token's scopes limit what it may do with it."
	if caller != RoleNone {
		q.Intro += fmt.Sprintf(" You are at least %s on those places, so you may give %s.", caller.Title(), titles(GrantableAt(caller, version)))
	}
	return q
}
