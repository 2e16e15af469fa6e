package oauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// KeyBits is the size of keys made by GenerateKey and the minimum size
// NewSigner accepts.
const KeyBits = 2048

// Signer holds the server's RSA signing key. Tokens are signed RS256 and
// carry the key's RFC 7638 thumbprint as kid.
type Signer struct {
	key    *rsa.PrivateKey
	kid    string
	signer jose.Signer
}

// NewSigner returns a Signer for key, which must be an RSA key of at least
// KeyBits bits.
func NewSigner(key *rsa.PrivateKey) (*Signer, error) {
	if key == nil {
		return nil, errors.New("oauth: nil signing key")
	}
	if err := key.Validate(); err != nil {
		return nil, fmt.Errorf("oauth: invalid signing key: %w", err)
	}
	if key.N.BitLen() < KeyBits {
		return nil, fmt.Errorf("oauth: signing key has %d bits, want at least %d", key.N.BitLen(), KeyBits)
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("oauth: key thumbprint: %w", err)
	}
	kid := base64.RawURLEncoding.EncodeToString(tp)
	opts := (&jose.SignerOptions{}).WithHeader(jose.HeaderKey("kid"), kid)
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		return nil, fmt.Errorf("oauth: signer: %w", err)
	}
	return &Signer{key: key, kid: kid, signer: sig}, nil
}

// KeyID returns the kid of the signing key.
func (s *Signer) KeyID() string { return s.kid }

// JWKS returns the public signing key as a JSON Web Key Set, as served at
// GET /oauth2/v1/keys.
func (s *Signer) JWKS() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key:       &s.key.PublicKey,
		KeyID:     s.kid,
		Algorithm: string(jose.RS256),
		Use:       "sig",
	}}}
}

// GenerateKey makes a new KeyBits-bit RSA key.
func GenerateKey() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, KeyBits)
}

// MarshalKey encodes key as a PKCS#8 "PRIVATE KEY" PEM block.
func MarshalKey(key *rsa.PrivateKey) ([]byte, error) {
	if key == nil {
		return nil, errors.New("oauth: nil key")
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("oauth: marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseKey decodes an RSA private key from a PKCS#8 "PRIVATE KEY" PEM block
// (a PKCS#1 "RSA PRIVATE KEY" block is accepted too).
func ParseKey(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("oauth: no PEM block in key data")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("oauth: parse key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("oauth: key is %T, not RSA", k)
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("oauth: parse key: %w", err)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("oauth: unexpected PEM block %q", block.Type)
	}
}
