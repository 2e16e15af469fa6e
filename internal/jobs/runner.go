package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// Kind is one kind of due work.
type Kind interface {
	// Name names the kind in logs and errors.
	Name() string
	// Tick does everything due at or before now and returns the earliest moment after now at
	// which more falls due (false: nothing will by the passing of time alone). It logs the
	// failures of single items itself and returns an error only when it could not see its work
	// at all: it then knows nothing of what is due, and a clock jump must stop.
	Tick(ctx context.Context, now time.Time) (next time.Time, ok bool, err error)
}

// Options are what a Runner is built from.
type Options struct {
	Store store.Store
	Clock clock.Clock // the rules' clock; a *clock.Virtual can be moved with Advance
	// RealNow is the lease's and the claims' clock: real time even under a virtual clock.
	RealNow func() time.Time
	Log     *slog.Logger
	// Lease names the leader lease of the processes sharing the store.
	Lease string
	// Interval is how often Run looks for due work.
	Interval time.Duration
	// ClaimTTL is how long a claimed work item stays with its holder (default one minute).
	ClaimTTL time.Duration
}

// Runner runs the registered kinds of due work: in a loop under a lease, or through a jump of
// a virtual clock.
type Runner struct {
	store    store.Store
	clock    clock.Clock
	realNow  func() time.Time
	log      *slog.Logger
	lease    string
	interval time.Duration
	claimTTL time.Duration
	holder   string     // this process's name in the lease and in claims
	mu       sync.Mutex // one tick or clock jump at a time in this process; guards kinds
	kinds    []Kind
}

// New returns a runner with no kinds.
func New(o Options) *Runner {
	if o.RealNow == nil {
		o.RealNow = clock.Real{}.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.ClaimTTL <= 0 {
		o.ClaimTTL = time.Minute
	}
	return &Runner{store: o.Store, clock: o.Clock, realNow: o.RealNow, log: o.Log, lease: o.Lease,
		interval: o.Interval, claimTTL: o.ClaimTTL, holder: ids.New("run")}
}

// Register adds a kind; kinds tick at one moment in the order they were registered.
func (r *Runner) Register(k Kind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds = append(r.kinds, k)
}

// Tick does the work of every kind that is due now.
func (r *Runner) Tick(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _, err := r.tick(ctx, r.clock.Now())
	return err
}

// tick ticks every kind at now and returns the earliest next due moment among them.
func (r *Runner) tick(ctx context.Context, now time.Time) (time.Time, bool, error) {
	var next time.Time
	found := false
	for _, k := range r.kinds {
		at, ok, err := k.Tick(ctx, now)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return time.Time{}, false, ctxErr
		}
		if err != nil {
			return time.Time{}, false, fmt.Errorf("jobs: %s: %w", k.Name(), err)
		}
		// A moment not after now would make a jump stand still; what a kind left undone now is
		// found again by the next tick.
		if ok && at.After(now) && (!found || at.Before(next)) {
			next, found = at, true
		}
	}
	return next, found, nil
}
