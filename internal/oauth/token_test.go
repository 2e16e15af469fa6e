package oauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/keyward/keyward/internal/oauth"
)

func TestTokenIssuesVerifiableToken(t *testing.T) {
	f := newFixture(t)
	a := sdkAssertion(t0)
	req := oauth.ParseTokenRequest(form("okta.agentPools.read okta.agentPools.manage", a.sign(t)))
	resp, err := f.iss.Token(context.Background(), req)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if resp.TokenType != "Bearer" || resp.ExpiresIn != 3600 || resp.Scope != "okta.agentPools.read okta.agentPools.manage" {
		t.Fatalf("response = %+v", resp)
	}
	b, _ := json.Marshal(resp)
	for _, k := range []string{`"token_type":"Bearer"`, `"expires_in":3600`, `"access_token":"`, `"scope":"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON %s lacks %s", b, k)
		}
	}

	tok, err := jwt.ParseSigned(resp.AccessToken, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if h := tok.Headers[0]; h.KeyID != f.iss.Signer.KeyID() || h.Algorithm != "RS256" {
		t.Errorf("header = kid %q alg %q", h.KeyID, h.Algorithm)
	}
	var raw map[string]any
	if err := tok.Claims(&keys().server.PublicKey, &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"iss": orgURL, "aud": orgURL, "sub": clientID, "cid": clientID,
		"iat": float64(t0.Unix()), "exp": float64(t0.Add(time.Hour).Unix())}
	for k, v := range want {
		if raw[k] != v {
			t.Errorf("claim %s = %v, want %v", k, raw[k], v)
		}
	}
	if jti, _ := raw["jti"].(string); jti == "" {
		t.Error("no jti")
	}

	c, err := f.iss.Verify(resp.AccessToken)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.ClientID != clientID || !slices.Equal(c.Scopes, grantedScopes) || !c.Expiry.Equal(t0.Add(time.Hour)) || c.ID != raw["jti"] {
		t.Errorf("claims = %+v", c)
	}
	if !c.HasScope("okta.agentPools.read") || c.HasScope("okta.users.read") {
		t.Error("HasScope wrong")
	}
}

func TestTokenAccepts(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*assertion)
		scope  string
	}{
		{"sdk assertion", func(*assertion) {}, "okta.agentPools.read"},
		{"no kid header tries each key", func(a *assertion) { a.kid = "" }, "okta.agentPools.read"},
		{"aud without port", func(a *assertion) { a.Audience = "http://127.0.0.1/oauth2/v1/token" }, "okta.agentPools.read"},
		{"iat within clock skew", func(a *assertion) {
			a.IssuedAt = jwt.NewNumericDate(t0.Add(4 * time.Minute))
			a.Expiry = jwt.NewNumericDate(t0.Add(64 * time.Minute))
		}, "okta.agentPools.read"},
		{"exp-iat one second over an hour (SDK truncation)", func(a *assertion) {
			a.Expiry = jwt.NewNumericDate(t0.Add(time.Hour + time.Second))
		}, "okta.agentPools.read"},
		{"duplicate scopes", func(*assertion) {}, "okta.agentPools.read okta.agentPools.read"},
		{"ES256 key as the SDK uses for EC keys", func(a *assertion) {
			a.alg, a.key, a.kid, a.Issuer, a.Subject = jose.ES256, keys().ec, "", ecClient, ecClient
		}, "okta.agentPools.manage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			a := sdkAssertion(t0)
			tc.modify(&a)
			resp, err := f.iss.Token(context.Background(), oauth.ParseTokenRequest(form(tc.scope, a.sign(t))))
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			c, err := f.iss.Verify(resp.AccessToken)
			if err != nil || c.ClientID != a.Issuer || strings.Join(c.Scopes, " ") != resp.Scope {
				t.Fatalf("Verify = %+v, %v (scope %q)", c, err, resp.Scope)
			}
		})
	}
}

func TestTokenRejects(t *testing.T) {
	hs256 := func(a *assertion) { a.alg, a.key = jose.HS256, []byte("0123456789abcdef0123456789abcdef") }
	tests := []struct {
		name   string
		modify func(*assertion)
		req    func(*oauth.TokenRequest)
		replay bool
		code   string
		status int
	}{
		{name: "wrong signature key", modify: func(a *assertion) { a.key = keys().other }, code: "invalid_client"},
		{name: "wrong key without kid", modify: func(a *assertion) { a.key, a.kid = keys().other, "" }, code: "invalid_client"},
		{name: "unknown kid", modify: func(a *assertion) { a.kid = "nope" }, code: "invalid_client"},
		{name: "HS256", modify: hs256, code: "invalid_client"},
		{name: "expired assertion", modify: func(a *assertion) {
			a.IssuedAt, a.Expiry = jwt.NewNumericDate(t0.Add(-time.Hour)), jwt.NewNumericDate(t0.Add(-time.Second))
		}, code: "invalid_client"},
		{name: "no exp", modify: func(a *assertion) { a.Expiry = nil }, code: "invalid_client"},
		{name: "no iat", modify: func(a *assertion) { a.IssuedAt = nil }, code: "invalid_client"},
		{name: "iat beyond skew", modify: func(a *assertion) {
			a.IssuedAt, a.Expiry = jwt.NewNumericDate(t0.Add(6*time.Minute)), jwt.NewNumericDate(t0.Add(66*time.Minute))
		}, code: "invalid_client"},
		{name: "lifetime over an hour", modify: func(a *assertion) { a.Expiry = jwt.NewNumericDate(t0.Add(2 * time.Hour)) }, code: "invalid_client"},
		{name: "wrong sub", modify: func(a *assertion) { a.Subject = "someone" }, code: "invalid_client"},
		{name: "iss of another client", modify: func(a *assertion) { a.Issuer, a.Subject = ecClient, ecClient }, code: "invalid_client"},
		{name: "unknown client", modify: func(a *assertion) { a.Issuer, a.Subject = "0oaunknown", "0oaunknown" }, code: "invalid_client"},
		{name: "wrong aud path", modify: func(a *assertion) { a.Audience = orgURL + "/oauth2/v1/authorize" }, code: "invalid_client"},
		{name: "no jti", modify: func(a *assertion) { a.ID = "" }, code: "invalid_client"},
		{name: "replayed jti", replay: true, code: "invalid_client"},
		{name: "client_id mismatch", req: func(r *oauth.TokenRequest) { r.ClientID = ecClient }, code: "invalid_client"},
		{name: "scope not granted", req: func(r *oauth.TokenRequest) { r.Scope = "okta.agentPools.read okta.users.manage" }, code: "invalid_scope"},
		{name: "empty scope", req: func(r *oauth.TokenRequest) { r.Scope = " " }, code: "invalid_scope"},
		{name: "wrong grant type", req: func(r *oauth.TokenRequest) { r.GrantType = "password" }, code: "unsupported_grant_type"},
		{name: "missing grant type", req: func(r *oauth.TokenRequest) { r.GrantType = "" }, code: "invalid_request"},
		{name: "wrong assertion type", req: func(r *oauth.TokenRequest) {
			r.ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
		}, code: "invalid_client"},
		{name: "no client authentication", req: func(r *oauth.TokenRequest) { r.ClientAssertionType, r.ClientAssertion = "", "" }, code: "invalid_client"},
		{name: "garbage assertion", req: func(r *oauth.TokenRequest) { r.ClientAssertion = "not.a.jwt" }, code: "invalid_client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			a := sdkAssertion(t0)
			if tc.modify != nil {
				tc.modify(&a)
			}
			req := oauth.ParseTokenRequest(form("okta.agentPools.read", a.sign(t)))
			if tc.req != nil {
				tc.req(&req)
			}
			if tc.replay {
				if _, err := f.iss.Token(context.Background(), req); err != nil {
					t.Fatalf("first use: %v", err)
				}
			}
			_, err := f.iss.Token(context.Background(), req)
			var oe *oauth.Error
			if !errors.As(err, &oe) {
				t.Fatalf("error = %v, want *oauth.Error", err)
			}
			want := http.StatusBadRequest
			if tc.code == "invalid_client" {
				want = http.StatusUnauthorized
			}
			if oe.Code != tc.code || oe.Status != want || oe.Description == "" {
				t.Fatalf("error = %+v, want %s/%d", oe, tc.code, want)
			}
		})
	}
}

func TestTokenServerErrors(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("database down")
	f.iss.Lookup = func(context.Context, string) (oauth.Client, error) { return oauth.Client{}, boom }
	_, err := f.iss.Token(context.Background(), oauth.ParseTokenRequest(form("okta.agentPools.read", sdkAssertion(t0).sign(t))))
	var oe *oauth.Error
	if !errors.Is(err, boom) || errors.As(err, &oe) {
		t.Fatalf("error = %v, want wrapped lookup failure", err)
	}
	f.iss.Replay = nil
	if _, err := f.iss.Token(context.Background(), oauth.TokenRequest{}); err == nil || errors.As(err, &oe) {
		t.Fatalf("misconfigured issuer: error = %v", err)
	}
}
