package steps

import "gitlab-token-wizard/token"

// Order is the steps of a run: the sign-in when no credential was given,
// the purpose and kind, then the kind's own. A personal token is made by the
// API only for an administrator; anyone else takes the guided path through
// GitLab's web form, checked against the project Jira will read.
func Order(k token.Kind, admin, needSignIn bool) []ID {
	var o []ID
	if needSignIn {
		o = append(o, SignIn)
	}
	o = append(o, Purpose, Kind)
	switch {
	case k == token.KindPersonal && !admin:
		return append(o, Repo, Name, Expiry, Scopes, Guide)
	case k == token.KindPersonal:
		return append(o, Target, Name, Expiry, Scopes, Review)
	case k == token.KindServiceAccount:
		// The group that owns the account, the account, where it gets
		// access; then the token, as for the other kinds.
		return append(o, Target, Account, Places, Name, Expiry, Role, Scopes, Review)
	}
	return append(o, Target, Name, Expiry, Role, Scopes, Review)
}

// Invalidates is the one table of what an answer makes stale: when a
// step's answer changes the request, the steps listed here are built again
// from the new request the next time they are shown (a step that is not
// listed keeps what the user chose). The review is rebuilt every time.
var Invalidates = map[ID][]ID{
	// A purpose brings its role and scopes.
	Purpose: {Role, Scopes, Guide},
	// A kind has its own targets, roles and scopes, and its own path.
	Kind: {Target, Role, Scopes, Repo, Guide, Account, Places},
	// The caller's role, which bounds the roles offered, is per target; a
	// service account and the group offered as its place belong to one group.
	Target: {Role, Account, Places},
	// The roles a service account may be given depend on the caller's
	// roles on its places.
	Places: {Role},
	// The form link carries the name, description and scopes, and the
	// guide names the expiry to set.
	Name:   {Guide},
	Expiry: {Guide},
	Scopes: {Guide},
}
