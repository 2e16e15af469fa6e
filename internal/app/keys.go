package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/oauth"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

// secretBox loads the server's secret key (creating keyward.key in the data dir on first start
// unless one is configured): it seals stored secrets and derives the keys of signed values.
func secretBox(cfg config.Config) (*secret.Box, []byte, error) {
	raw, err := secret.LoadKey(cfg.SecretKey, filepath.Join(cfg.DataDir, "keyward.key"))
	if err != nil {
		return nil, nil, err
	}
	box, err := secret.New(raw)
	return box, raw, err
}

// derivedKey is a key for one purpose derived from the server's secret key, so every process
// sharing the secret key derives the same one.
func derivedKey(raw []byte, purpose string) []byte {
	m := hmac.New(sha256.New, raw)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// signer loads the OAuth signing key, creating it on first start. Every process sharing the
// database uses the one key stored there, sealed under the server's secret key. A key is
// generated (an RSA key: tens of milliseconds) only when none is stored; processes starting
// together on an empty database each offer one, and all keep the first stored.
func signer(ctx context.Context, s store.Credentials, cfg config.Config, box *secret.Box, now time.Time) (*oauth.Signer, error) {
	keyFile := filepath.Join(cfg.DataDir, "keyward.key")
	stored, err := s.GetSigningKey(ctx)
	if errors.Is(err, store.ErrNotFound) {
		stored, err = newSigningKey(ctx, s, box, now)
	}
	if err != nil {
		return nil, err
	}
	plain, err := box.Open(stored.Sealed)
	if errors.Is(err, secret.ErrOpen) {
		return nil, fmt.Errorf("the stored signing key was sealed with another secret key: start every instance with the same KEYWARD_SECRET_KEY (or the same %s)", keyFile)
	}
	if err != nil {
		return nil, err
	}
	key, err := oauth.ParseKey(plain)
	if err != nil {
		return nil, err
	}
	return oauth.NewSigner(key)
}

// newSigningKey generates a key and stores it unless another process stored one first; it
// returns the stored key.
func newSigningKey(ctx context.Context, s store.Credentials, box *secret.Box, now time.Time) (store.SigningKey, error) {
	candidate, err := oauth.GenerateKey()
	if err != nil {
		return store.SigningKey{}, err
	}
	pem, err := oauth.MarshalKey(candidate)
	if err != nil {
		return store.SigningKey{}, err
	}
	return s.EnsureSigningKey(ctx, store.SigningKey{ID: ids.New("kid"), Sealed: box.Seal(pem), CreatedAt: now})
}

// storeReplay remembers client assertion ids in the database, so a replay is caught whichever
// process receives it.
type storeReplay struct {
	store store.Credentials
	now   func() time.Time
}

func (r storeReplay) Seen(ctx context.Context, clientID, jti string, expires time.Time) (bool, error) {
	err := r.store.UseAssertionID(ctx, clientID, jti, r.now(), expires)
	if errors.Is(err, store.ErrConflict) {
		return true, nil
	}
	return false, err
}

// lookupClient returns a service app as an OAuth client.
func lookupClient(s store.Credentials) func(ctx context.Context, clientID string) (oauth.Client, error) {
	return func(ctx context.Context, clientID string) (oauth.Client, error) {
		app, err := s.GetServiceApp(ctx, clientID)
		if errors.Is(err, store.ErrNotFound) {
			return oauth.Client{}, fmt.Errorf("%w: %s", oauth.ErrUnknownClient, clientID)
		}
		if err != nil {
			return oauth.Client{}, err
		}
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(app.JWKS, &set); err != nil {
			return oauth.Client{}, fmt.Errorf("service app %s: stored keys: %w", clientID, err)
		}
		return oauth.Client{ID: app.ClientID, Scopes: app.Scopes, JWKS: set}, nil
	}
}

// accessVerifier adapts the issuer to what package auth needs.
type accessVerifier struct{ issuer *oauth.Issuer }

func (v accessVerifier) VerifyAccess(token string) (string, []string, error) {
	c, err := v.issuer.Verify(token)
	return c.ClientID, c.Scopes, err
}
