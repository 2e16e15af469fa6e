package oauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"

	"github.com/keyward/keyward/internal/oauth"
)

const (
	orgURL    = "http://127.0.0.1:8080"
	clientID  = "0oa1serviceapp"
	ecClient  = "0oa2ecapp"
	clientKID = "client-key-1"
)

var (
	grantedScopes = []string{"okta.agentPools.read", "okta.agentPools.manage"}
	t0            = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

// Keys are costly to generate; share them between tests.
var keys = sync.OnceValue(func() (k struct {
	server, client, other *rsa.PrivateKey
	ec                    *ecdsa.PrivateKey
}) {
	var err error
	for _, p := range []**rsa.PrivateKey{&k.server, &k.client, &k.other} {
		if *p, err = oauth.GenerateKey(); err != nil {
			panic(err)
		}
	}
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	return k
})

// clock is a settable, race-safe time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

type fixture struct {
	clock  *clock
	replay *oauth.MemoryReplay
	iss    *oauth.Issuer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	signer, err := oauth.NewSigner(keys().server)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: t0}
	r := &oauth.MemoryReplay{Now: c.Now}
	clients := map[string]oauth.Client{
		clientID: {ID: clientID, Scopes: grantedScopes, JWKS: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &keys().client.PublicKey, KeyID: clientKID, Algorithm: "RS256", Use: "sig"},
		}}},
		ecClient: {ID: ecClient, Scopes: grantedScopes, JWKS: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &keys().ec.PublicKey, KeyID: "ec-1"},
		}}},
	}
	lookup := func(_ context.Context, id string) (oauth.Client, error) {
		if c, ok := clients[id]; ok {
			return c, nil
		}
		return oauth.Client{}, fmt.Errorf("client %q: %w", id, oauth.ErrUnknownClient)
	}
	return &fixture{clock: c, replay: r, iss: &oauth.Issuer{
		Signer: signer, Issuer: orgURL, TTL: time.Hour, Now: c.Now, Lookup: lookup, Replay: r,
	}}
}

// assertion describes a client assertion. Its JSON mirrors the SDK's
// okta.ClientAssertionClaims.
type assertion struct {
	alg jose.SignatureAlgorithm
	key any    // signing key
	kid string // "kid" header; the SDK sets it only if PrivateKeyId is configured

	Issuer   string           `json:"iss,omitempty"`
	Subject  string           `json:"sub,omitempty"`
	Audience string           `json:"aud,omitempty"`
	Expiry   *jwt.NumericDate `json:"exp,omitempty"`
	IssuedAt *jwt.NumericDate `json:"iat,omitempty"`
	ID       string           `json:"jti,omitempty"`
}

// sdkAssertion returns what okta-sdk-golang v6 createClientAssertion builds
// at time now: RS256, iss=sub=client id, aud=<org URL>/oauth2/v1/token,
// iat=now, exp=now+1h, jti=uuid.
func sdkAssertion(now time.Time) assertion {
	return assertion{
		alg: jose.RS256, key: keys().client, kid: clientKID,
		Issuer: clientID, Subject: clientID, Audience: orgURL + "/oauth2/v1/token",
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Hour)),
		ID: uuid.New().String(),
	}
}

func (a assertion) sign(t *testing.T) string {
	t.Helper()
	var opts *jose.SignerOptions
	if a.kid != "" {
		opts = (&jose.SignerOptions{}).WithHeader("kid", a.kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: a.alg, Key: a.key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(a).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// form encodes a token request as the SDK's getAccessTokenForPrivateKey does.
func form(scopes, assertion string) url.Values {
	q := url.Values{}
	q.Add("grant_type", "client_credentials")
	q.Add("scope", scopes)
	q.Add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
	q.Add("client_assertion", assertion)
	return q
}
