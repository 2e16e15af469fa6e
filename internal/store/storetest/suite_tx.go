package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testTxRollback(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	boom := errors.New("boom")
	err := s.InTx(ctx, func(q store.Queries) error {
		must(t, q.CreatePool(ctx, store.Pool{ID: "p1", OrgID: "org1", Name: "x", Type: "AD", CreatedAt: t0}))
		if _, err := q.GetPool(ctx, "org1", "p1"); err != nil {
			t.Errorf("pool not visible inside its transaction: %v", err)
		}
		return boom
	})
	wantErr(t, err, boom)
	_, err = s.GetPool(ctx, "org1", "p1")
	wantErr(t, err, store.ErrNotFound)
}

// testConcurrentTx runs read-modify-write transactions from several goroutines; none may be lost.
func testConcurrentTx(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	p := seedPool(t, s, "org1", "p1", "AD")
	seedAgent(t, s, p, "a1", t0)
	seedJob(t, s, p, "j1", "a1")
	const workers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- s.InTx(ctx, func(q store.Queries) error {
					j, err := q.GetPoolUpdate(ctx, "p1", "j1")
					if err != nil {
						return err
					}
					j.SortOrder++
					return q.SavePoolUpdate(ctx, j)
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	j, err := s.GetPoolUpdate(ctx, "p1", "j1")
	must(t, err)
	if j.SortOrder != workers*each || j.Version != workers*each {
		t.Fatalf("sortOrder %d version %d, want %d", j.SortOrder, j.Version, workers*each)
	}
}

// testLockPoolTakesTurns runs two transactions that each add a job to a pool only when it has
// none, the shape of the rules LockPool guards; however they interleave, the pool ends with one.
func testLockPoolTakesTurns(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	seedPool(t, s, "org1", "p1", "AD")
	_, err := s.LockPool(ctx, "org1", "nope")
	wantErr(t, err, store.ErrNotFound)
	raceTwo(t, s, func(q store.Queries, i int) error {
		if _, err := q.LockPool(ctx, "org1", "p1"); err != nil {
			return err
		}
		jobs, err := q.ListPoolUpdates(ctx, "p1")
		if err != nil || len(jobs) > 0 {
			return err
		}
		return q.CreatePoolUpdate(ctx, store.PoolUpdate{ID: "j" + string(rune('1'+i)), OrgID: "org1", PoolID: "p1",
			Status: "Scheduled", CreatedAt: t0, UpdatedAt: t0})
	})
	jobs, err := s.ListPoolUpdates(ctx, "p1")
	must(t, err)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1: both transactions acted on what they read before the other committed", len(jobs))
	}
}

// testCreateUnlessPresent runs two transactions that each create an agent of one name unless
// the pool has it already: both succeed and one agent results. The loser's insert collides with
// a row its snapshot could not see; it must be run again and find the row, not fail.
func testCreateUnlessPresent(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	p := seedPool(t, s, "org1", "p1", "AD")
	raceTwo(t, s, func(q store.Queries, i int) error {
		_, err := q.GetAgentByName(ctx, "p1", "edge")
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return q.CreateAgent(ctx, store.Agent{ID: "a" + string(rune('1'+i)), OrgID: "org1", PoolID: p.ID, Name: "edge",
			Type: "AD", CreatedAt: t0})
	})
	agents, err := s.ListAgents(ctx, []string{"p1"})
	must(t, err)
	if len(agents) != 1 {
		t.Fatalf("%d agents named edge, want 1", len(agents))
	}
}

// raceTwo runs fn in two concurrent transactions, i being 0 and 1, and fails the test unless both
// commit. Each first reads (taking its snapshot, where the backend has them) and waits a moment
// for the other to have read too, so that both read before either writes where the backend lets
// them; SQLite runs one write transaction at a time, and there the wait simply times out.
func raceTwo(t *testing.T, s store.Store, fn func(q store.Queries, i int) error) {
	t.Helper()
	ctx := context.Background()
	read := []chan struct{}{make(chan struct{}), make(chan struct{})}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		var once sync.Once
		wg.Go(func() {
			errs[i] = s.InTx(ctx, func(q store.Queries) error {
				if _, err := q.CountOrgs(ctx); err != nil {
					return err
				}
				once.Do(func() {
					close(read[i])
					select {
					case <-read[1-i]:
					case <-time.After(time.Second):
					}
				})
				return fn(q, i)
			})
		})
	}
	wg.Wait()
	must(t, errors.Join(errs...))
}
