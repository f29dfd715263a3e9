package fake

// The instance's settings that change what GitLab accepts: the token
// lifetime rule, the features whose scopes exist, the settings that forbid
// project and group tokens, and custom roles. Defaults are GitLab's.

import (
	"strings"
	"time"
)

// lifetime is the instance's token lifetime rule (personal_access_token.rb).
type lifetime struct {
	// max is the maximum lifetime in days: 0 is GitLab's 365 (400 with
	// buffered, the buffered_token_expiration_limit flag of 17.5+), or an
	// Ultimate max_personal_access_token_lifetime.
	max      int
	buffered bool
	// notRequired: require_personal_access_token_expiry is off, so tokens
	// may have no expiry and no maximum applies.
	notRequired bool
	// zone is the instance's time zone (gitlab.time_zone): Date.current.
	zone *time.Location
}

func (l lifetime) expiryRequired() bool { return !l.notRequired }

func (l lifetime) maxDays() int {
	switch {
	case l.max > 0:
		return l.max
	case l.buffered:
		return 400
	}
	return 365
}

// features are the instance's switches that remove scopes from GitLab's list.
type features struct {
	noRegistry        bool // gitlab.yml registry.enabled false: no read/write_registry
	noDependencyProxy bool // dependency_proxy.enabled false: no *_virtual_registry
	// patsDisabled: personal access tokens disabled on the instance (EE),
	// which also refuses project and group tokens.
	patsDisabled bool
	// noOwnerServiceAccounts: self-managed without
	// allow_top_level_group_owners_to_create_service_accounts: only
	// administrators create service accounts.
	noOwnerServiceAccounts bool
}

// today is Date.current: the date in the instance's time zone.
func (s *Server) today() time.Time {
	loc := s.life.zone
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := s.now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SetLifetime sets the instance's token lifetime rule: a maximum in days
// (0: GitLab's 365; an Ultimate policy otherwise), the 400-day buffered
// limit, or no required expiry at all.
func (s *Server) SetLifetime(maxDays int, buffered, notRequired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.life.max, s.life.buffered, s.life.notRequired = maxDays, buffered, notRequired
}

// SetTimeZone sets the instance's time zone, which decides its "today".
func (s *Server) SetTimeZone(loc *time.Location) { s.mu.Lock(); s.life.zone = loc; s.mu.Unlock() }

// SetFeatures switches the container registry and the dependency proxy
// (their scopes exist only when on) and personal access tokens (off refuses
// every token).
func (s *Server) SetFeatures(registry, dependencyProxy, personalTokens bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.features = features{noRegistry: !registry, noDependencyProxy: !dependencyProxy, patsDisabled: !personalTokens}
}

// ForbidResourceTokens sets the top-level group's "Users can create project
// access tokens and group access tokens in this group" to off
// (resource_access_token_creation_allowed false): GitLab then refuses them
// everywhere under it with the generic permission message.
func (s *Server) ForbidResourceTokens(groupPath string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.findGroup(groupPath); g != nil {
		g.NoResourceTokens = true
	}
}

// tokensAllowed applies the settings that forbid project and group tokens:
// the root group's, and personal access tokens disabled; s.mu is held.
func (s *Server) tokensAllowed(res *resource) bool {
	if s.features.patsDisabled {
		return false
	}
	root := s.groups[s.rootGroup(s.resourceGroup(res))]
	return root == nil || !root.NoResourceTokens
}

// SetCustomTokenManager gives user uid a custom role (Ultimate) on a project
// or group (resource "project:100", "group:10") that allows managing its
// access tokens (manage_project_access_tokens / manage_group_access_tokens)
// on top of their base role, which bounds the roles they may grant.
func (s *Server) SetCustomTokenManager(resource string, uid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, id, _ := strings.Cut(resource, ":")
	n := atoiOrZero(id)
	switch kind {
	case "project":
		if p := s.projects[n]; p != nil {
			if p.CustomManagers == nil {
				p.CustomManagers = map[int]bool{}
			}
			p.CustomManagers[uid] = true
		}
	case "group":
		if g := s.groups[n]; g != nil {
			if g.CustomManagers == nil {
				g.CustomManagers = map[int]bool{}
			}
			g.CustomManagers[uid] = true
		}
	}
}

// getSettings is GET /application/settings (settings.rb: administrators
// only), with the fields the lifetime rule is read from.
func (s *Server) getSettings(c *ctx) {
	if !c.user.Admin {
		c.message(403, "403 Forbidden")
		return
	}
	m := map[string]any{"require_personal_access_token_expiry": s.life.expiryRequired(), "max_personal_access_token_lifetime": nil}
	if s.life.max > 0 {
		m["max_personal_access_token_lifetime"] = s.life.max
	}
	c.json(200, m)
}
