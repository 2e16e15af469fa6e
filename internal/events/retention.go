package events

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Retention bounds the log: at most Max events, none older than MaxAge on the rules' clock (0:
// no age limit). It is a kind of due work (internal/jobs): every tick prunes to Max, and it
// falls due when the oldest event reaches MaxAge, so that a clock jump prunes on the way.
type Retention struct {
	Store  store.Store
	Max    int
	MaxAge time.Duration
}

// Name names the kind.
func (r *Retention) Name() string { return "event-retention" }

// Tick prunes and reports when the oldest event left will be too old.
func (r *Retention) Tick(ctx context.Context, now time.Time) (time.Time, bool, error) {
	var before time.Time
	if r.MaxAge > 0 {
		before = now.Add(-r.MaxAge)
	}
	if _, err := r.Store.PruneEvents(ctx, r.Max, before); err != nil {
		return time.Time{}, false, err
	}
	if r.MaxAge <= 0 {
		return time.Time{}, false, nil
	}
	oldest, ok, err := r.Store.OldestEvent(ctx)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	return oldest.Add(r.MaxAge), true, nil
}
