package rollout

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/schedule"
	"github.com/keyward/keyward/internal/store"
)

// dueAt returns the earliest moment at which advance would change j if nothing else happened
// to it, judged at the instant at. A moment at or before at means the job has work now; false
// means nothing will ever become due by the passing of time alone (an agent must act first).
//
// It must agree with step: a job found due must be changed by advance at that moment, or the
// tick would open a transaction for nothing on every pass.
func dueAt(ctx context.Context, j *store.PoolUpdate, at time.Time, timeout time.Duration, f facts) (time.Time, bool, error) {
	var due time.Time
	found := false
	add := func(t time.Time) {
		if !found || t.Before(due) {
			due, found = t, true
		}
	}
	now := j.UpdatedAt // work that is due at once dates from the job's last change
	if now.After(at) {
		now = at // another process's clock may run slightly ahead
	}
	for _, a := range j.Agents {
		if busy(a.Status) {
			add(a.ChangedAt.Add(timeout))
		}
	}
	if running(j.Status) && firstFailed(j) >= 0 {
		goOn, err := f.ContinueOnError(ctx, j)
		if err != nil {
			return due, false, err
		}
		if !goOn {
			add(now)
		}
	}
	inflight, queued := inFlight(j) >= 0, nextQueued(j) >= 0
	switch j.Status {
	case agentpool.StatusInProgress:
		switch {
		case !inflight:
			add(now) // start the next agent, close the window, or end the run
		case queued && j.Schedule != nil:
			add(j.WindowEnd)
		}
	case agentpool.StatusScheduled:
		if j.Schedule == nil {
			break
		}
		if !inflight && !queued {
			add(now)
			break
		}
		if !j.Enabled || !queued {
			break
		}
		start, ok, err := windowStart(ctx, j, at, f)
		if err != nil {
			return due, false, err
		}
		if ok {
			add(start)
		}
	}
	return due, found, nil
}

// windowStart is the start of the eligible window open at at, else of the next one.
func windowStart(ctx context.Context, j *store.PoolUpdate, at time.Time, f facts) (time.Time, bool, error) {
	released, err := f.ReleasedAt(ctx, j)
	if err != nil {
		return time.Time{}, false, err
	}
	s := agentpool.ScheduleOf(j)
	w, open, err := schedule.EligibleWindow(s, at, released)
	if err != nil || open {
		return w.Start, open, err
	}
	w, err = schedule.NextEligibleWindow(s, at, released)
	if errors.Is(err, schedule.ErrNoWindow) {
		return time.Time{}, false, nil
	}
	return w.Start, err == nil, err
}
