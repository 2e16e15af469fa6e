package rollout

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/store"
)

// Tick advances every job that has work due now, in due-time order. Each job moves in its own
// transaction; a job changed concurrently (by a request or another process) is left for the
// next tick, which sees the change and decides again.
func (e *Engine) Tick(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _, err := e.tick(ctx, e.clock.Now())
	return err
}

// errScan marks a tick that could not read the jobs at all, and so knows nothing of what is due.
var errScan = errors.New("rollout: reading the jobs")

type dueJob struct {
	at  time.Time
	job store.PoolUpdate
}

// tick advances what is due now and returns the next moment something falls due, from the same
// read of the jobs (the jobs it advanced are judged again as they were saved).
func (e *Engine) tick(ctx context.Context, now time.Time) (time.Time, bool, error) {
	jobs, err := e.candidates(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%w: %w", errScan, err)
	}
	var errs []error
	var due []dueJob
	var next nextDue
	f := newFacts(e.store)
	for _, j := range jobs {
		at, ok, err := dueAt(ctx, &j, now, e.cfg.UpdateTimeout, f)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("job %s: %w", j.ID, err))
		case ok && !at.After(now):
			due = append(due, dueJob{at, j})
		case ok:
			next.add(at)
		}
	}
	slices.SortStableFunc(due, func(a, b dueJob) int { return a.at.Compare(b.at) })
	for _, d := range due {
		j, err := e.advanceJob(ctx, d.job.PoolID, d.job.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("job %s: %w", d.job.ID, err))
			continue
		}
		if j.ID == "" {
			continue
		}
		if at, ok, err := dueAt(ctx, &j, now, e.cfg.UpdateTimeout, f); err == nil && ok && at.After(now) {
			next.add(at)
		}
	}
	return next.at, next.found, errors.Join(errs...)
}

// nextDue keeps the earliest of the moments it is given.
type nextDue struct {
	at    time.Time
	found bool
}

func (n *nextDue) add(t time.Time) {
	if !n.found || t.Before(n.at) {
		n.at, n.found = t, true
	}
}

// candidates are the jobs that may have due work: those waiting for or running in a window,
// paused ones, and stopped or failed ones whose last agent is still updating (it may time out).
// A run fails with an agent in flight when continueOnError is turned off while one is.
func (e *Engine) candidates(ctx context.Context) ([]store.PoolUpdate, error) {
	jobs, err := e.store.ListPoolUpdatesByStatus(ctx, agentpool.StatusScheduled, agentpool.StatusInProgress, agentpool.StatusPaused)
	if err != nil {
		return nil, err
	}
	for _, status := range []string{agentpool.StatusCancelled, agentpool.StatusFailed} {
		ended, err := e.store.ListPoolUpdatesWithAgentStatus(ctx, status, agentpool.StatusInProgress, agentpool.StatusPendingCompletion)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, ended...)
	}
	return jobs, nil
}

// advanceJob reads a job afresh and applies what is due, in one transaction. It returns the
// job as it now stands, or a zero job when it is gone or was changed concurrently.
func (e *Engine) advanceJob(ctx context.Context, poolID, jobID string) (store.PoolUpdate, error) {
	var out store.PoolUpdate
	err := e.store.InTx(ctx, func(q store.Queries) error {
		j, err := q.GetPoolUpdate(ctx, poolID, jobID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		before := agentpool.Clone(j)
		changed, err := advance(ctx, &j, e.clock.Now(), e.cfg.UpdateTimeout, newFacts(q))
		if err != nil || !changed {
			out = j
			return err
		}
		j.UpdatedAt = e.clock.Now()
		out = j
		return e.save(ctx, q, before, j)
	})
	if errors.Is(err, store.ErrStale) {
		return store.PoolUpdate{}, nil // another process moved it; the next tick judges it afresh
	}
	return out, err
}

// NextDue returns the earliest moment strictly after after at which some job's work becomes
// due: a window opening for an enabled scheduled job, a window closing on queued agents, an
// update timing out. Work already due is not reported; Tick does it.
func (e *Engine) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	jobs, err := e.candidates(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	var next nextDue
	f := newFacts(e.store)
	for _, j := range jobs {
		at, ok, err := dueAt(ctx, &j, after, e.cfg.UpdateTimeout, f)
		if err != nil {
			e.log.WarnContext(ctx, "cannot tell when an update job is due", "job", j.ID, "error", err)
			continue
		}
		if ok && at.After(after) {
			next.add(at)
		}
	}
	return next.at, next.found, nil
}
