package store

import (
	"context"
	"time"
)

// Orgs are Okta organisations: the owners of pools, tokens and service apps.
type Orgs interface {
	CreateOrg(ctx context.Context, o Org) error
	GetOrg(ctx context.Context, id string) (Org, error)
	CountOrgs(ctx context.Context) (int, error)
	// FirstOrg is the org created first: the one bootstrap made.
	FirstOrg(ctx context.Context) (Org, error)
}

// Credentials are API tokens, service apps, the OAuth signing key and agent registration tokens.
type Credentials interface {
	CreateAPIToken(ctx context.Context, t APIToken) error
	GetAPITokenByHash(ctx context.Context, hash string) (APIToken, error)
	CreateServiceApp(ctx context.Context, a ServiceApp) error
	GetServiceApp(ctx context.Context, clientID string) (ServiceApp, error)
	// ListServiceApps returns an org's service apps, by name.
	ListServiceApps(ctx context.Context, orgID string) ([]ServiceApp, error)
	// UseAssertionID records a client assertion's jti; it returns ErrConflict if it was used before.
	UseAssertionID(ctx context.Context, clientID, jti string, now, expires time.Time) error
	// GetSigningKey returns the stored signing key; ErrNotFound before the first is stored.
	GetSigningKey(ctx context.Context) (SigningKey, error)
	// EnsureSigningKey stores k unless a key exists already, and returns the stored key.
	EnsureSigningKey(ctx context.Context, k SigningKey) (SigningKey, error)
	CreateRegistrationToken(ctx context.Context, t RegistrationToken) error
	GetRegistrationTokenByHash(ctx context.Context, hash string) (RegistrationToken, error)
}

// Org is an Okta organisation.
type Org struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// APIToken is an SSWS token; only its hash is kept. Admin tokens may also use /keyward/v1.
type APIToken struct {
	ID        string
	OrgID     string
	Name      string
	Hash      string
	Admin     bool
	CreatedAt time.Time
}

// ServiceApp is an OAuth 2.0 service app using private_key_jwt.
type ServiceApp struct {
	ClientID  string
	OrgID     string
	Name      string
	Scopes    []string
	JWKS      []byte // public keys, JSON
	CreatedAt time.Time
}

// SigningKey is the key access tokens are signed with, sealed with the server's secret key.
type SigningKey struct {
	ID        string
	Sealed    []byte
	CreatedAt time.Time
}

// RegistrationToken lets agents register into one pool.
type RegistrationToken struct {
	ID        string
	OrgID     string
	PoolID    string
	Hash      string
	CreatedAt time.Time
}
