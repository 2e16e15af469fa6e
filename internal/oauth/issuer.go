package oauth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DefaultTTL is the access token lifetime when Issuer.TTL is zero.
const DefaultTTL = time.Hour

// Client is a registered service app.
type Client struct {
	// ID is the client id, the iss and sub of its client assertions.
	ID string
	// Scopes are the scopes granted to the client.
	Scopes []string
	// JWKS holds the client's public keys.
	JWKS jose.JSONWebKeySet
}

// Issuer authenticates token requests and issues and verifies access
// tokens. Signer, Issuer, Lookup and Replay are required.
type Issuer struct {
	Signer *Signer
	// Issuer is the org URL, e.g. "http://127.0.0.1:8080"; it is the iss
	// and aud of the access tokens.
	Issuer string
	// TTL is the access token lifetime, in whole seconds; zero means
	// DefaultTTL. The SDK caches a token for expires_in - 2 seconds (and
	// forever when that is negative), so TTL should be well above that.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Lookup returns the registered client with the given id (Client.ID
	// must equal it), or an error wrapping ErrUnknownClient.
	Lookup func(ctx context.Context, clientID string) (Client, error)
	// Replay rejects reused client assertions.
	Replay Replay
}

// accessClaims is the payload of an access token.
type accessClaims struct {
	jwt.Claims
	ClientID string   `json:"cid"`
	Scopes   []string `json:"scp"`
}

// Claims are the verified contents of an access token.
type Claims struct {
	ClientID string
	Scopes   []string
	Expiry   time.Time
	ID       string
}

// HasScope reports whether the token was granted scope.
func (c Claims) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

func (i *Issuer) now() time.Time {
	if i.Now != nil {
		return i.Now()
	}
	return time.Now()
}

func (i *Issuer) ttl() time.Duration {
	if t := i.TTL.Truncate(time.Second); t > 0 {
		return t
	}
	return DefaultTTL
}

// Token validates a client credentials request authenticated by a
// private_key_jwt client assertion and issues an access token. Mistakes of
// the client are returned as *Error; any other error is a server failure.
func (i *Issuer) Token(ctx context.Context, req TokenRequest) (TokenResponse, error) {
	if i.Signer == nil || i.Lookup == nil || i.Replay == nil || i.Issuer == "" {
		return TokenResponse{}, errors.New("oauth: Issuer needs Signer, Issuer, Lookup and Replay")
	}
	switch req.GrantType {
	case "":
		return TokenResponse{}, invalidRequest("grant_type is missing")
	case GrantClientCredentials:
	default:
		return TokenResponse{}, unsupportedGrantType("only the client_credentials grant is supported")
	}
	now := i.now()
	client, err := i.authenticate(ctx, req, now)
	if err != nil {
		return TokenResponse{}, err
	}
	scopes := parseScopes(req.Scope)
	if len(scopes) == 0 {
		return TokenResponse{}, invalidScope("no scope was requested")
	}
	for _, s := range scopes {
		if !slices.Contains(client.Scopes, s) {
			return TokenResponse{}, invalidScope(fmt.Sprintf("scope %q is not granted to the client", s))
		}
	}
	ttl := i.ttl()
	claims := accessClaims{
		Claims: jwt.Claims{
			Issuer:   i.Issuer,
			Subject:  client.ID,
			Audience: jwt.Audience{i.Issuer},
			IssuedAt: jwt.NewNumericDate(now),
			Expiry:   jwt.NewNumericDate(now.Add(ttl)),
			ID:       "AT." + rand.Text(),
		},
		ClientID: client.ID,
		Scopes:   scopes,
	}
	tok, err := jwt.Signed(i.Signer.signer).Claims(claims).Serialize()
	if err != nil {
		return TokenResponse{}, fmt.Errorf("oauth: signing access token: %w", err)
	}
	return TokenResponse{
		TokenType:   TokenTypeBearer,
		ExpiresIn:   int(ttl / time.Second),
		AccessToken: tok,
		Scope:       strings.Join(scopes, " "),
	}, nil
}

// Verify checks an access token issued by i: its RS256 signature with the
// Signer's key, iss and aud, and that it has not expired by i.Now. Errors
// wrap ErrInvalidToken.
func (i *Issuer) Verify(token string) (Claims, error) {
	if i.Signer == nil {
		return Claims{}, errors.New("oauth: Issuer needs a Signer")
	}
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if len(tok.Headers) != 1 || tok.Headers[0].KeyID != i.Signer.kid {
		return Claims{}, fmt.Errorf("%w: unknown signing key", ErrInvalidToken)
	}
	var c accessClaims
	if err := tok.Claims(&i.Signer.key.PublicKey, &c); err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	now := i.now()
	switch {
	case c.Issuer != i.Issuer:
		return Claims{}, fmt.Errorf("%w: wrong issuer", ErrInvalidToken)
	case !c.Audience.Contains(i.Issuer):
		return Claims{}, fmt.Errorf("%w: wrong audience", ErrInvalidToken)
	case c.Expiry == nil || !now.Before(c.Expiry.Time()):
		return Claims{}, fmt.Errorf("%w: expired", ErrInvalidToken)
	case c.IssuedAt != nil && c.IssuedAt.Time().After(now.Add(ClockSkew)):
		return Claims{}, fmt.Errorf("%w: issued in the future", ErrInvalidToken)
	case c.ClientID == "":
		return Claims{}, fmt.Errorf("%w: no client id", ErrInvalidToken)
	}
	return Claims{
		ClientID: c.ClientID,
		Scopes:   c.Scopes,
		Expiry:   c.Expiry.Time(),
		ID:       c.ID,
	}, nil
}
