package jobs_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/store"
)

// counter counts how often each work item ran.
type counter struct {
	mu   sync.Mutex
	runs map[string]int
}

func (c *counter) do(ctx context.Context, it store.WorkItem, now time.Time) error {
	c.mu.Lock()
	c.runs[it.ID]++
	c.mu.Unlock()
	runtime.Gosched() // let the other process claim meanwhile
	return nil
}

func (c *counter) done() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.runs)
}

// Two processes ticking the same items at once never run one item twice, and together run all.
func TestTwoProcessesNeverRunAnItemTwice(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		ctx := context.Background()
		const items = 300
		vc := clock.NewVirtual(t0.Add(time.Hour))
		stores := []store.Store{open(), open()}
		for i := range items {
			must(t, stores[0].AddWorkItem(ctx, store.WorkItem{Kind: "rotation", ID: fmt.Sprintf("item-%03d", i),
				DueAt: t0.Add(time.Duration(i) * time.Second)}))
		}
		c := &counter{runs: map[string]int{}}
		var ran [2]atomic.Int64
		var wg sync.WaitGroup
		for p, s := range stores {
			r := runnerOn(s, jobs.Options{Clock: vc})
			r.RegisterItems("rotation", func(ctx context.Context, it store.WorkItem, now time.Time) error {
				ran[p].Add(1)
				return c.do(ctx, it, now)
			})
			wg.Go(func() {
				// Tick until every item ran, failing only if a tick errs.
				for c.done() < items {
					if err := r.Tick(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		for id, n := range c.runs {
			if n != 1 {
				t.Errorf("%s ran %d times", id, n)
			}
		}
		if len(c.runs) != items {
			t.Errorf("%d of %d items ran", len(c.runs), items)
		}
		t.Logf("items run by each process: %d, %d", ran[0].Load(), ran[1].Load())
	})
}

// An item whose process died while holding it is run by another process once the claim has
// expired in real time, not before, and only once.
func TestExpiredClaimIsTakenOver(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		ctx := context.Background()
		vc, real := clock.NewVirtual(t0), newFakeReal()
		s := open()
		must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "expiry", ID: "checkout-1", DueAt: t0}))

		dead := runnerOn(open(), jobs.Options{Clock: vc, RealNow: real.now, ClaimTTL: time.Minute})
		got, err := dead.Claim(ctx, "expiry", vc.Now())
		must(t, err)
		if len(got) != 1 || got[0].ID != "checkout-1" {
			t.Fatalf("first process claimed %+v", got)
		}
		// ...and dies before running it.

		c := &counter{runs: map[string]int{}}
		r := runnerOn(s, jobs.Options{Clock: vc, RealNow: real.now, ClaimTTL: time.Minute})
		r.RegisterItems("expiry", c.do)
		real.set(59 * time.Second)
		must(t, r.Tick(ctx))
		if c.done() != 0 {
			t.Fatalf("an item was taken from a live claim: %v", c.runs)
		}
		real.set(time.Minute)
		must(t, r.Tick(ctx))
		must(t, r.Tick(ctx))
		if c.runs["checkout-1"] != 1 {
			t.Fatalf("after the claim expired the item ran %d times, want once", c.runs["checkout-1"])
		}
		if again, err := dead.Claim(ctx, "expiry", vc.Now()); err != nil || len(again) != 0 {
			t.Fatalf("the dead process could claim a finished item: %+v %v", again, err)
		}
	})
}

// An item that fails keeps its claim until the claim expires and is then tried again, without
// holding up the items due after it.
func TestFailedItemIsRetriedAfterItsClaim(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		ctx := context.Background()
		vc, real := clock.NewVirtual(t0), newFakeReal()
		s := open()
		r := runnerOn(s, jobs.Options{Clock: vc, ClaimTTL: time.Minute, RealNow: real.now})
		attempts := map[string]int{}
		r.RegisterItems("rotation", func(ctx context.Context, it store.WorkItem, now time.Time) error {
			attempts[it.ID]++
			if it.ID == "flaky" && attempts[it.ID] == 1 {
				return errCannotSee
			}
			return nil
		})
		must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "rotation", ID: "flaky", DueAt: t0}))
		must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "rotation", ID: "later", DueAt: t0}))
		must(t, r.Tick(ctx))
		must(t, r.Tick(ctx))
		if attempts["flaky"] != 1 || attempts["later"] != 1 {
			t.Fatalf("before the claim expired: %v, want one attempt each", attempts)
		}
		real.set(time.Minute)
		must(t, r.Tick(ctx))
		must(t, r.Tick(ctx))
		if attempts["flaky"] != 2 || attempts["later"] != 1 {
			t.Fatalf("after the claim expired: %v, want the failed item tried once more", attempts)
		}
	})
}
