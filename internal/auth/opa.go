package auth

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// OPA's roles, as the spec's x-okta-opa-roles name them (package pam defines them).
const (
	RolePAMAdmin               = pam.RolePAMAdmin
	RoleResourceAdmin          = pam.RoleResourceAdmin
	RoleSecurityAdmin          = pam.RoleSecurityAdmin
	RoleDelegatedResourceAdmin = pam.RoleDelegatedResourceAdmin
	RoleDelegatedSecurityAdmin = pam.RoleDelegatedSecurityAdmin
	RoleEndUser                = pam.RoleEndUser
)

// Roles lists every OPA role.
var Roles = []string{RolePAMAdmin, RoleResourceAdmin, RoleSecurityAdmin, RoleDelegatedResourceAdmin,
	RoleDelegatedSecurityAdmin, RoleEndUser}

// ServiceToken is a minted OPA bearer token.
type ServiceToken = pam.ServiceToken

// IssueServiceToken exchanges a service user's API key for a bearer token valid for ttl, for the
// named team only, by package pam's rules (the key's user must be active); a refused credential
// is ErrInvalid.
func (s *Service) IssueServiceToken(ctx context.Context, teamName, keyID, keySecret string, now time.Time, ttl time.Duration) (ServiceToken, error) {
	t, err := (&pam.Service{Store: s.Store}).IssueServiceToken(ctx, teamName, keyID, keySecret, now, ttl)
	if f, ok := fault.As(err); ok && f.Kind == fault.Unauthorized {
		return t, ErrInvalid
	}
	return t, err
}

// OPACredential is an authenticated OPA bearer token: whose it is and of which team.
type OPACredential struct {
	TeamID    string
	Principal string             // the service user the token speaks for, or the human user's id
	UserID    string             // the user behind the token; "" for a key from before keys had users
	Token     store.ServiceToken // the service token; zero for a human user's token
	Caller    store.OPACaller    // the token's holder and its groups, as the store read them
}

// RoleSource says which OPA roles a credential's principal holds now. Roles are resolved at each
// request, so that a change (a key's roles, group membership) applies to the next one.
type RoleSource interface {
	Roles(ctx context.Context, c OPACredential) ([]string, error)
}

// TokenRoles is the RoleSource of service tokens: the roles stored with the token, copied from
// its key when it was minted. A human user's token carries none.
type TokenRoles struct{}

// Roles returns the token's stored roles.
func (TokenRoles) Roles(_ context.Context, c OPACredential) ([]string, error) {
	return c.Token.Roles, nil
}

// OPA authenticates "Authorization: Bearer <token>" on /v1/teams/{teamName}: a service token of
// that team, unexpired at now, whose key still exists, or a human user's token (package pam's
// MintUserToken) of an active user of that team. A token of another team is invalid here. The
// token, its key, its user and the user's groups are read in one statement; the principal
// carries its roles and groups (Principal.Access) for the rest of the request.
func (s *Service) OPA(ctx context.Context, header, teamName string, now time.Time) (*Principal, error) {
	cred, err := bearer(header)
	if err != nil || !limits.Storable(teamName) {
		return nil, ErrInvalid
	}
	caller, err := s.Store.GetOPACaller(ctx, teamName, ids.Hash(cred), now)
	if err != nil {
		return nil, lookupErr(err)
	}
	c := OPACredential{TeamID: caller.TeamID, Principal: caller.UserID, UserID: caller.UserID, Caller: caller}
	if caller.Service {
		c.Principal = caller.UserName
		c.Token = store.ServiceToken{Hash: ids.Hash(cred), TeamID: caller.TeamID, KeyID: caller.KeyID, Roles: caller.TokenRoles}
	} else if caller.UserStatus != store.UserActive {
		return nil, ErrInvalid // a human user's token works only while the user is active
	}
	var source RoleSource = TokenRoles{}
	if s.RoleSource != nil {
		source = s.RoleSource
	}
	roles, err := source.Roles(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Principal{Kind: KindOPA, TeamID: caller.TeamID, Actor: c.Principal, User: c.UserID, Roles: roles,
		Access: pam.CallerAccess(caller, roles)}, nil
}
