package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// AccessTokens verifies OAuth access tokens (internal/oauth's Issuer in production).
type AccessTokens interface {
	// VerifyAccess returns the client id and scopes of a valid access token.
	VerifyAccess(token string) (clientID string, scopes []string, err error)
}

// Service authenticates credentials against the store.
type Service struct {
	Store      store.Store
	Access     AccessTokens
	RoleSource RoleSource // OPA roles; nil reads the roles stored with each service token

	tokens credentialCache // verified API tokens, see cache.go
}

// Okta authenticates an Authorization header of the Okta API: "SSWS <token>" or
// "Bearer <access token>". "SSWS<token>" without the space is accepted too: Okta's Python SDK
// sends it so, and Okta accepts it.
func (s *Service) Okta(ctx context.Context, header string) (*Principal, error) {
	if cred, ssws := sswsCredential(header); ssws {
		if cred == "" {
			return nil, ErrInvalid
		}
		return s.apiToken(ctx, cred)
	}
	if cred, err := bearer(header); err == nil {
		return s.accessToken(ctx, cred)
	}
	return nil, ErrInvalid
}

// sswsCredential is the token of an "SSWS <token>" (or "SSWS<token>") header, and whether the
// header has that scheme; the token is "" when the scheme stands alone.
func sswsCredential(header string) (cred string, ssws bool) {
	header = strings.TrimSpace(header)
	if len(header) <= len("ssws") || !strings.EqualFold(header[:len("ssws")], "ssws") {
		return "", false
	}
	return strings.TrimSpace(header[len("ssws"):]), true
}

func (s *Service) apiToken(ctx context.Context, secret string) (*Principal, error) {
	hash := ids.Hash(secret)
	now := time.Now()
	if p, ok := s.tokens.get(hash, now); ok {
		return &p, nil
	}
	t, err := s.Store.GetAPITokenByHash(ctx, hash)
	if err != nil {
		return nil, lookupErr(err)
	}
	p := Principal{Kind: KindToken, OrgID: t.OrgID, Actor: t.ID, Admin: t.Admin}
	s.tokens.put(hash, p, now)
	return &p, nil
}

// KnownOkta returns the principal of an Okta Authorization header when its API token was
// verified a moment ago, without reading the store; false otherwise (the caller then
// authenticates it with Okta). The router counts a known caller's request against its org's
// limit before any database work.
func (s *Service) KnownOkta(header string) (*Principal, bool) {
	cred, ssws := sswsCredential(header)
	if !ssws || cred == "" {
		return nil, false
	}
	p, ok := s.tokens.get(ids.Hash(cred), time.Now())
	if !ok {
		return nil, false
	}
	return &p, true
}

func (s *Service) accessToken(ctx context.Context, token string) (*Principal, error) {
	if s.Access == nil {
		return nil, ErrInvalid
	}
	clientID, scopes, err := s.Access.VerifyAccess(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// The app may have been removed since the token was issued.
	app, err := s.Store.GetServiceApp(ctx, clientID)
	if err != nil {
		return nil, lookupErr(err)
	}
	return &Principal{Kind: KindOAuth, OrgID: app.OrgID, Actor: clientID, Scopes: scopes}, nil
}

// Agent authenticates an agent's "Bearer <credential>".
func (s *Service) Agent(ctx context.Context, header string) (*Principal, error) {
	cred, err := bearer(header)
	if err != nil {
		return nil, err
	}
	a, err := s.Store.GetAgentByCredential(ctx, ids.Hash(cred))
	if err != nil {
		return nil, lookupErr(err)
	}
	return &Principal{Kind: KindAgent, OrgID: a.OrgID, Actor: a.ID, Agent: a.ID, Pool: a.PoolID}, nil
}

// Registration authenticates a registration token's "Bearer <token>".
func (s *Service) Registration(ctx context.Context, header string) (*Principal, error) {
	cred, err := bearer(header)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.GetRegistrationTokenByHash(ctx, ids.Hash(cred))
	if err != nil {
		return nil, lookupErr(err)
	}
	return &Principal{Kind: KindRegistration, OrgID: t.OrgID, Actor: t.ID, Pool: t.PoolID}, nil
}

func bearer(header string) (string, error) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(cred) == "" {
		return "", ErrInvalid
	}
	return strings.TrimSpace(cred), nil
}

func lookupErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalid
	}
	return err
}
