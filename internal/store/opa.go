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
