package token

import (
	"fmt"
	"strings"
	"time"
)

// KindServiceAccount is a personal access token of a group's service
// account: a machine user, not tied to a person, that reaches what its
// memberships reach. It is GitLab's answer for integrations spanning several
// projects that must survive people leaving.
const KindServiceAccount Kind = "service-account"

// ServiceAccountSince is the GitLab version whose API creates group service
// accounts (POST /groups/:id/service_accounts, 16.1); listing them arrived
// in 17.1, listing and revoking their tokens in 17.11, subgroups in 18.11.
const (
	ServiceAccountSince       = "16.1"
	ServiceAccountListSince   = "17.1"
	ServiceAccountTokensSince = "17.11"
	ServiceAccountSubgroups   = "18.11"
	// ServiceAccountFreeSince: service accounts on GitLab's Free tier (18.10
	// behind a flag, 18.11 for all); before it, Premium and Ultimate only.
	ServiceAccountFreeSince = "18.11"
	// ServiceAccountRotateExpirySince: the service-account rotate endpoint
	// reads expires_at; before it, the replacement always lasts a week.
	ServiceAccountRotateExpirySince = "17.9"
)

// RotatedExpiry is the expiry GitLab gives a rotated token of kind k when
// asked for asked: what was asked, except on a service account's token
// before 17.9, which GitLab renews for a week whatever is sent.
func RotatedExpiry(k Kind, version string, asked, now time.Time) time.Time {
	if k == KindServiceAccount && VersionBefore(version, ServiceAccountRotateExpirySince) {
		return Today(now).AddDate(0, 0, 7)
	}
	return asked
}

// Account describes the service account a request creates or reuses.
type Account struct {
	// Username is how GitLab and the request find it again (required: a
	// lost answer is resolved by looking the username up).
	Username string
	// Name is its display name; Email where GitLab sends expiry mail (a
	// team address: without one, nobody hears that the token will expire).
	Name, Email string
}

// ValidateAccount checks a service account's username, name and email.
func ValidateAccount(a Account) error {
	switch {
	case strings.TrimSpace(a.Username) == "":
		return fmt.Errorf("name the service account (its username), such as jira-bot: a second run finds it again by that name")
	case !ValidUsername(a.Username):
		return fmt.Errorf("%q is not a GitLab username: use letters, digits, '_', '-' and '.'", a.Username)
	case a.Email != "" && (!strings.Contains(a.Email, "@") || strings.ContainsAny(a.Email, " \t\r\n<>")):
		return fmt.Errorf("%q is not an email address: give a team address that receives GitLab's expiry mail", a.Email)
	}
	if a.Name != "" {
		if err := checkText(a.Name, "account name"); err != nil {
			return err
		}
	}
	return nil
}

// AccountFromName turns what a user types for the account (NAME, or
// @username) into an Account whose username is NAME made safe.
func AccountFromName(s string) Account {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	u := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			return r
		case r == ' ':
			return '-'
		}
		return -1
	}, s)
	return Account{Username: u, Name: s}
}

// NeededForPlace is the role a caller needs to add a member at role r to a
// place: a group's members are managed by its Owners; a project's by its
// Maintainers, but only an Owner gives the Owner role (members.rb).
func NeededForPlace(k Kind, r Role) Role {
	if k == KindGroup || r == RoleOwner {
		return RoleOwner
	}
	return RoleMaintainer
}

// CheckServiceAccount is Decide's part for a service-account token: the
// caller must be Owner of the account's group (or an administrator) on an
// instance whose version has the API (subgroups from 18.11), and may give
// the role on every place it names. placeRoles are the caller's roles there.
func CheckServiceAccount(r Request, f Facts, placeRoles map[string]Role) error {
	switch {
	case f.Version != "" && VersionBefore(f.Version, ServiceAccountSince):
		return &Refusal{Party: PartyInstance, Reason: ReasonRole, Field: FieldKind, Message: fmt.Sprintf(
			"GitLab %s cannot create service accounts through its API (16.1 and later can): use a project or group token", f.Version)}
	case f.Community && f.Version != "" && VersionBefore(f.Version, ServiceAccountFreeSince):
		return &Refusal{Party: PartyInstance, Reason: ReasonPlan, Field: FieldKind, Message: fmt.Sprintf(
			"this instance runs the Community Edition of GitLab %s, which has no service accounts (Premium and Ultimate have them; every edition from %s): use a project or group token",
			f.Version, ServiceAccountFreeSince)}
	case CannotHoldAccounts(f.Version, r.Target) != "":
		return &Refusal{Party: PartyInstance, Field: FieldTarget, Message: strings.TrimSuffix(CannotHoldAccounts(f.Version, r.Target), ".")}
	case f.GitLabCom && f.Plan == "free" && VersionBefore(f.Version, ServiceAccountFreeSince):
		return &Refusal{Party: PartyInstance, Reason: ReasonPlan, Field: FieldTarget, Message: fmt.Sprintf(
			"group %s is on GitLab.com Free, where GitLab %s has no service accounts (Free has them from %s): use a group on Premium or Ultimate",
			f.TargetPath, f.Version, ServiceAccountFreeSince)}
	case !f.IsAdmin && f.CallerRole < RoleOwner:
		return &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldTarget, Message: fmt.Sprintf(
			"you (%s) are %s on group %s; service accounts are created by the group's Owners (and, on self-managed GitLab, administrators): ask an Owner",
			f.Username, RoleOrNone(f.CallerRole), f.TargetPath)}
	}
	if f.IsAdmin {
		return nil
	}
	for _, p := range r.Places {
		need := NeededForPlace(p.Kind, r.Role)
		if have := placeRoles[p.Path]; have < need {
			return &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldTarget, Message: fmt.Sprintf(
				"you are %s on %s %s; giving the service account %s there needs %s", RoleOrNone(have), p.Kind, p.Path, r.Role.Title(), need.Title())}
		}
	}
	return nil
}
