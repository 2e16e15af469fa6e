package oauth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/keyward/keyward/internal/oauth"
)

func issue(t *testing.T, f *fixture) string {
	t.Helper()
	resp, err := f.iss.Token(context.Background(), oauth.ParseTokenRequest(form("okta.agentPools.read", sdkAssertion(f.clock.Now()).sign(t))))
	if err != nil {
		t.Fatal(err)
	}
	return resp.AccessToken
}

func TestVerifyRejects(t *testing.T) {
	tests := []struct {
		name  string
		token func(t *testing.T, f *fixture) string
	}{
		{"garbage", func(*testing.T, *fixture) string { return "garbage" }},
		{"tampered payload", func(t *testing.T, f *fixture) string {
			parts := strings.Split(issue(t, f), ".")
			p, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil {
				t.Fatal(err)
			}
			p = []byte(strings.Replace(string(p), "okta.agentPools.read", "okta.agentPools.manage", 1))
			parts[1] = base64.RawURLEncoding.EncodeToString(p)
			return strings.Join(parts, ".")
		}},
		{"tampered signature", func(t *testing.T, f *fixture) string {
			parts := strings.Split(issue(t, f), ".")
			sig, err := base64.RawURLEncoding.DecodeString(parts[2])
			if err != nil {
				t.Fatal(err)
			}
			sig[len(sig)/2] ^= 1
			parts[2] = base64.RawURLEncoding.EncodeToString(sig)
			return strings.Join(parts, ".")
		}},
		{"expired", func(t *testing.T, f *fixture) string {
			tok := issue(t, f)
			f.clock.Add(time.Hour)
			return tok
		}},
		{"other issuer URL", func(t *testing.T, f *fixture) string {
			tok := issue(t, f)
			f.iss.Issuer = "http://127.0.0.1:9090"
			return tok
		}},
		{"other signing key", func(t *testing.T, f *fixture) string {
			s, err := oauth.NewSigner(keys().other)
			if err != nil {
				t.Fatal(err)
			}
			f.iss.Signer = s
			tok := issue(t, f)
			f.iss.Signer, _ = oauth.NewSigner(keys().server)
			return tok
		}},
		{"forged with right kid, wrong key", func(t *testing.T, f *fixture) string {
			opts := (&jose.SignerOptions{}).WithHeader("kid", f.iss.Signer.KeyID())
			s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: keys().other}, opts)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := jwt.Signed(s).Claims(map[string]any{
				"iss": orgURL, "aud": orgURL, "cid": clientID, "scp": []string{"okta.agentPools.manage"},
				"exp": t0.Add(time.Hour).Unix(),
			}).Serialize()
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tok := tc.token(t, f)
			c, err := f.iss.Verify(tok)
			if !errors.Is(err, oauth.ErrInvalidToken) {
				t.Fatalf("Verify = %+v, %v; want ErrInvalidToken", c, err)
			}
		})
	}
}

func TestVerifyJustBeforeExpiry(t *testing.T) {
	f := newFixture(t)
	tok := issue(t, f)
	f.clock.Add(time.Hour - time.Second)
	if _, err := f.iss.Verify(tok); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestErrorBody(t *testing.T) {
	f := newFixture(t)
	_, err := f.iss.Token(context.Background(), oauth.TokenRequest{GrantType: "password"})
	var oe *oauth.Error
	if !errors.As(err, &oe) {
		t.Fatalf("error = %v", err)
	}
	want := `{"error":"unsupported_grant_type","error_description":"only the client_credentials grant is supported"}`
	if got := string(oe.Body()); got != want {
		t.Errorf("Body = %s, want %s", got, want)
	}
	if got := oe.Error(); got != "oauth: unsupported_grant_type: only the client_credentials grant is supported" {
		t.Errorf("Error() = %q", got)
	}
	if strings.Contains(string(oe.Body()), "dpop") {
		t.Error("error body must not mention DPoP")
	}
}

func TestParseTokenRequest(t *testing.T) {
	v := form("a b", "x.y.z")
	v.Set("client_id", "cid")
	got := oauth.ParseTokenRequest(v)
	want := oauth.TokenRequest{GrantType: "client_credentials", Scope: "a b",
		ClientAssertionType: oauth.AssertionTypeJWT, ClientAssertion: "x.y.z", ClientID: "cid"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
