package store

import (
	"context"
	"time"
)

// Teams are OPA teams and their service users' API keys.
type Teams interface {
	CreateTeam(ctx context.Context, t Team) error
	GetTeamByName(ctx context.Context, name string) (Team, error)
	// ListTeams returns every team, by name.
	ListTeams(ctx context.Context) ([]Team, error)
	CreateServiceUserKey(ctx context.Context, k ServiceUserKey) error
	GetServiceUserKey(ctx context.Context, teamID, keyID string) (ServiceUserKey, error)
	// CreateServiceToken stores a bearer token and forgets tokens expired at t.CreatedAt.
	CreateServiceToken(ctx context.Context, t ServiceToken) error
	// GetServiceToken returns an unexpired token by hash.
	GetServiceToken(ctx context.Context, hash string, now time.Time) (ServiceToken, error)
	// GetOPACaller resolves a bearer token's hash presented to the named team, in one statement:
	// an unexpired service token of that team whose key still exists (first), else an unexpired
	// user token of that team; with the user behind it and that user's groups. ErrNotFound when
	// neither matches.
	GetOPACaller(ctx context.Context, teamName, hash string, now time.Time) (OPACaller, error)
}

// OPACaller is who holds a bearer token presented to a team, as GetOPACaller reads it.
type OPACaller struct {
	TeamID     string
	Service    bool     // a service token; false for a human user's token
	KeyID      string   // the service token's key
	TokenRoles []string // the roles stored with the service token
	UserName   string   // the key's user name
	UserID     string   // the user behind the token; "" for a key from before keys had users
	UserStatus string   // the user's status; "" when there is no such user
	Groups     []OPACallerGroup
}

// OPACallerGroup is one of a caller's groups: its roles, and whether it is an owner group
// (delegated_resource_admin_groups) or a delegated security admin group of any resource group.
type OPACallerGroup struct {
	ID      string
	Roles   []string
	Owns    bool
	Secures bool
}

// Team is an OPA team.
type Team struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// ServiceUserKey is an OPA service user's API key; only the secret's hash is kept.
type ServiceUserKey struct {
	ID         string // the key_id clients send
	TeamID     string
	UserName   string
	UserID     string // "" for a key stored before keys had users
	SecretHash string
	Roles      []string
	CreatedAt  time.Time
}

// ServiceToken is an OPA bearer token minted from a service user key; only its hash is kept.
type ServiceToken struct {
	Hash      string
	TeamID    string
	KeyID     string
	Roles     []string
	CreatedAt time.Time
	ExpiresAt time.Time
}
