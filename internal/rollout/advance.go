package rollout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/clock"
)

// ErrRealClock is returned when asked to move a clock that is real.
var ErrRealClock = errors.New("rollout: the clock is real; only a virtual clock (serve --virtual-clock) can be moved")

// maxJumpSteps bounds the due moments one jump may stop at, so that a rule that kept falling
// due could never hang a request.
const maxJumpSteps = 1_000_000

// Advance moves the virtual clock to target, stopping at every moment work falls due on the
// way (in order) and ticking there, then ticks at target: what happens during a jump is what
// would have happened had the time really passed, with the agents silent meanwhile.
func (e *Engine) Advance(ctx context.Context, target time.Time) error {
	v, ok := e.clock.(*clock.Virtual)
	if !ok {
		return ErrRealClock
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.jump(ctx, v, target)
}

// AdvanceBy is Advance to the virtual clock's time plus d, read under the same lock so that
// concurrent calls add up.
func (e *Engine) AdvanceBy(ctx context.Context, d time.Duration) (time.Time, error) {
	v, ok := e.clock.(*clock.Virtual)
	if !ok {
		return time.Time{}, ErrRealClock
	}
	if d < 0 {
		return time.Time{}, clock.ErrBackwards
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.jump(ctx, v, v.Now().Add(d))
	return v.Now(), err
}

func (e *Engine) jump(ctx context.Context, v *clock.Virtual, target time.Time) error {
	if target.Before(v.Now()) {
		return clock.ErrBackwards
	}
	// Work already overdue happens before the clock moves.
	next, ok, err := e.tickLogged(ctx)
	for range maxJumpSteps {
		// A tick that could not read the jobs (ctx ended, database gone) found nothing due only
		// because it saw nothing: moving on would skip work, so the clock stays where it is.
		if err != nil {
			return err
		}
		if !ok || next.After(target) {
			if err := v.Set(target); err != nil {
				return err
			}
			_, _, err = e.tickLogged(ctx)
			return err
		}
		if err := v.Set(next); err != nil {
			return err
		}
		next, ok, err = e.tickLogged(ctx)
	}
	return fmt.Errorf("rollout: more than %d due moments before %s", maxJumpSteps, target.Format(time.RFC3339))
}

// tickLogged ticks and logs a failure: one job that cannot advance must not stop the clock for
// every other one. It returns the next due moment the tick found, and an error only when the tick
// could not read the jobs at all.
func (e *Engine) tickLogged(ctx context.Context) (time.Time, bool, error) {
	next, ok, err := e.tick(ctx)
	if err == nil {
		return next, ok, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return next, ok, ctxErr
	}
	if errors.Is(err, errScan) {
		return next, ok, err
	}
	e.log.WarnContext(ctx, "rollout tick failed", "error", err)
	return next, ok, nil
}
