package rollout

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/jobs"
)

// LeaseName names the lease under which one of several processes ticks the rollout.
const LeaseName = "rollout"

// Kind is the rollout as a kind of due work on a jobs.Runner.
func (e *Engine) Kind() jobs.Kind { return kind{e} }

type kind struct{ e *Engine }

func (kind) Name() string { return "rollout" }

// Tick advances every job with work due at now. One job that cannot advance must not stop the
// clock for every other one: its failure is logged, and only a tick that could not read the jobs
// at all is an error.
func (k kind) Tick(ctx context.Context, now time.Time) (time.Time, bool, error) {
	k.e.mu.Lock()
	defer k.e.mu.Unlock()
	next, ok, err := k.e.tick(ctx, now)
	if err == nil {
		return next, ok, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return next, ok, ctxErr
	}
	if errors.Is(err, errScan) {
		return next, ok, err
	}
	k.e.log.WarnContext(ctx, "rollout tick failed", "error", err)
	return next, ok, nil
}
