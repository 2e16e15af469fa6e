// Package ids makes Okta-style identifiers and random secrets.
//
// Okta ids are a three-character prefix naming the kind of object followed by random base62
// characters (pools "0oa…", agents "a53…", update jobs "ajd…"). Secrets are 32 random bytes,
// base64url-encoded; only their SHA-256 hash is ever stored.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Prefixes of the kinds of object keyward names.
const (
	Pool       = "0oa"
	Agent      = "a53"
	UpdateJob  = "ajd"
	Token      = "00T"
	RegToken   = "rgt"
	ServiceApp = "0oa"
	Org        = "00o"
	Team       = "tm1"
	Error      = "oae"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// New returns prefix followed by 17 random base62 characters (20 characters, as Okta's ids).
func New(prefix string) string {
	b := make([]byte, 17)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

// Secret returns a new random secret (256 bits, base64url without padding).
func Secret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the hex SHA-256 of a secret. Secrets are random and long, so a fast hash is enough
// to make a stolen database useless for authentication.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
