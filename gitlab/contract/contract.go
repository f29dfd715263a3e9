// Package contract is one table of what GitLab answers to the requests
// gitlab-token-wizard makes or relies on: request -> expected status and
// body shape, each row read from GitLab's source (the file is named in the
// row). The table always runs against the stand-in (gitlab/fake), so the
// stand-in cannot drift from it; with GITLAB_CONTRACT_URL and
// GITLAB_CONTRACT_TOKEN set it runs against a real GitLab too, and rows whose
// behaviour changed between versions carry their version range.
package contract

import (
	"fmt"
	"time"
)

// Who names the credential a row sends.
type Who string

// The credentials a row can use. On a real instance each comes from an
// environment variable (see Env); a row whose credential is not set there is
// skipped, saying which variable would run it.
const (
	Nobody     Who = "none"
	Maintainer Who = "maintainer" // Maintainer of Project, with the api scope
	Developer  Who = "developer"  // Developer of Project
	Owner      Who = "owner"      // Owner of Group
	Admin      Who = "admin"      // an administrator (with admin_mode where Admin Mode is on)
	ReadOnly   Who = "read-only"  // the Maintainer's token with read_api only
	Expired    Who = "expired"    // an expired personal access token
)

// Row is one request and the answer GitLab gives it.
type Row struct {
	Name string
	// Source is the GitLab file the behaviour was read from.
	Source string
	// Since and Until bound the versions with this behaviour ("" open):
	// Since <= version < Until.
	Since, Until string
	As           Who
	Method       string
	// Path is under /api/v4, with placeholders {project}, {group} (URL-
	// escaped full paths), {token} (a token the run created in Setup),
	// {revoked} (one it created and revoked), {account} (the id of a
	// service account it created in Setup), {other_pat} (another user's
	// personal token id), {user} (a user id for the admin endpoint).
	Path string
	// Body is the JSON body; the Setup placeholders ({token}, {revoked},
	// {account}) are replaced in it too.
	Body string
	// Setup lists what the row needs created first, each filling the
	// placeholder of its name: "token" (a project token the Maintainer
	// creates), "revoked" (one created and revoked at once), "account" (a
	// service account of {group} the Owner creates and makes a Reporter of
	// {project}; it needs the "service-accounts" setting). Everything is
	// revoked or deleted when the run ends.
	Setup []string
	// Needs names instance settings a real instance must declare (in
	// GITLAB_CONTRACT_SETTINGS, comma-separated) for the row to run; the
	// stand-in is configured to match.
	Needs []string
	// Creates marks a row that may create a token, revoked afterwards.
	Creates bool

	Status int
	// Message is the exact "message" (or "error") of the JSON body, when set.
	Message string
	// Contains must appear in the body, when set.
	Contains string
	// Fields must all be keys of the answer (of its first element, for a list).
	Fields []string
}

// Date returns today plus days as YYYY-MM-DD, for bodies.
func Date(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }

// body is a create request body for a project token.
func body(level int, scopes string, days int) string {
	return fmt.Sprintf(`{"name":"contract %d","scopes":[%s],"access_level":%d,"expires_at":%q}`, time.Now().UnixNano(), scopes, level, Date(days))
}

