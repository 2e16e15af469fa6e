package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

func TestCreateAPITokenStoresOnlyTheHash(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	tok, secret, err := w.svc.CreateAPIToken(ctx, w.org, "ci", false, time.Now())
	if err != nil || !strings.HasPrefix(secret, "00") || len(secret) < 40 {
		t.Fatalf("%q, %v", secret, err)
	}
	stored, err := w.store.GetAPITokenByHash(ctx, ids.Hash(secret))
	if err != nil || stored.ID != tok.ID || stored.Hash == secret || strings.Contains(stored.Hash, secret) {
		t.Errorf("stored %+v, %v", stored, err)
	}
	if _, err := w.store.GetAPITokenByHash(ctx, secret); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token found by its clear secret: %v", err)
	}
	if _, _, err := w.svc.CreateAPIToken(ctx, w.org, " ", false, time.Now()); !isInvalid(err) {
		t.Errorf("blank name: %v", err)
	}
}

func jwks(t *testing.T, private bool) json.RawMessage {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var key any = &k.PublicKey
	if private {
		key = k
	}
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCreateServiceApp(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	app, err := w.svc.CreateServiceApp(ctx, w.org, "ci", []string{ScopeRead, ScopeManage}, jwks(t, false), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.store.GetServiceApp(ctx, app.ClientID)
	if err != nil || got.OrgID != w.org || len(got.Scopes) != 2 {
		t.Fatalf("%+v, %v", got, err)
	}
	cases := []struct {
		name   string
		app    string
		scopes []string
		jwks   json.RawMessage
		cause  string
	}{
		{"private key", "ci", []string{ScopeRead}, jwks(t, true), "must be a valid public key"},
		{"no keys", "ci", []string{ScopeRead}, json.RawMessage(`{"keys":[]}`), "jwks:"},
		{"not a key set", "ci", []string{ScopeRead}, json.RawMessage(`"x"`), "jwks:"},
		{"no scopes", "ci", nil, jwks(t, false), "at least one scope"},
		{"foreign scope", "ci", []string{"okta.users.manage"}, jwks(t, false), "okta.users.manage"},
		{"no name", "", []string{ScopeRead}, jwks(t, false), "name:"},
	}
	for _, c := range cases {
		_, err := w.svc.CreateServiceApp(ctx, w.org, c.app, c.scopes, c.jwks, time.Now())
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.Invalid || !strings.Contains(strings.Join(f.CauseTexts(), "|"), c.cause) {
			t.Errorf("%s: %v, want an Invalid fault naming %q", c.name, err, c.cause)
		}
	}
}

func TestIssueServiceTokenStoresOnlyTheHash(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	now := time.Now()
	team := store.Team{ID: ids.New(ids.Team), Name: "acme", CreatedAt: now}
	if err := w.store.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	if err := w.store.CreateServiceUserKey(ctx, store.ServiceUserKey{ID: "key-1", TeamID: team.ID, UserName: "svc",
		SecretHash: ids.Hash("s3cret"), Roles: []string{"resource_admin"}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	tok, err := w.svc.IssueServiceToken(ctx, "acme", "key-1", "s3cret", now, time.Hour)
	if err != nil || tok.TeamName != "acme" || tok.ExpiresAt.Sub(now) > time.Hour || tok.ExpiresAt.Sub(now) < 59*time.Minute {
		t.Fatalf("%+v, %v", tok, err)
	}
	stored, err := w.store.GetServiceToken(ctx, ids.Hash(tok.Token), now)
	if err != nil || stored.TeamID != team.ID || stored.KeyID != "key-1" {
		t.Errorf("stored %+v, %v", stored, err)
	}
	if _, err := w.store.GetServiceToken(ctx, tok.Token, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token found by its clear value: %v", err)
	}
	for _, c := range [][3]string{{"acme", "key-1", "wrong"}, {"acme", "key-2", "s3cret"}, {"other", "key-1", "s3cret"}} {
		if _, err := w.svc.IssueServiceToken(ctx, c[0], c[1], c[2], now, time.Hour); !errors.Is(err, ErrInvalid) {
			t.Errorf("%v: %v, want ErrInvalid", c, err)
		}
	}
}

func isInvalid(err error) bool {
	f, ok := fault.As(err)
	return ok && f.Kind == fault.Invalid
}
