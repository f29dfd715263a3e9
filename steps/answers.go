package steps

import (
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/token"
)

// Answer is what a finished step hands the root, typed by step, so that the
// root switches on the answer instead of asserting step types. Apply writes
// it into the request; answers with more to them (a sign-in, a target) are
// also read by the root for what comes next.
type Answer interface{ Apply(r *token.Request) }

// SignedIn is the sign-in step's host and credential.
type SignedIn struct {
	Host       string
	Credential token.Secret
}

// PurposeChosen is the purpose, a preset.
type PurposeChosen struct{ Preset token.Preset }

// KindChosen is the kind of token; the root switches the whole run to it.
type KindChosen struct{ Kind token.Kind }

// TargetChosen is the project or group the token is for.
type TargetChosen struct{ Project gitlab.Project }

// UserChosen is whom an administrator's personal token is for.
type UserChosen struct {
	User gitlab.User
	// Me is set when the user is the caller.
	Me bool
}

// RepoChosen is the project a personal token is checked against.
type RepoChosen struct{ Project gitlab.Project }

// AccountChosen is a service account: an existing one of the group (ID
// set), or one to create.
type AccountChosen struct {
	Account token.Account
	ID      int64
}

// PlacesChosen is where a service account gets access.
type PlacesChosen struct{ Places []token.Place }

// Named is the token's name and description.
type Named struct{ Name, Description string }

// ExpiryChosen is the expiry date.
type ExpiryChosen struct{ Date time.Time }

// RoleChosen is the token's role.
type RoleChosen struct{ Role token.Role }

// ScopesChosen is the token's scopes.
type ScopesChosen struct{ Scopes []token.Scope }

// GuideChecked is a token made in GitLab's form, pasted and passing every check.
type GuideChecked struct{ Verification gitlab.Verification }

// Apply changes nothing: the credential is not part of the new token.
func (SignedIn) Apply(*token.Request) {}

// Apply follows the purpose (the preset rule of token.Preset.Apply).
func (a PurposeChosen) Apply(r *token.Request) { a.Preset.Apply(r) }

// Apply sets the kind only; the root applies the rest of a kind switch.
func (a KindChosen) Apply(r *token.Request) { r.Kind = a.Kind }

// Apply sets the target.
func (a TargetChosen) Apply(r *token.Request) { r.Target = a.Project.Path }

// Apply sets the owner of the personal token.
func (a UserChosen) Apply(r *token.Request) {
	r.Target, r.UserID = a.User.Username, a.User.ID
	if a.Me {
		r.Target = token.Me
	}
}

// Apply sets the project the token is checked against.
func (a RepoChosen) Apply(r *token.Request) { r.Repo = a.Project.Path }

// Apply sets the account, and its id when it exists.
func (a AccountChosen) Apply(r *token.Request) { r.Account, r.UserID = a.Account, a.ID }

// Apply sets the places.
func (a PlacesChosen) Apply(r *token.Request) { r.Places = append([]token.Place(nil), a.Places...) }

// Apply sets the name and description.
func (a Named) Apply(r *token.Request) { r.Name, r.Description = a.Name, a.Description }

// Apply sets the expiry.
func (a ExpiryChosen) Apply(r *token.Request) { r.ExpiresAt = a.Date }

// Apply sets the role.
func (a RoleChosen) Apply(r *token.Request) { r.Role = a.Role }

// Apply sets the scopes.
func (a ScopesChosen) Apply(r *token.Request) { r.Scopes = a.Scopes }

// Apply changes nothing: the token was made in GitLab's form.
func (GuideChecked) Apply(*token.Request) {}
