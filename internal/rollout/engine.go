package rollout

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// Config paces the engine.
type Config struct {
	// UpdateTimeout fails an agent that stays InProgress or PendingCompletion this long.
	UpdateTimeout time.Duration
	// TickInterval is how often Run looks for due work.
	TickInterval time.Duration
	// HeartbeatInterval is the interval agents are told to heartbeat at.
	HeartbeatInterval time.Duration
}

// Options are what an Engine is built from.
type Options struct {
	Store store.Store
	Clock clock.Clock // the rules' clock; a *clock.Virtual can be moved with Advance
	// RealNow is the leader lease's clock. It is real time even under a virtual clock: a lease
	// must expire when a process dies, however far the virtual clock was moved.
	RealNow func() time.Time
	Log     *slog.Logger
	Config  Config
}

// Engine runs update jobs: it answers the agent protocol and advances jobs as time passes.
type Engine struct {
	store   store.Store
	clock   clock.Clock
	realNow func() time.Time
	log     *slog.Logger
	cfg     Config
	holder  string     // this process's name in the leader lease
	mu      sync.Mutex // one tick or clock jump at a time in this process
}

// New returns an engine.
func New(o Options) *Engine {
	if o.RealNow == nil {
		o.RealNow = clock.Real{}.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Engine{store: o.Store, clock: o.Clock, realNow: o.RealNow, log: o.Log, cfg: o.Config, holder: ids.New("eng")}
}

// leaseName names the rollout engine's leader lease.
const leaseName = "rollout"

// leaseTTL is how long a leader keeps the lease without renewing it: long enough to ride out a
// slow tick, short enough that another process takes over soon after the leader dies.
func (e *Engine) leaseTTL() time.Duration { return max(10*e.cfg.TickInterval, 5*time.Second) }

// Run ticks every TickInterval while this process holds the leader lease, until ctx ends; then
// it gives the lease up so that another process can take over at once.
func (e *Engine) Run(ctx context.Context) {
	t := time.NewTicker(e.cfg.TickInterval)
	defer t.Stop()
	for {
		if err := e.tickIfLeader(ctx); err != nil && ctx.Err() == nil {
			e.log.WarnContext(ctx, "rollout tick failed", "error", err)
		}
		select {
		case <-ctx.Done():
			e.release()
			return
		case <-t.C:
		}
	}
}

func (e *Engine) tickIfLeader(ctx context.Context) error {
	now := e.realNow()
	leader, err := e.store.AcquireLease(ctx, leaseName, e.holder, now, now.Add(e.leaseTTL()))
	if err != nil || !leader {
		return err
	}
	return e.Tick(ctx)
}

func (e *Engine) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := e.realNow()
	// Renewing a lease with an expiry of now makes it free for anyone.
	_, _ = e.store.AcquireLease(ctx, leaseName, e.holder, now, now)
}

// inTx runs fn in a transaction, running it again when it lost a compare-and-swap (another
// request or process changed the job first) or a race to create an agent.
func (e *Engine) inTx(ctx context.Context, fn func(q store.Queries) error) error {
	const attempts = 5
	var err error
	for range attempts {
		err = e.store.InTx(ctx, fn)
		if !errors.Is(err, store.ErrStale) && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return err
}

// save stores a job changed from before (see agentpool.SaveJob) and logs status changes.
func (e *Engine) save(ctx context.Context, q store.Queries, before, j store.Job) error {
	j.UpdatedAt = e.clock.Now()
	if err := agentpool.SaveJob(ctx, q, before, j); err != nil {
		return err
	}
	if j.Status != before.Status {
		e.log.InfoContext(ctx, "update job", "job", j.ID, "pool", j.PoolID, "from", before.Status, "to", j.Status)
	}
	return nil
}
