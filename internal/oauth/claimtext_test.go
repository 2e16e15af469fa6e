package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/oauth"
)

// storeLike refuses, as PostgreSQL does, text it could not store: the token endpoint must never
// hand it an assertion's iss or jti that no client id or stored jti can be.
type storeLike struct {
	lookup func(context.Context, string) (oauth.Client, error)
	replay oauth.Replay
}

func (s storeLike) Lookup(ctx context.Context, id string) (oauth.Client, error) {
	if !limits.Storable(id) || len(id) > 2700 {
		return oauth.Client{}, errors.New("store: cannot look up this text")
	}
	return s.lookup(ctx, id)
}

func (s storeLike) Seen(ctx context.Context, clientID, jti string, exp time.Time) (bool, error) {
	if !limits.Storable(jti) || len(jti) > 2700 {
		return false, errors.New("store: cannot store this text")
	}
	return s.replay.Seen(ctx, clientID, jti, exp)
}

func TestTokenRefusesUnstorableClaims(t *testing.T) {
	long := strings.Repeat("x", 3000)
	tests := []struct {
		name   string
		modify func(*assertion)
	}{
		{"NUL in iss", func(a *assertion) { a.Issuer, a.Subject = clientID+"\x00", clientID+"\x00" }},
		{"invalid UTF-8 in iss", func(a *assertion) { a.Issuer, a.Subject = "0oa\xff\xfe", "0oa\xff\xfe" }},
		{"long iss", func(a *assertion) { a.Issuer, a.Subject = long, long }},
		{"NUL in sub", func(a *assertion) { a.Subject = clientID + "\x00" }},
		{"NUL in jti", func(a *assertion) { a.ID = "j\x00" }},
		{"long jti", func(a *assertion) { a.ID = long }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := storeLike{lookup: f.iss.Lookup, replay: f.iss.Replay}
			f.iss.Lookup, f.iss.Replay = s.Lookup, s
			a := sdkAssertion(t0)
			tc.modify(&a)
			_, err := f.iss.Token(context.Background(), oauth.ParseTokenRequest(form("okta.agentPools.read", a.sign(t))))
			var oe *oauth.Error
			if !errors.As(err, &oe) || oe.Code != oauth.CodeInvalidClient || oe.Status != 401 {
				t.Fatalf("error = %v, want invalid_client 401", err)
			}
		})
	}
	// The same check lets a well-formed assertion through.
	f := newFixture(t)
	s := storeLike{lookup: f.iss.Lookup, replay: f.iss.Replay}
	f.iss.Lookup, f.iss.Replay = s.Lookup, s
	if _, err := f.iss.Token(context.Background(), oauth.ParseTokenRequest(form("okta.agentPools.read", sdkAssertion(t0).sign(t)))); err != nil {
		t.Fatal(fmt.Errorf("a good assertion: %w", err))
	}
}
