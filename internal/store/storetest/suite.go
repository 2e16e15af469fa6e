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
		{"PoolsPage", testPoolsPage},
		{"PoolSettings", testPoolSettings},
		{"Agents", testAgents},
		{"Jobs", testJobs},
		{"JobAgentsReplaced", testJobAgentsReplaced},
		{"JobVersionConflict", testJobVersionConflict},
		{"TxRollback", testTxRollback},
		{"ConcurrentTx", testConcurrentTx},
		{"LockPoolTakesTurns", testLockPoolTakesTurns},
		{"CreateUnlessPresent", testCreateUnlessPresent},
		{"Releases", testReleases},
		{"Leases", testLeases},
		{"Claims", testClaims},
		{"Events", testEvents},
		{"EventsVisibleInOrder", testEventsVisibleInOrder},
		{"OPAUsers", testOPAUsers}, {"OPAGroups", testOPAGroups}, {"OPAKeysAndTokens", testOPAKeysAndTokens}, {"OPACaller", testOPACaller},
		{"ResourceGroups", testResourceGroups}, {"Projects", testProjects},
		{"EnrollmentTokens", testEnrollmentTokens}, {"Servers", testServers}, {"ServerInstructions", testServerInstructions},
		{"ProjectSettings", testProjectSettings}, {"SecurityPolicies", testSecurityPolicies},
		{"ADDirectories", testADDirectories},
		{"ServiceAccounts", testServiceAccounts},
		{"Checkouts", testCheckouts},
		{"PasswordDirectory", testPasswordDirectory},
		{"SecretItems", testSecretItems}, {"SecretFolderRace", testSecretFolderRace}, {"ParentGone", testParentGone}, {"GroupDeleteRacesProject", testGroupDeleteRacesProject},
		{"ResetTeam", testResetTeam}, {"ResetOrg", testResetOrg}, {"ResetIsAtomic", testResetIsAtomic},
		{"DeletePoolAndAgent", testDeletePoolAndAgent},
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
