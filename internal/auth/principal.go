package auth

import (
	"errors"
	"slices"

	"github.com/keyward/keyward/internal/pam"
)

// ErrInvalid is returned for a missing, unknown, malformed or expired credential.
var ErrInvalid = errors.New("auth: invalid credential")

// Okta's agent-pool scopes.
const (
	ScopeRead   = "okta.agentPools.read"
	ScopeManage = "okta.agentPools.manage"
)

// Principal is who made a request.
type Principal struct {
	Kind   string // KindToken, KindOAuth, KindAgent, KindRegistration, KindOPA
	OrgID  string // the Okta org, for Okta credentials and agents
	TeamID string // the OPA team, for OPA credentials
	Actor  string // token id, client id, agent id or service user, for logs and events
	User   string // the OPA user id, for OPA credentials ("" for a key from before keys had users)
	Admin  bool   // may use the admin API
	Scopes []string
	Roles  []string
	Agent  string // the agent id, for agent credentials
	Pool   string // the pool a registration token admits into
	// Access is an OPA principal's roles and groups as authentication read them (package pam).
	Access *pam.Access
}

// Kinds of principal.
const (
	KindToken        = "token"
	KindOAuth        = "oauth"
	KindAgent        = "agent"
	KindRegistration = "registration"
	KindOPA          = "opa"
)

// Allows reports whether the principal may use an Okta operation needing scope. API tokens carry
// their admin's full rights; OAuth tokens need the scope, and manage implies read.
func (p *Principal) Allows(scope string) bool {
	if p.Kind == KindToken {
		return true
	}
	if p.Kind != KindOAuth {
		return false
	}
	for _, s := range p.Scopes {
		if s == scope || (scope == ScopeRead && s == ScopeManage) {
			return true
		}
	}
	return false
}

// HasAnyRole reports whether the principal holds one of roles (OPA). Delegated roles are scoped
// to resource groups by the domain; here holding one is enough.
func (p *Principal) HasAnyRole(roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}
