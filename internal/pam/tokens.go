package pam

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// ServiceToken is a minted OPA bearer token; Token is shown once and stored hashed.
type ServiceToken struct {
	Token     string
	ExpiresAt time.Time
	TeamName  string
}

// unauthorized is the one fault every refused credential gets: it tells no caller which part
// was wrong.
func unauthorized() error {
	return fault.Unauthorizedf("Authentication failed")
}

// IssueServiceToken exchanges an API key of an active service user for a bearer token valid for
// ttl, for the named team only. Several tokens of one key live at once.
func (s *Service) IssueServiceToken(ctx context.Context, teamName, keyID, keySecret string, now time.Time, ttl time.Duration) (ServiceToken, error) {
	if !storable(teamName) || !storable(keyID) {
		return ServiceToken{}, unauthorized()
	}
	team, err := s.Store.GetTeamByName(ctx, teamName)
	if err != nil {
		return ServiceToken{}, refused(err)
	}
	key, err := s.Store.GetOPAKey(ctx, team.ID, keyID)
	if err != nil {
		return ServiceToken{}, refused(err)
	}
	if subtle.ConstantTimeCompare([]byte(key.SecretHash), []byte(ids.Hash(keySecret))) != 1 ||
		(!key.ExpiresAt.IsZero() && !now.Before(key.ExpiresAt)) {
		return ServiceToken{}, unauthorized()
	}
	roles, err := s.keyHolderRoles(ctx, key)
	if err != nil {
		return ServiceToken{}, err
	}
	secret := ids.Secret()
	t := store.ServiceToken{Hash: ids.Hash(secret), TeamID: team.ID, KeyID: key.ID, Roles: roles, CreatedAt: now,
		ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	if err := s.Store.CreateServiceToken(ctx, t); err != nil {
		return ServiceToken{}, err
	}
	return ServiceToken{Token: secret, ExpiresAt: t.ExpiresAt, TeamName: team.Name}, nil
}

// keyHolderRoles refuses a key whose user is not active. A key stored before keys had users
// (see AdoptLegacyKeys) has no user to check: its tokens carry the roles stored with it.
func (s *Service) keyHolderRoles(ctx context.Context, key store.OPAKey) ([]string, error) {
	if key.UserID == "" {
		legacy, err := s.Store.GetServiceUserKey(ctx, key.TeamID, key.ID)
		return legacy.Roles, refused(err)
	}
	user, err := s.Store.GetOPAUser(ctx, key.TeamID, key.UserID)
	if err != nil {
		return nil, refused(err)
	}
	if user.Status != store.UserActive {
		return nil, unauthorized()
	}
	return nil, nil
}

// Caller resolves a bearer token (a service token or a user's token) presented to a team to the
// active user behind it. Another team's token, an expired one, one of a deleted key or of a user
// no longer active is refused with an Unauthorized fault.
func (s *Service) Caller(ctx context.Context, teamID, token string, now time.Time) (Principal, error) {
	if token == "" || !storable(token) {
		return Principal{}, unauthorized()
	}
	hash := ids.Hash(token)
	u, err := s.Store.GetOPAUserByServiceToken(ctx, hash, now)
	if errors.Is(err, store.ErrNotFound) {
		u, err = s.Store.GetOPAUserByUserToken(ctx, hash, now)
	}
	if err != nil {
		return Principal{}, refused(err)
	}
	if u.TeamID != teamID || u.Status != store.UserActive {
		return Principal{}, unauthorized()
	}
	return Principal{TeamID: u.TeamID, UserID: u.ID}, nil
}

// refused turns a failed credential lookup into Unauthorized; other errors pass.
func refused(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return unauthorized()
	}
	return err
}

// CurrentUser is GET /current_user: the caller's id and name, and its team's name.
type CurrentUser struct {
	ID       string
	Name     string
	TeamName string
}

// Me returns the calling principal as GET /current_user shows it.
func (s *Service) Me(ctx context.Context, p Principal, teamName string) (CurrentUser, error) {
	u, err := s.Store.GetOPAUser(ctx, p.TeamID, p.UserID)
	if err != nil {
		return CurrentUser{}, missing(err, p.UserID, "User")
	}
	return CurrentUser{ID: u.ID, Name: u.Name, TeamName: teamName}, nil
}
