package auth

import (
	"context"
	"errors"
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
// MintUserToken) of an active user of that team. A token of another team is invalid here.
func (s *Service) OPA(ctx context.Context, header, teamName string, now time.Time) (*Principal, error) {
	cred, err := bearer(header)
	if err != nil || !limits.Storable(teamName) {
		return nil, ErrInvalid
	}
	team, err := s.Store.GetTeamByName(ctx, teamName)
	if err != nil {
		return nil, lookupErr(err)
	}
	c, err := s.opaCredential(ctx, team.ID, cred, now)
	if err != nil {
		return nil, err
	}
	var source RoleSource = TokenRoles{}
	if s.RoleSource != nil {
		source = s.RoleSource
	}
	roles, err := source.Roles(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Principal{Kind: KindOPA, TeamID: team.ID, Actor: c.Principal, User: c.UserID, Roles: roles}, nil
}

// opaCredential resolves a bearer token presented to a team: a service token first, else a
// human user's token through package pam's Caller.
func (s *Service) opaCredential(ctx context.Context, teamID, cred string, now time.Time) (OPACredential, error) {
	tok, err := s.Store.GetServiceToken(ctx, ids.Hash(cred), now)
	if errors.Is(err, store.ErrNotFound) {
		p, err := (&pam.Service{Store: s.Store}).Caller(ctx, teamID, cred, now)
		if f, ok := fault.As(err); ok && f.Kind == fault.Unauthorized {
			return OPACredential{}, ErrInvalid
		}
		return OPACredential{TeamID: p.TeamID, Principal: p.UserID, UserID: p.UserID}, err
	}
	if err != nil {
		return OPACredential{}, lookupErr(err)
	}
	if tok.TeamID != teamID {
		return OPACredential{}, ErrInvalid
	}
	key, err := s.Store.GetServiceUserKey(ctx, teamID, tok.KeyID)
	if err != nil {
		return OPACredential{}, lookupErr(err) // the key was deleted: its tokens stop working at once
	}
	return OPACredential{TeamID: teamID, Principal: key.UserName, UserID: key.UserID, Token: tok}, nil
}
