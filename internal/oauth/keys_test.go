package oauth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/internal/oauth"
)

func TestKeyRoundTrip(t *testing.T) {
	k := keys().server
	if k.N.BitLen() != 2048 {
		t.Errorf("GenerateKey made %d bits", k.N.BitLen())
	}
	b, err := oauth.MarshalKey(k)
	if err != nil {
		t.Fatal(err)
	}
	if blk, _ := pem.Decode(b); blk == nil || blk.Type != "PRIVATE KEY" {
		t.Fatalf("MarshalKey output is not a PKCS#8 PEM block: %s", b)
	}
	got, err := oauth.ParseKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(k) {
		t.Error("ParseKey(MarshalKey(k)) != k")
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	if got, err := oauth.ParseKey(pkcs1); err != nil || !got.Equal(k) {
		t.Errorf("PKCS#1: %v", err)
	}
}

func TestParseKeyRejects(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	pubDER, _ := x509.MarshalPKIXPublicKey(&keys().server.PublicKey)
	tests := map[string][]byte{
		"empty":      nil,
		"not PEM":    []byte("hello"),
		"EC key":     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
		"public key": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}),
		"bad DER":    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}),
	}
	for name, b := range tests {
		if _, err := oauth.ParseKey(b); err == nil {
			t.Errorf("%s: ParseKey succeeded", name)
		}
	}
}

func TestNewSigner(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]*rsa.PrivateKey{"nil": nil, "1024 bits": small} {
		if _, err := oauth.NewSigner(k); err == nil {
			t.Errorf("%s: NewSigner succeeded", name)
		}
	}
	s1, err := oauth.NewSigner(keys().server)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := oauth.ParseKey(must(oauth.MarshalKey(keys().server)))
	s2, err := oauth.NewSigner(again)
	if err != nil {
		t.Fatal(err)
	}
	pub := jose.JSONWebKey{Key: &keys().server.PublicKey}
	tp, _ := pub.Thumbprint(crypto.SHA256)
	if want := base64.RawURLEncoding.EncodeToString(tp); s1.KeyID() != want || s2.KeyID() != want {
		t.Errorf("kid = %q, %q; want RFC 7638 thumbprint %q", s1.KeyID(), s2.KeyID(), want)
	}
}

func TestJWKSIsPublic(t *testing.T) {
	s, err := oauth.NewSigner(keys().server)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Keys []map[string]any }
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Keys) != 1 {
		t.Fatalf("JWKS JSON %s: %v", b, err)
	}
	k := doc.Keys[0]
	for _, priv := range []string{"d", "p", "q", "dp", "dq", "qi"} {
		if _, ok := k[priv]; ok {
			t.Errorf("JWKS has private member %q: %s", priv, b)
		}
	}
	for name, want := range map[string]string{"kty": "RSA", "kid": s.KeyID(), "alg": "RS256", "use": "sig"} {
		if k[name] != want {
			t.Errorf("%s = %v, want %s", name, k[name], want)
		}
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	if ks := set.Key(s.KeyID()); len(ks) != 1 || !ks[0].IsPublic() ||
		!ks[0].Key.(*rsa.PublicKey).Equal(&keys().server.PublicKey) {
		t.Errorf("parsed JWKS key = %+v", set.Keys)
	}
	if strings.Contains(string(b), "PRIVATE") {
		t.Error("JWKS mentions a private key")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
