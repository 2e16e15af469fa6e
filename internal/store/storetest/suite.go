package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Backend makes databases of one kind and opens stores on them.
type Backend struct {
	// New returns the address of a new, empty database.
	New func(t *testing.T) string
	// Open opens the database at addr and applies the migrations; the suite closes the store.
	Open func(t *testing.T, addr string) store.Store
	// Persistent says a database outlives the stores opened on it (not so in-memory SQLite).
	Persistent bool
}

// Run runs the whole conformance suite against a backend.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"OrgsAndTokens", testOrgsAndTokens},
		{"TeamsAndKeys", testTeamsAndKeys},
		{"ServiceApps", testServiceApps},
		{"SigningKey", testSigningKey},
		{"Pools", testPools},
		{"PoolSettings", testPoolSettings},
		{"Agents", testAgents},
		{"Jobs", testJobs},
		{"JobAgentsReplaced", testJobAgentsReplaced},
		{"JobVersionConflict", testJobVersionConflict},
		{"TxRollback", testTxRollback},
		{"ConcurrentTx", testConcurrentTx},
		{"Releases", testReleases},
		{"Leases", testLeases},
		{"Claims", testClaims},
		{"Events", testEvents},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := b.Open(t, b.New(t))
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
	t.Run("ReopenKeepsData", func(t *testing.T) {
		if !b.Persistent {
			t.Skip("the database ends with its store")
		}
		testReopen(t, b)
	})
}

// testReopen stores something, closes the store, opens the same database again (migrations must
// not be applied twice) and finds it.
func testReopen(t *testing.T, b Backend) {
	ctx := context.Background()
	addr := b.New(t)
	s := b.Open(t, addr)
	seedOrg(t, s, "org1")
	must(t, s.Close())
	s = b.Open(t, addr)
	defer s.Close()
	o, err := s.GetOrg(ctx, "org1")
	must(t, err)
	if o.Name != "org1" {
		t.Fatalf("after reopening: %+v", o)
	}
}

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

func seedOrg(t *testing.T, s store.Store, id string) {
	t.Helper()
	must(t, s.CreateOrg(context.Background(), store.Org{ID: id, Name: id, CreatedAt: t0}))
}

func seedPool(t *testing.T, s store.Store, org, id, typ string) store.Pool {
	t.Helper()
	p := store.Pool{ID: id, OrgID: org, Name: "pool " + id, Type: typ, CreatedAt: t0}
	must(t, s.CreatePool(context.Background(), p))
	return p
}

func seedAgent(t *testing.T, s store.Store, p store.Pool, id string, created time.Time) store.Agent {
	t.Helper()
	a := store.Agent{ID: id, OrgID: p.OrgID, PoolID: p.ID, Name: "agent " + id, Type: p.Type, Version: "3.20.0",
		Healthy: true, CreatedAt: created}
	must(t, s.CreateAgent(context.Background(), a))
	return a
}

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

func testTeamsAndKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	must(t, s.CreateTeam(ctx, store.Team{ID: "tm1", Name: "acme", CreatedAt: t0}))
	wantErr(t, s.CreateTeam(ctx, store.Team{ID: "tm2", Name: "acme", CreatedAt: t0}), store.ErrConflict)
	team, err := s.GetTeamByName(ctx, "acme")
	must(t, err)
	if team.ID != "tm1" {
		t.Fatalf("got %+v", team)
	}
	k := store.ServiceUserKey{ID: "key1", TeamID: "tm1", UserName: "svc", SecretHash: "sh",
		Roles: []string{"resource_admin", "security_admin"}, CreatedAt: t0}
	must(t, s.CreateServiceUserKey(ctx, k))
	got, err := s.GetServiceUserKey(ctx, "tm1", "key1")
	must(t, err)
	if got.SecretHash != "sh" || len(got.Roles) != 2 || got.Roles[1] != "security_admin" {
		t.Fatalf("got %+v", got)
	}
	must(t, s.CreateTeam(ctx, store.Team{ID: "tm2", Name: "other", CreatedAt: t0}))
	_, err = s.GetServiceUserKey(ctx, "tm2", "key1")
	wantErr(t, err, store.ErrNotFound)

	tok := store.ServiceToken{Hash: "th", TeamID: "tm1", KeyID: "key1", Roles: []string{"resource_admin"},
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	must(t, s.CreateServiceToken(ctx, tok))
	gotTok, err := s.GetServiceToken(ctx, "th", t0.Add(59*time.Minute))
	must(t, err)
	if gotTok.TeamID != "tm1" || len(gotTok.Roles) != 1 || !gotTok.ExpiresAt.Equal(tok.ExpiresAt) {
		t.Fatalf("got %+v", gotTok)
	}
	_, err = s.GetServiceToken(ctx, "th", t0.Add(time.Hour))
	wantErr(t, err, store.ErrNotFound)
	// Minting a token later forgets the expired one.
	must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: "th2", TeamID: "tm1", KeyID: "key1", CreatedAt: t0.Add(2 * time.Hour), ExpiresAt: t0.Add(3 * time.Hour)}))
	_, err = s.GetServiceToken(ctx, "th", t0)
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
	first, err := s.EnsureSigningKey(ctx, store.SigningKey{ID: "k1", Sealed: []byte{1, 2, 3}, CreatedAt: t0})
	must(t, err)
	second, err := s.EnsureSigningKey(ctx, store.SigningKey{ID: "k2", Sealed: []byte{4}, CreatedAt: t0})
	must(t, err)
	if first.ID != "k1" || second.ID != "k1" || string(second.Sealed) != string([]byte{1, 2, 3}) {
		t.Fatalf("first %+v second %+v", first, second)
	}
}
