package jobs_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/sqlite"
	"github.com/keyward/keyward/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// onBoth runs body once per backend with a function that opens one more store (one more
// "process") on the same database each time it is called.
func onBoth(t *testing.T, body func(t *testing.T, open func() store.Store)) {
	backends := map[string]struct {
		addr func(t *testing.T) string
		open func(ctx context.Context, addr string) (store.Store, error)
	}{
		"sqlite": {
			addr: func(t *testing.T) string { return filepath.Join(t.TempDir(), "keyward.db") },
			open: func(ctx context.Context, addr string) (store.Store, error) { return sqlite.Open(ctx, addr) },
		},
		"postgres": {
			addr: func(t *testing.T) string { return storetest.PostgresURL(t) },
			open: func(ctx context.Context, addr string) (store.Store, error) { return postgres.Open(ctx, addr, 4) },
		},
	}
	for name, b := range backends {
		t.Run(name, func(t *testing.T) {
			addr := b.addr(t)
			body(t, func() store.Store {
				t.Helper()
				s, err := b.open(context.Background(), addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// journal records what the test kinds did, in order.
type journal struct {
	mu      sync.Mutex
	entries []entry
}

type entry struct {
	kind, item string
	at         time.Time
}

func (j *journal) add(kind, item string, at time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, entry{kind, item, at})
}

func (j *journal) all() []entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]entry(nil), j.entries...)
}

// reminders is a test-only kind of due work kept in memory: each reminder is done once, at its
// moment. It stands for a kind that scans its own records, as the rollout does.
type reminders struct {
	name string
	log  *journal
	mu   sync.Mutex
	due  map[string]time.Time // reminder → when
	fail time.Time            // a tick at this moment cannot see its work
}

func (r *reminders) Name() string { return r.name }

func (r *reminders) Tick(ctx context.Context, now time.Time) (time.Time, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Equal(r.fail) {
		return time.Time{}, false, errCannotSee
	}
	var next time.Time
	found := false
	for name, at := range r.due {
		if !at.After(now) {
			r.log.add(r.name, name, now)
			delete(r.due, name)
		} else if !found || at.Before(next) {
			next, found = at, true
		}
	}
	return next, found, nil
}

var errCannotSee = errorString("cannot read the reminders")

type errorString string

func (e errorString) Error() string { return string(e) }

// runnerOn is one process's runner over s.
func runnerOn(s store.Store, o jobs.Options) *jobs.Runner {
	o.Store, o.Lease, o.Interval = s, "test", time.Hour
	return jobs.New(o)
}

// fakeReal is a real-time clock the test sets, for the claims' expiry.
type fakeReal struct{ offset atomic.Int64 }

var real0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func newFakeReal() *fakeReal { return &fakeReal{} }

func (f *fakeReal) now() time.Time { return real0.Add(time.Duration(f.offset.Load())) }

// set puts the clock d after its start.
func (f *fakeReal) set(d time.Duration) { f.offset.Store(int64(d)) }
