package vault

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

// Keys derives each team's vault key from one root key.
type Keys struct{ root []byte }

// NewKeys returns Keys under root (at least 32 bytes, secret).
func NewKeys(root []byte) *Keys { return &Keys{root: root} }

// kidSpace names vault key ids: a key's id is a UUID (the spec's kid pattern) of its thumbprint.
var kidSpace = uuid.MustParse("6f2b1a4e-3c1d-5e7f-9a0b-1c2d3e4f5a6b")

// TeamKey returns the team's private vault key with its key id. The scalar is HKDF output;
// the rare value that is not a valid P-256 scalar is skipped by a counter.
func (k *Keys) TeamKey(teamID string) (jose.JSONWebKey, error) {
	for i := 0; i < 16; i++ {
		raw, err := hkdf.Key(sha256.New, k.root, nil, fmt.Sprintf("keyward vault %s %d", teamID, i), 32)
		if err != nil {
			return jose.JSONWebKey{}, err
		}
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
		if err != nil {
			continue
		}
		jwk := jose.JSONWebKey{Key: priv, Use: "enc"}
		pub := jwk.Public()
		thumb, err := pub.Thumbprint(crypto.SHA256)
		if err != nil {
			return jose.JSONWebKey{}, err
		}
		jwk.KeyID = uuid.NewSHA1(kidSpace, thumb).String()
		return jwk, nil
	}
	return jose.JSONWebKey{}, fmt.Errorf("vault: no valid key for team %s", teamID)
}

// JWKS returns the team's public vault keys, as GET /vault/jwks.json publishes them.
func (k *Keys) JWKS(teamID string) (jose.JSONWebKeySet, error) {
	priv, err := k.TeamKey(teamID)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{priv.Public()}}, nil
}
