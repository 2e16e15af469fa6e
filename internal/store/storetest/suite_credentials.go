package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testOrgsAndTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	n, err := s.CountOrgs(ctx)
	must(t, err)
	if n != 0 {
		t.Fatalf("new store has %d orgs", n)
	}
	seedOrg(t, s, "org1")
	wantErr(t, s.CreateOrg(ctx, store.Org{ID: "org1", Name: "again"}), store.ErrConflict)
	o, err := s.GetOrg(ctx, "org1")
	must(t, err)
	if o.Name != "org1" || !o.CreatedAt.Equal(t0) {
		t.Fatalf("got %+v", o)
	}
	_, err = s.GetOrg(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)

	tok := store.APIToken{ID: "t1", OrgID: "org1", Name: "admin", Hash: "h1", Admin: true, CreatedAt: t0}
	must(t, s.CreateAPIToken(ctx, tok))
	wantErr(t, s.CreateAPIToken(ctx, store.APIToken{ID: "t2", OrgID: "org1", Hash: "h1", CreatedAt: t0}), store.ErrConflict)
	got, err := s.GetAPITokenByHash(ctx, "h1")
	must(t, err)
	if got != tok {
		t.Fatalf("got %+v, want %+v", got, tok)
	}
	_, err = s.GetAPITokenByHash(ctx, "h2")
	wantErr(t, err, store.ErrNotFound)
}

func testServiceApps(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	a := store.ServiceApp{ClientID: "c1", OrgID: "org1", Name: "app", Scopes: []string{"okta.agentPools.read"},
		JWKS: []byte(`{"keys":[]}`), CreatedAt: t0}
	must(t, s.CreateServiceApp(ctx, a))
	got, err := s.GetServiceApp(ctx, "c1")
	must(t, err)
	if got.Name != "app" || len(got.Scopes) != 1 || string(got.JWKS) != `{"keys":[]}` {
		t.Fatalf("got %+v", got)
	}
	must(t, s.UseAssertionID(ctx, "c1", "jti1", t0, t0.Add(time.Minute)))
	wantErr(t, s.UseAssertionID(ctx, "c1", "jti1", t0, t0.Add(time.Minute)), store.ErrConflict)
	must(t, s.UseAssertionID(ctx, "c2", "jti1", t0, t0.Add(time.Minute)))
	// Once expired, an id is forgotten.
	must(t, s.UseAssertionID(ctx, "c1", "jti1", t0.Add(2*time.Minute), t0.Add(3*time.Minute)))
}

func testSigningKey(t *testing.T, s store.Store) {
	ctx := context.Background()
	_, err := s.GetSigningKey(ctx)
	wantErr(t, err, store.ErrNotFound)
	first, err := s.EnsureSigningKey(ctx, store.SigningKey{ID: "k1", Sealed: []byte{1, 2, 3}, CreatedAt: t0})
	must(t, err)
	second, err := s.EnsureSigningKey(ctx, store.SigningKey{ID: "k2", Sealed: []byte{4}, CreatedAt: t0})
	must(t, err)
	if first.ID != "k1" || second.ID != "k1" || string(second.Sealed) != string([]byte{1, 2, 3}) {
		t.Fatalf("first %+v second %+v", first, second)
	}
	got, err := s.GetSigningKey(ctx)
	must(t, err)
	if got.ID != "k1" || string(got.Sealed) != string([]byte{1, 2, 3}) || !got.CreatedAt.Equal(t0) {
		t.Fatalf("stored %+v", got)
	}
}
