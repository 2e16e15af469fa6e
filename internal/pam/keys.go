package pam

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// NewKey is a just-created API key with its secret, shown this once; only its hash is stored.
type NewKey struct {
	store.OPAKey
	Secret string
}

// CreateKey gives a service user a new API key. (The spec calls the operation "rotate"; OPA
// answers it with one new key and keeps the others, as keyward does.)
func (s *Service) CreateKey(ctx context.Context, teamID, userName string) (NewKey, error) {
	u, err := s.ServiceUser(ctx, teamID, userName)
	if err != nil {
		return NewKey{}, err
	}
	k := newKey(teamID, u.ID, "", "", s.Clock.Now())
	return k, s.Store.CreateOPAKey(ctx, k.OPAKey)
}

// newKey makes a key for a user: with the given id and secret, or generated ones when empty.
func newKey(teamID, userID, id, secret string, now time.Time) NewKey {
	if id == "" {
		id, secret = newID(), ids.Secret()
	}
	return NewKey{OPAKey: store.OPAKey{ID: id, TeamID: teamID, UserID: userID, SecretHash: ids.Hash(secret), IssuedAt: now}, Secret: secret}
}

// ListKeys pages a service user's keys by id.
func (s *Service) ListKeys(ctx context.Context, teamID, userName string, p store.Page) ([]store.OPAKey, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	u, err := s.ServiceUser(ctx, teamID, userName)
	if err != nil {
		return nil, err
	}
	p.OrderByID, p.Contains = true, ""
	return s.Store.ListOPAKeys(ctx, teamID, u.ID, p)
}

// DeleteKey removes a service user's key; tokens minted from it stop working at once.
func (s *Service) DeleteKey(ctx context.Context, teamID, userName, keyID string) error {
	u, err := s.ServiceUser(ctx, teamID, userName)
	if err != nil {
		return err
	}
	if !storable(keyID) {
		return fault.Missing(keyID, "ServiceUserKey")
	}
	err = s.Store.DeleteOPAKey(ctx, teamID, u.ID, keyID)
	if errors.Is(err, store.ErrNotFound) {
		return fault.Missing(keyID, "ServiceUserKey")
	}
	return err
}
