package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/sqlite"
	"github.com/keyward/keyward/internal/store/sqlstore"
	"github.com/keyward/keyward/internal/store/storetest"
)

// TestCancelledCommitIsTheContextsError cancels a transaction's context before its commit and
// waits until database/sql has rolled it back: the commit then fails with sql.ErrTxDone, which
// InTx must report as the context's error (a client gone away, not a server failure), with
// nothing stored.
func TestCancelledCommitIsTheContextsError(t *testing.T) {
	backends := map[string]func(t *testing.T) *sqlstore.Store{
		"sqlite": func(t *testing.T) *sqlstore.Store {
			s, err := sqlite.Open(context.Background(), ":memory:")
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": func(t *testing.T) *sqlstore.Store {
			s, err := postgres.Open(context.Background(), storetest.PostgresURL(t), 4)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			ctx, cancel := context.WithCancel(context.Background())
			err := s.InTx(ctx, func(q store.Queries) error {
				if err := q.CreateTeam(ctx, store.Team{ID: "team-cancel", Name: "cancel", CreatedAt: time.Now()}); err != nil {
					t.Fatal(err)
				}
				cancel()
				// database/sql rolls the transaction back in the background once ctx is done.
				for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(time.Millisecond) {
					if _, err := q.GetTeamByName(context.Background(), "cancel"); err != nil && !errors.Is(err, store.ErrNotFound) {
						return nil // rolled back: let InTx commit a finished transaction
					}
				}
				t.Fatal("the transaction was never rolled back after its context ended")
				return nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("InTx: %v, want context.Canceled", err)
			}
			if _, err := s.GetTeamByName(context.Background(), "cancel"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the cancelled write was stored: %v", err)
			}
		})
	}
}
