package vault

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// ErrKey is an unusable public key; its text says why, for the caller's 400.
var ErrKey = errors.New("vault: unusable public key")

// minRSABits refuses RSA keys too short to protect a secret.
const minRSABits = 2048

// minRSAExponent is the smallest public exponent accepted (NIST SP 800-56B's).
const minRSAExponent = 65537

// ParsePublicKey reads a caller's public JWK and the algorithm its secrets are encrypted with.
// A private key is refused: a client must never send one.
func ParsePublicKey(raw json.RawMessage) (jose.JSONWebKey, jose.KeyAlgorithm, error) {
	var k jose.JSONWebKey
	if err := json.Unmarshal(raw, &k); err != nil {
		return k, "", fmt.Errorf("%w: %v", ErrKey, err)
	}
	if !k.IsPublic() {
		return k, "", fmt.Errorf("%w: send the public key only", ErrKey)
	}
	switch key := k.Key.(type) {
	case *rsa.PublicKey:
		if key.N.BitLen() < minRSABits {
			return k, "", fmt.Errorf("%w: RSA keys must have at least %d bits", ErrKey, minRSABits)
		}
		// A modulus or exponent no RSA key pair has would fail only when encrypting, after the
		// secret was read (and a checkout begun): refuse it here. Small exponents too.
		if key.N.Bit(0) == 0 || key.E < minRSAExponent || key.E%2 == 0 {
			return k, "", fmt.Errorf("%w: not an RSA public key (the modulus must be odd, the exponent odd and at least %d)", ErrKey, minRSAExponent)
		}
		return k, jose.RSA_OAEP_256, checkAlg(k, jose.RSA_OAEP_256)
	case *ecdsa.PublicKey:
		return k, jose.ECDH_ES, checkAlg(k, jose.ECDH_ES)
	}
	return k, "", fmt.Errorf("%w: must be an RSA or EC (P-256, P-384, P-521) key", ErrKey)
}

// checkAlg refuses a key whose own alg names another algorithm than the one its type gets.
func checkAlg(k jose.JSONWebKey, alg jose.KeyAlgorithm) error {
	if k.Algorithm != "" && k.Algorithm != string(alg) {
		return fmt.Errorf("%w: alg %s is not supported for this key; use %s", ErrKey, k.Algorithm, alg)
	}
	return nil
}

// Encrypt returns secret as a compact JWE to the public key, A256GCM-encrypted under a key
// wrapped (RSA-OAEP-256) or agreed (ECDH-ES) for it. The key's kid, if any, is in the header.
func Encrypt(to jose.JSONWebKey, alg jose.KeyAlgorithm, secret []byte) (string, error) {
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: alg, Key: to.Key, KeyID: to.KeyID}, nil)
	if err != nil {
		return "", err
	}
	obj, err := enc.Encrypt(secret)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// Decrypt opens a compact JWE made for key (a private key), accepting only the algorithms
// keyward uses.
func Decrypt(compact string, key any) ([]byte, error) {
	obj, err := jose.ParseEncryptedCompact(compact, []jose.KeyAlgorithm{jose.RSA_OAEP_256, jose.ECDH_ES},
		[]jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return nil, err
	}
	return obj.Decrypt(key)
}