// Rows is the contract. Rows run in order; each creates what it needs.
func Rows() []Row {
	const (
		rat = "lib/api/resource_access_tokens.rb"
		pat = "lib/api/personal_access_tokens.rb"
	)
	create := "projects/{project}/access_tokens"
	return []Row{
		{Name: "no credential", Source: "lib/api/api_guard.rb", As: Nobody, Method: "GET", Path: "user",
			Status: 401, Message: "401 Unauthorized"},
		{Name: "an expired credential", Source: "lib/api/api_guard.rb", As: Expired, Method: "GET", Path: "user",
			Status: 401, Contains: `"error_description":"Token is expired. You can either do re-authorization or token refresh."`},
		{Name: "the credential describes itself", Source: "lib/api/personal_access_tokens/self_information.rb", As: ReadOnly, Method: "GET",
			Path: "personal_access_tokens/self", Status: 200, Fields: []string{"id", "name", "scopes", "expires_at", "active", "revoked", "user_id"}},
		{Name: "a read_api credential cannot create", Source: "lib/api/api_guard.rb", As: ReadOnly, Method: "POST", Path: create,
			Body: body(20, `"read_api"`, 30), Status: 403, Contains: `"error":"insufficient_scope"`},
		{Name: "a Maintainer lists the project's tokens", Source: rat, As: Maintainer, Method: "GET", Path: create + "?state=active",
			Setup: []string{"token"}, Status: 200, Fields: []string{"id", "name", "scopes", "active", "revoked", "expires_at", "access_level"}},
		{Name: "a Developer may not list them: 401, not 403", Source: rat + " (unauthorized! unless can?(:read_resource_access_tokens))",
			As: Developer, Method: "GET", Path: create, Status: 401, Message: "401 Unauthorized"},
		{Name: "the list's filters are validated before the rights check", Source: rat + " (use :access_token_params: state values active, inactive)",
			As: Developer, Method: "GET", Path: create + "?state=all", Status: 400, Message: "state does not have a valid value"},
		{Name: "a Developer may not create", Source: "app/services/resource_access_tokens/create_service.rb", As: Developer, Method: "POST",
			Path: create, Body: body(20, `"read_api"`, 30), Status: 400, Message: "400 Bad request - User does not have permission to create project access token"},
		{Name: "a Maintainer creates a read_api Reporter token", Source: rat, As: Maintainer, Method: "POST", Path: create,
			Body: body(20, `"read_api"`, 30), Creates: true, Status: 201, Fields: []string{"id", "token", "access_level", "scopes", "expires_at"}},
		{Name: "a Maintainer may not grant Owner", Source: "app/services/resource_access_tokens/create_service.rb (level_encompasses?)",
			Since: "17.0", As: Maintainer, Method: "POST", Path: create, Body: body(50, `"read_api"`, 30),
			Status: 400, Message: "400 Bad request - Access level of the token contains permissions not held by the creating user"},
		{Name: "a Maintainer may not grant Planner", Source: "spec/support/helpers/roles_helpers.rb (maintainer: no planner)",
			Since: "17.7", As: Maintainer, Method: "POST", Path: create, Body: body(15, `"read_api"`, 30),
			Status: 400, Message: "400 Bad request - Access level of the token contains permissions not held by the creating user"},
		{Name: "an Owner may grant Planner", Source: "spec/support/helpers/roles_helpers.rb", Since: "17.7", As: Owner, Method: "POST",
			Path: "groups/{group}/access_tokens", Body: body(15, `"read_api"`, 30), Creates: true, Status: 201, Fields: []string{"token"}},
		{Name: "an expiry past the maximum names the last date", Source: "app/models/personal_access_token.rb", Since: "17.0",
			As: Maintainer, Method: "POST", Path: create, Body: body(20, `"read_api"`, 366), Status: 400, Contains: "must be before " + Date(365)},
		{Name: "today plus 365 days is accepted", Source: "app/models/personal_access_token.rb (expires_at > max)", As: Maintainer,
			Method: "POST", Path: create, Body: body(20, `"read_api"`, 365), Creates: true, Status: 201, Fields: []string{"token"}},
		{Name: "an unknown scope", Source: rat + " (values: resource_bot_scopes)", As: Maintainer, Method: "POST", Path: create,
			Body: body(20, `"read_user"`, 30), Status: 400, Message: "scopes does not have a valid value"},
		{Name: "parameters are checked before the project is looked up", Source: rat + " (Grape params)", As: Maintainer, Method: "POST",
			Path: "projects/no%2Fsuch-project-anywhere/access_tokens", Body: body(20, `"not_a_scope"`, 30), Status: 400, Message: "scopes does not have a valid value"},
		{Name: "self_rotate is unknown before 17.9", Source: "lib/gitlab/auth.rb", Until: "17.9", As: Maintainer, Method: "POST",
			Path: create, Body: body(20, `"self_rotate"`, 30), Status: 400, Message: "scopes does not have a valid value"},
		{Name: "observability scopes are accepted", Source: "lib/gitlab/auth.rb (OBSERVABILITY_SCOPES in resource_bot_scopes)", Since: "17.0",
			As: Maintainer, Method: "POST", Path: create, Body: body(20, `"read_observability"`, 30), Creates: true, Status: 201, Fields: []string{"token"}},
		{Name: "registry scopes need the container registry", Source: "lib/gitlab/auth.rb (registry_scopes)", Needs: []string{"registry-off"},
			As: Maintainer, Method: "POST", Path: create, Body: body(20, `"read_registry"`, 30), Status: 400, Message: "scopes does not have a valid value"},
		{Name: "an instance maximum of 90 days", Source: "ee/app/models/ee/personal_access_token.rb", Needs: []string{"max-lifetime-90"},
			As: Maintainer, Method: "POST", Path: create, Body: body(20, `"read_api"`, 120), Status: 400, Contains: "must be before " + Date(90)},
		{Name: "an unknown token id", Source: rat + " (not_found!(\"#{source_type} Access Token\"))", Since: "17.0", As: Maintainer,
			Method: "GET", Path: create + "/999999999", Status: 404, Contains: "Not Found"},
		{Name: "revoking without rights names both users", Source: "app/services/resource_access_tokens/revoke_service.rb", As: Developer,
			Method: "DELETE", Path: create + "/{token}", Setup: []string{"token"}, Status: 400, Contains: "cannot delete"},
		{Name: "rotating without rights: 401", Source: rat + " (rotate: unauthorized! for non-admins)", As: Developer, Method: "POST",
			Path: create + "/{token}/rotate", Setup: []string{"token"}, Status: 401, Message: "401 Unauthorized"},
		{Name: "rotating with an invalid expires_at: 400 before the rights check", Source: rat + " (rotate: optional :expires_at, type: Date; Grape validates before the endpoint)",
			As: Developer, Method: "POST", Path: create + "/{token}/rotate", Body: `{"expires_at":"not-a-date"}`, Setup: []string{"token"},
			Status: 400, Message: "expires_at is invalid"},
		{Name: "rotating a revoked token", Source: "app/services/personal_access_tokens/rotate_service.rb", As: Maintainer, Method: "POST",
			Path: create + "/{revoked}/rotate", Body: fmt.Sprintf(`{"expires_at":%q}`, Date(30)), Setup: []string{"revoked"},
			Status: 400, Message: "400 Bad request - Token already revoked"},
		{Name: "a group member below Owner may not create group tokens", Source: "app/policies/group_policy.rb (admin_group: Owner)", As: Maintainer,
			Method: "POST", Path: "groups/{group}/access_tokens", Body: body(20, `"read_api"`, 30), Status: 400,
			Message: "400 Bad request - User does not have permission to create group access token"},
		{Name: "another user's personal token cannot be read", Source: pat + " (unauthorized! for non-admins)", As: Maintainer, Method: "GET",
			Path: "personal_access_tokens/{other_pat}", Status: 401, Message: "401 Unauthorized"},
		{Name: "another user's personal token cannot be revoked", Source: pat + " (revoke service: Not permitted to revoke)", As: Maintainer,
			Method: "DELETE", Path: "personal_access_tokens/{other_pat}", Status: 400, Contains: "400 Bad request"},
		{Name: "another user's personal token cannot be rotated", Source: pat + " (rotate: manage_user_personal_access_token, else unauthorized! for non-admins)",
			As: Maintainer, Method: "POST", Path: "personal_access_tokens/{other_pat}/rotate", Body: fmt.Sprintf(`{"expires_at":%q}`, Date(30)),
			Status: 401, Message: "401 Unauthorized"},
		{Name: "an unknown personal token id: 401 to a user", Source: pat + " (rotate: only admins learn a token does not exist)",
			As: Maintainer, Method: "POST", Path: "personal_access_tokens/999999999/rotate", Body: fmt.Sprintf(`{"expires_at":%q}`, Date(30)),
			Status: 401, Message: "401 Unauthorized"},
		{Name: "rotating a personal token with an invalid expires_at: 400 first", Source: pat + " (rotate: optional :expires_at, type: Date)",
			As: Maintainer, Method: "POST", Path: "personal_access_tokens/{other_pat}/rotate", Body: `{"expires_at":"not-a-date"}`,
			Status: 400, Message: "expires_at is invalid"},
		{Name: "the admin endpoint answers model errors 422, unprefixed", Source: "lib/api/users.rb (render_api_error!)", Since: "17.0", As: Admin,
			Method: "POST", Path: "users/{user}/personal_access_tokens", Body: fmt.Sprintf(`{"name":"contract","scopes":["read_api"],"expires_at":%q}`, Date(366)),
			Status: 422, Message: "Expiration date must be before " + Date(365)},
		{Name: "an Owner creates a service account", Source: "lib/api/group_service_accounts.rb", Since: "16.10", Needs: []string{"service-accounts"},
			As: Owner, Method: "POST", Path: "groups/{group}/service_accounts", Body: fmt.Sprintf(`{"name":"contract bot","username":"contract-bot-%d"}`, time.Now().UnixNano()),
			Creates: true, Status: 201, Fields: []string{"id", "username", "name", "email"}},
		{Name: "a username already taken", Source: "app/services/users/service_accounts/create_service.rb", Since: "16.10", Needs: []string{"service-accounts"},
			As: Owner, Method: "POST", Path: "groups/{group}/service_accounts", Body: `{"name":"taken","username":"root"}`, Status: 400, Contains: "has already been taken"},
		{Name: "below Owner, no service accounts", Source: "lib/api/group_service_accounts.rb (authorize! :admin_service_accounts)", Needs: []string{"service-accounts"},
			As: Maintainer, Method: "POST", Path: "groups/{group}/service_accounts", Body: `{"name":"nope","username":"contract-nope"}`, Status: 403, Message: "403 Forbidden"},
		{Name: "below Owner, the service accounts are not listed", Source: "lib/api/group_service_accounts.rb (before: authorize! :admin_service_accounts)", Since: "17.1",
			Needs: []string{"service-accounts"}, As: Maintainer, Method: "GET", Path: "groups/{group}/service_accounts", Status: 403, Message: "403 Forbidden"},
		{Name: "service accounts listed in an unknown order", Source: "lib/api/group_service_accounts.rb (order_by values: id, username)", Since: "17.1",
			Needs: []string{"service-accounts"}, As: Owner, Method: "GET", Path: "groups/{group}/service_accounts?order_by=name",
			Status: 400, Message: "order_by does not have a valid value"},
		{Name: "a member already there: 409", Source: "lib/api/helpers/members_helpers.rb (conflict!)", Needs: []string{"service-accounts"},
			As: Owner, Method: "POST", Path: "projects/{project}/members", Body: `{"user_id":{account},"access_level":20}`, Setup: []string{"account"},
			Status: 409, Message: "Member already exists"},
		{Name: "the instance settings are for administrators", Source: "lib/api/settings.rb (authenticated_as_admin!)", As: Maintainer,
			Method: "GET", Path: "application/settings", Status: 403, Message: "403 Forbidden"},
	}
}
