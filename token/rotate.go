package token

import (
	"fmt"
	"strings"
	"time"
)

// Existing is what GitLab reports of a token that is already there.
type Existing struct {
	ID        int64
	Name      string
	Revoked   bool
	Active    bool
	ExpiresAt time.Time
	// Role is a project or group token's access level.
	Role Role
}

// CheckRotate decides, before anything is sent, whether GitLab would rotate
// token old of kind k to a new expiry, following rotate_service.rb: the
// caller needs the rights of a token manager (for a personal token, to be
// its user or an administrator: PersonalRights), the token must not be
// revoked ("Token already revoked"), its role must be one the caller could
// grant ("Not eligible to rotate tokens with permissions not held by the
// user"), and the new expiry must keep the lifetime rule. An expired token
// is rotated (GitLab does not check), which the notes say.
func CheckRotate(k Kind, f Facts, old Existing, newExpiry, now time.Time, maxLifetime int) (notes []string, err error) {
	rights := f.rightsProblem(Request{Kind: k}, "rotating")
	if k == KindPersonal {
		rights = f.PersonalRights("rotate")
	}
	if rights != nil {
		return nil, rights
	}
	l := f.Limits(maxLifetime)
	switch {
	case old.Revoked:
		return nil, &Refusal{Party: PartyRights, Reason: ReasonRevoked, Field: FieldTarget, Message: fmt.Sprintf(
			"token %d %q is revoked (rotated before, or revoked by hand): GitLab refuses to rotate it again", old.ID, old.Name)}
	case k.HasTokenRole() && !CanGrant(l.CallerRole, old.Role):
		return nil, &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldRole, Message: fmt.Sprintf(
			"token %d has the %s role, which you (%s here) could not grant: GitLab lets you rotate only tokens whose role you could give; ask an Owner",
			old.ID, old.Role.Title(), l.CallerRole.Title())}
	}
	if err := l.checkExpiry(newExpiry, now); err != nil {
		return nil, &ValidationError{Problems: []Problem{{FieldExpiry, err.Error()}}}
	}
	if got := RotatedExpiry(k, f.Version, newExpiry, now); !got.Equal(newExpiry) {
		notes = append(notes, fmt.Sprintf("GitLab %s ignores the asked expiry when it rotates a service account's token (17.9 and later honour it): the replacement will expire on %s, in a week; rotate it again after an upgrade, or create a token with the expiry you want",
			f.Version, got.Format(DateLayout)))
	}
	if !old.Active && !old.ExpiresAt.IsZero() {
		notes = append(notes, fmt.Sprintf("token %d expired on %s; GitLab rotates it all the same, and the new one works at once",
			old.ID, old.ExpiresAt.Format(DateLayout)))
	}
	return notes, nil
}

// PersonalRights blames the caller's rights to verb ("rotate", "revoke")
// the personal tokens of f.Owner: GitLab lets a user manage their own, and
// administrators anyone's (UserPolicy manage_user_personal_access_token).
func (f Facts) PersonalRights(verb string) error {
	if f.IsAdmin || f.Owner == "" || strings.EqualFold(f.Owner, f.Username) {
		return nil
	}
	return &Refusal{Party: PartyRights, Reason: ReasonRole, Field: FieldTarget, Message: fmt.Sprintf(
		"only administrators may %s another user's tokens, and you (%s) are not one: ask %s or an administrator, or %s your own with --user @me",
		verb, f.Username, "@"+strings.TrimPrefix(f.Owner, "@"), verb)}
}
