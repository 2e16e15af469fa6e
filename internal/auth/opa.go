package auth

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// ServiceToken is a minted OPA bearer token.
type ServiceToken struct {
	Token     string
	ExpiresAt time.Time
	TeamName  string
}

// IssueServiceToken exchanges a service user's API key for a bearer token valid for ttl, for the
// named team only.
func (s *Service) IssueServiceToken(ctx context.Context, teamName, keyID, keySecret string, now time.Time, ttl time.Duration) (ServiceToken, error) {
	if strings.ContainsRune(teamName+keyID, 0) {
		return ServiceToken{}, ErrInvalid // no team or key can be named so (PostgreSQL refuses NUL)
	}
	team, err := s.Store.GetTeamByName(ctx, teamName)
	if err != nil {
		return ServiceToken{}, lookupErr(err)
	}
	key, err := s.Store.GetServiceUserKey(ctx, team.ID, keyID)
	if err != nil {
		return ServiceToken{}, lookupErr(err)
	}
	if subtle.ConstantTimeCompare([]byte(key.SecretHash), []byte(ids.Hash(keySecret))) != 1 {
		return ServiceToken{}, ErrInvalid
	}
	secret := ids.Secret()
	t := store.ServiceToken{Hash: ids.Hash(secret), TeamID: team.ID, KeyID: key.ID, Roles: key.Roles,
		CreatedAt: now, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	if err := s.Store.CreateServiceToken(ctx, t); err != nil {
		return ServiceToken{}, err
	}
	return ServiceToken{Token: secret, ExpiresAt: t.ExpiresAt, TeamName: team.Name}, nil
}
