package jobs

import (
	"context"
	"time"
)

// leaseTTL is how long a leader keeps the lease without renewing it: long enough to ride out a
// slow tick, short enough that another process takes over soon after the leader dies.
func (r *Runner) leaseTTL() time.Duration { return max(10*r.interval, 5*time.Second) }

// Run ticks every interval while this process holds the lease, until ctx ends; then it gives
// the lease up so that another process can take over at once.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		if err := r.TickIfLeader(ctx); err != nil && ctx.Err() == nil {
			r.log.WarnContext(ctx, "background tick failed", "lease", r.lease, "error", err)
		}
		select {
		case <-ctx.Done():
			r.Release()
			return
		case <-t.C:
		}
	}
}

// TickIfLeader takes or renews the lease and ticks if this process holds it.
func (r *Runner) TickIfLeader(ctx context.Context) error {
	now := r.realNow()
	leader, err := r.store.AcquireLease(ctx, r.lease, r.holder, now, now.Add(r.leaseTTL()))
	if err != nil || !leader {
		return err
	}
	return r.Tick(ctx)
}

// Release gives the lease up.
func (r *Runner) Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := r.realNow()
	// Renewing a lease with an expiry of now makes it free for anyone.
	_, _ = r.store.AcquireLease(ctx, r.lease, r.holder, now, now)
}
