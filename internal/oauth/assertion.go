package oauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/keyward/keyward/internal/limits"
)

// Limits on client assertions.
const (
	// ClockSkew is how far in the future a client assertion's iat (or nbf)
	// may be.
	ClockSkew = 5 * time.Minute
	// MaxAssertionLifetime bounds exp - iat of a client assertion.
	MaxAssertionLifetime = time.Hour
	// lifetimeSlack absorbs second truncation: the SDK reads the clock
	// separately for iat and for exp (= now + 1h) and truncates each to whole
	// seconds, so exp - iat is occasionally 3601 s.
	lifetimeSlack = 5 * time.Second
)

// assertionAlgs are the signature algorithms accepted on client
// assertions: those Okta accepts for private_key_jwt.
var assertionAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512,
}

// authenticate checks the client assertion of req and returns the client it
// authenticates. Client mistakes are *Error values; other errors come from
// Lookup or Replay.
func (i *Issuer) authenticate(ctx context.Context, req TokenRequest, now time.Time) (Client, error) {
	switch {
	case req.ClientAssertionType == "" && req.ClientAssertion == "":
		return Client{}, invalidClient("client authentication is required: send client_assertion_type and client_assertion")
	case req.ClientAssertionType != AssertionTypeJWT:
		return Client{}, invalidClient("client_assertion_type must be " + AssertionTypeJWT)
	case req.ClientAssertion == "":
		return Client{}, invalidClient("client_assertion is missing")
	}
	tok, err := jwt.ParseSigned(req.ClientAssertion, assertionAlgs)
	if err != nil {
		return Client{}, invalidClient("client_assertion is not a signed JWT with a supported algorithm")
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return Client{}, invalidClient("client_assertion claims cannot be decoded")
	}
	cid := unverified.Issuer
	if cid == "" {
		return Client{}, invalidClient("client_assertion has no iss claim")
	}
	if e := checkClaimText(unverified); e != nil {
		return Client{}, e
	}
	if req.ClientID != "" && req.ClientID != cid {
		return Client{}, invalidClient("client_id does not match the client_assertion issuer")
	}
	client, err := i.Lookup(ctx, cid)
	if errors.Is(err, ErrUnknownClient) {
		return Client{}, invalidClient("the client_assertion issuer is not a registered client")
	}
	if err != nil {
		return Client{}, fmt.Errorf("oauth: looking up client: %w", err)
	}
	if client.ID != cid {
		return Client{}, invalidClient("the client_assertion issuer is not a registered client")
	}
	var claims jwt.Claims
	if e := verifyWithJWKS(tok, client.JWKS, &claims); e != nil {
		return Client{}, e
	}
	if e := checkAssertionClaims(claims, cid, now); e != nil {
		return Client{}, e
	}
	seen, err := i.Replay.Seen(ctx, cid, claims.ID, claims.Expiry.Time())
	if err != nil {
		return Client{}, fmt.Errorf("oauth: replay check: %w", err)
	}
	if seen {
		return Client{}, invalidClient("client_assertion jti has already been used")
	}
	return client, nil
}

// checkClaimText refuses an assertion whose iss, sub or jti no client id or stored jti can be:
// they are looked up and stored before the signature is known to be good, and PostgreSQL
// refuses NUL and invalid UTF-8 and its index an over-long key.
func checkClaimText(c jwt.Claims) *Error {
	for _, claim := range []struct{ name, value string }{{"iss", c.Issuer}, {"sub", c.Subject}, {"jti", c.ID}} {
		if cause := limits.Check(claim.name, claim.value, limits.ID); cause != "" {
			return invalidClient("client_assertion " + cause)
		}
	}
	return nil
}

// verifyWithJWKS checks the signature of tok with the key named by its kid
// header or, without a kid, with each usable key of set in turn.
func verifyWithJWKS(tok *jwt.JSONWebToken, set jose.JSONWebKeySet, dest *jwt.Claims) *Error {
	if len(tok.Headers) != 1 {
		return invalidClient("client_assertion must have exactly one signature")
	}
	h := tok.Headers[0]
	keys := set.Keys
	if h.KeyID != "" {
		keys = set.Key(h.KeyID)
		if len(keys) == 0 {
			return invalidClient("client_assertion kid does not identify a key registered for the client")
		}
	}
	for _, k := range keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != h.Algorithm {
			continue
		}
		pub := k.Public()
		if !pub.Valid() {
			continue
		}
		if err := tok.Claims(pub.Key, dest); err == nil {
			return nil
		}
	}
	return invalidClient("client_assertion signature does not verify with the client's keys")
}

// checkAssertionClaims applies RFC 7523 section 3 to verified claims.
func checkAssertionClaims(c jwt.Claims, cid string, now time.Time) *Error {
	switch {
	case c.Issuer != cid || c.Subject != cid:
		return invalidClient("client_assertion iss and sub must both be the client id")
	case !audienceIsTokenEndpoint(c.Audience):
		return invalidClient("client_assertion aud must be the token endpoint URL ending in " + TokenPath)
	case c.Expiry == nil:
		return invalidClient("client_assertion has no exp claim")
	case !now.Before(c.Expiry.Time()):
		return invalidClient("client_assertion has expired")
	case c.IssuedAt == nil:
		return invalidClient("client_assertion has no iat claim")
	case c.IssuedAt.Time().After(now.Add(ClockSkew)):
		return invalidClient("client_assertion iat is in the future")
	case c.NotBefore != nil && c.NotBefore.Time().After(now.Add(ClockSkew)):
		return invalidClient("client_assertion is not valid yet (nbf)")
	case !c.Expiry.Time().After(c.IssuedAt.Time()):
		return invalidClient("client_assertion exp must be after iat")
	case c.Expiry.Time().Sub(c.IssuedAt.Time()) > MaxAssertionLifetime+lifetimeSlack:
		return invalidClient("client_assertion lifetime (exp - iat) exceeds one hour")
	case c.ID == "":
		return invalidClient("client_assertion has no jti claim")
	}
	return nil
}

func audienceIsTokenEndpoint(aud jwt.Audience) bool {
	for _, a := range aud {
		if strings.HasSuffix(a, TokenPath) {
			return true
		}
	}
	return false
}
