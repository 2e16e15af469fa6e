package rollout

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/store"
)

// Config paces the engine.
type Config struct {
	// UpdateTimeout fails an agent that stays InProgress or PendingCompletion this long.
	UpdateTimeout time.Duration
	// HeartbeatInterval is the interval agents are told to heartbeat at.
	HeartbeatInterval time.Duration
}

// Options are what an Engine is built from.
type Options struct {
	Store  store.Store
	Clock  clock.Clock // the rules' clock
	Log    *slog.Logger
	Config Config
	Events *events.Log // records job and agent status changes (nil: none)
}

// Engine runs update jobs: it answers the agent protocol and advances jobs as time passes.
type Engine struct {
	store  store.Store
	clock  clock.Clock
	log    *slog.Logger
	cfg    Config
	events *events.Log
	mu     sync.Mutex // one tick at a time in this process
}

// New returns an engine.
func New(o Options) *Engine {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Engine{store: o.Store, clock: o.Clock, log: o.Log, cfg: o.Config, events: o.Events}
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
func (e *Engine) save(ctx context.Context, q store.Queries, before, j store.PoolUpdate) error {
	j.UpdatedAt = e.clock.Now()
	if err := agentpool.SaveJob(ctx, q, e.events, before, j); err != nil {
		return err
	}
	if j.Status != before.Status {
		e.log.InfoContext(ctx, "update job", "job", j.ID, "pool", j.PoolID, "from", before.Status, "to", j.Status)
	}
	return nil
}
