package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/clock"
)

// ErrRealClock is returned when asked to move a clock that is real.
var ErrRealClock = errors.New("jobs: the clock is real; only a virtual clock (serve --virtual-clock) can be moved")

// maxJumpSteps bounds the due moments one jump may stop at, so that a rule that kept falling
// due could never hang a request.
const maxJumpSteps = 1_000_000

// Advance moves the virtual clock to target, stopping at every moment some kind's work falls
// due on the way (in order) and ticking every kind there, then ticks at target: what happens
// during a jump is what would have happened had the time really passed.
func (r *Runner) Advance(ctx context.Context, target time.Time) error {
	v, ok := r.clock.(*clock.Virtual)
	if !ok {
		return ErrRealClock
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jump(ctx, v, target)
}

// AdvanceBy is Advance to the virtual clock's time plus d, read under the same lock so that
// concurrent calls add up.
func (r *Runner) AdvanceBy(ctx context.Context, d time.Duration) (time.Time, error) {
	v, ok := r.clock.(*clock.Virtual)
	if !ok {
		return time.Time{}, ErrRealClock
	}
	if d < 0 {
		return time.Time{}, clock.ErrBackwards
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.jump(ctx, v, v.Now().Add(d))
	return v.Now(), err
}

func (r *Runner) jump(ctx context.Context, v *clock.Virtual, target time.Time) error {
	if target.Before(v.Now()) {
		return clock.ErrBackwards
	}
	// Work already overdue happens before the clock moves.
	next, ok, err := r.tick(ctx, v.Now())
	for range maxJumpSteps {
		// A kind that could not see its work (ctx ended, database gone) found nothing due only
		// because it saw nothing: moving on would skip work, so the clock stays where it is.
		if err != nil {
			return err
		}
		if !ok || next.After(target) {
			if err := v.Set(target); err != nil {
				return err
			}
			_, _, err = r.tick(ctx, target)
			return err
		}
		if err := v.Set(next); err != nil {
			return err
		}
		next, ok, err = r.tick(ctx, next)
	}
	return fmt.Errorf("jobs: more than %d due moments before %s", maxJumpSteps, target.Format(time.RFC3339))
}
