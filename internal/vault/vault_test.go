package vault

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

func publicJWK(t *testing.T, priv any, alg string) json.RawMessage {
	t.Helper()
	k := jose.JSONWebKey{Key: priv, Algorithm: alg, KeyID: "k1"}
	raw, err := json.Marshal(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestRoundTrip encrypts to each supported key type and decrypts with its private key.
func TestRoundTrip(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		priv any
		alg  string
		want jose.KeyAlgorithm
	}{
		{"RSA", rsaKey, "", jose.RSA_OAEP_256},
		{"RSA with alg", rsaKey, "RSA-OAEP-256", jose.RSA_OAEP_256},
		{"P-256", ecKey(t, elliptic.P256()), "", jose.ECDH_ES},
		{"P-384", ecKey(t, elliptic.P384()), "", jose.ECDH_ES},
		{"P-521", ecKey(t, elliptic.P521()), "ECDH-ES", jose.ECDH_ES},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pub, alg, err := ParsePublicKey(publicJWK(t, tc.priv, tc.alg))
			if err != nil || alg != tc.want {
				t.Fatalf("parse: %v %v", alg, err)
			}
			jwe, err := Encrypt(pub, alg, []byte("s3cret!"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Count(jwe, ".") != 4 || strings.Contains(jwe, "s3cret") {
				t.Fatalf("not a compact JWE: %s", jwe)
			}
			hdr, err := jose.ParseEncryptedCompact(jwe, []jose.KeyAlgorithm{tc.want}, []jose.ContentEncryption{jose.A256GCM})
			if err != nil || hdr.Header.KeyID != "k1" {
				t.Fatalf("header %+v %v", hdr, err)
			}
			got, err := Decrypt(jwe, tc.priv)
			if err != nil || string(got) != "s3cret!" {
				t.Fatalf("decrypted %q %v", got, err)
			}
		})
	}
}

func ecKey(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func rsaJWK(t *testing.T, n, e *big.Int) json.RawMessage {
	t.Helper()
	return json.RawMessage(`{"kty":"RSA","n":"` + b64(n.Bytes()) + `","e":"` + b64(e.Bytes()) + `"}`)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func TestParsePublicKeyRefuses(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	good, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaMod := good.N
	ec := ecKey(t, elliptic.P256())
	private, _ := json.Marshal(jose.JSONWebKey{Key: ec})
	for name, raw := range map[string]json.RawMessage{
		"private key":   private,
		"short RSA":     publicJWK(t, small, ""),
		"wrong alg":     publicJWK(t, ec, "RSA-OAEP-256"),
		"not a JWK":     json.RawMessage(`{"kty":"nope"}`),
		"symmetric key": json.RawMessage(`{"kty":"oct","k":"AAAA"}`),
		// Keys no RSA key pair has, which encrypting would refuse after the secret was read.
		"even RSA exponent":  rsaJWK(t, rsaMod, big.NewInt(65538)),
		"small RSA exponent": rsaJWK(t, rsaMod, big.NewInt(3)),
		"even RSA modulus":   rsaJWK(t, new(big.Int).Lsh(big.NewInt(1), 2047), big.NewInt(65537)),
		"EC point off the curve": json.RawMessage(`{"kty":"EC","crv":"P-256","x":"` + b64(ec.X.Bytes()) + `","y":"` +
			b64(new(big.Int).Add(ec.Y, big.NewInt(1)).Bytes()) + `"}`),
		"public key with a private part": json.RawMessage(strings.TrimSuffix(string(publicJWK(t, ec, "")), "}") +
			`,"d":"` + b64(ec.D.Bytes()) + `"}`),
	} {
		if _, _, err := ParsePublicKey(raw); !errors.Is(err, ErrKey) {
			t.Errorf("%s: got %v, want ErrKey", name, err)
		}
	}
}

// TestTeamKeys checks that a team's key is stable, differs between teams and roots, and
// decrypts what is encrypted to its published public key.
func TestTeamKeys(t *testing.T) {
	keys := NewKeys([]byte("0123456789abcdef0123456789abcdef"))
	a1, err := keys.TeamKey("team-a")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := keys.TeamKey("team-a")
	b, _ := keys.TeamKey("team-b")
	other, _ := NewKeys([]byte("another root key, 32 bytes long!")).TeamKey("team-a")
	if a1.KeyID != a2.KeyID || a1.KeyID == b.KeyID || a1.KeyID == other.KeyID || len(a1.KeyID) != 36 {
		t.Fatalf("kids %s %s %s %s", a1.KeyID, a2.KeyID, b.KeyID, other.KeyID)
	}
	set, err := keys.JWKS("team-a")
	if err != nil || len(set.Keys) != 1 || !set.Keys[0].IsPublic() || set.Keys[0].Use != "enc" {
		t.Fatalf("jwks %+v %v", set, err)
	}
	raw, _ := json.Marshal(set.Keys[0])
	pub, alg, err := ParsePublicKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	jwe, err := Encrypt(pub, alg, []byte("to the vault"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decrypt(jwe, a1.Key)
	if err != nil || string(got) != "to the vault" {
		t.Fatalf("%q %v", got, err)
	}
}
