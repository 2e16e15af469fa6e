package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/store"
)

// Only the lease holder ticks; once it gives the lease up (as Run does when it stops), another
// process ticks at once.
func TestOnlyTheLeaseHolderTicks(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		ctx := context.Background()
		vc := clock.NewVirtual(t0)
		log := &journal{}
		var runners []*jobs.Runner
		for _, name := range []string{"first", "second"} {
			r := runnerOn(open(), jobs.Options{Clock: vc})
			r.Register(&reminders{name: name, log: log, due: map[string]time.Time{"r": t0}})
			runners = append(runners, r)
		}
		must(t, runners[0].TickIfLeader(ctx))
		must(t, runners[1].TickIfLeader(ctx))
		if got := log.all(); len(got) != 1 || got[0].kind != "first" {
			t.Fatalf("ticks %v, want only the first process's", got)
		}
		runners[0].Release()
		must(t, runners[1].TickIfLeader(ctx))
		if got := log.all(); len(got) != 2 || got[1].kind != "second" {
			t.Fatalf("ticks %v, want the second process to tick once the lease was given up", got)
		}
	})
}

// Run ticks until its context ends and then gives the lease up.
func TestRunTicksAndReleasesOnShutdown(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		vc := clock.NewVirtual(t0)
		log := &journal{}
		s := open()
		r := runnerOn(s, jobs.Options{Clock: vc})
		r.Register(&reminders{name: "loop", log: log, due: map[string]time.Time{"r": t0}})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { r.Run(ctx); close(stopped) }()
		for len(log.all()) == 0 {
			time.Sleep(5 * time.Millisecond) // the first tick comes at once
		}
		cancel()
		<-stopped
		other := time.Now()
		ok, err := s.AcquireLease(context.Background(), "test", "other", other, other.Add(time.Minute))
		must(t, err)
		if !ok {
			t.Fatal("the lease was kept after Run stopped")
		}
	})
}
