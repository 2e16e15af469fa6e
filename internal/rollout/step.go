package rollout

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/schedule"
	"github.com/keyward/keyward/internal/store"
)

// instructionPrefix starts every instruction id.
const instructionPrefix = "ins"

// facts are what advancing a job reads besides the job itself.
type facts interface {
	// ContinueOnError is the job's pool setting.
	ContinueOnError(ctx context.Context, j *store.PoolUpdate) (bool, error)
	// ReleasedAt is when the job's target version was released (zero when unknown).
	ReleasedAt(ctx context.Context, j *store.PoolUpdate) (time.Time, error)
	// AgentVersion is the version an agent of the job runs now.
	AgentVersion(ctx context.Context, j *store.PoolUpdate, agentID string) (string, error)
}

// maxSteps bounds one advance: each step changes the job, and a job cannot change more often
// than once per agent plus a few status moves.
func maxSteps(j *store.PoolUpdate) int { return 2*len(j.Agents) + 8 }

// advance applies every move that is due at now to j and reports whether j changed. It is the
// one place the per-job rules live; the tick, heartbeats and progress reports all go through it,
// so they can never disagree.
func advance(ctx context.Context, j *store.PoolUpdate, now time.Time, timeout time.Duration, f facts) (bool, error) {
	changed := false
	for range maxSteps(j) {
		moved, err := step(ctx, j, now, timeout, f)
		if err != nil || !moved {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

// step makes at most one move and reports whether it did.
func step(ctx context.Context, j *store.PoolUpdate, now time.Time, timeout time.Duration, f facts) (bool, error) {
	if expire(j, now, timeout) {
		return true, nil
	}
	if running(j.Status) && firstFailed(j) >= 0 {
		goOn, err := f.ContinueOnError(ctx, j)
		if err != nil {
			return false, err
		}
		if !goOn {
			cancelQueued(j, now)
			finish(j, agentpool.StatusFailed, now)
			return true, nil
		}
	}
	switch j.Status {
	case agentpool.StatusInProgress:
		return stepInProgress(ctx, j, now, f)
	case agentpool.StatusScheduled:
		return stepScheduled(ctx, j, now, f)
	}
	return false, nil // Paused, Cancelled and finished jobs only let their in-flight agent finish
}

func stepInProgress(ctx context.Context, j *store.PoolUpdate, now time.Time, f facts) (bool, error) {
	busy, next := inFlight(j) >= 0, nextQueued(j)
	if !busy && next < 0 {
		finish(j, outcome(j), now)
		return true, nil
	}
	if next >= 0 && windowClosed(j, now) {
		// Agents are left for the next window; an in-flight agent still finishes.
		j.Status, j.WindowEnd = agentpool.StatusScheduled, time.Time{}
		return true, nil
	}
	if busy {
		return false, nil
	}
	return true, start(ctx, j, next, now, f)
}

func stepScheduled(ctx context.Context, j *store.PoolUpdate, now time.Time, f facts) (bool, error) {
	if j.Schedule == nil {
		return false, nil
	}
	if inFlight(j) < 0 && nextQueued(j) < 0 {
		finish(j, outcome(j), now)
		return true, nil
	}
	if !j.Enabled || nextQueued(j) < 0 {
		return false, nil
	}
	released, err := f.ReleasedAt(ctx, j)
	if err != nil {
		return false, err
	}
	w, open, err := schedule.EligibleWindow(agentpool.ScheduleOf(j), now, released)
	if err != nil || !open {
		return false, err
	}
	j.Status, j.WindowEnd = agentpool.StatusInProgress, w.End
	return true, nil
}

// start begins the i-th agent's update: a new attempt with a new instruction, handed out on the
// agent's next heartbeat. An agent already on the target version needs none.
func start(ctx context.Context, j *store.PoolUpdate, i int, now time.Time, f facts) error {
	v, err := f.AgentVersion(ctx, j, j.Agents[i].AgentID)
	if err != nil {
		return err
	}
	if v == j.TargetVersion {
		agentpool.SetAgent(j, i, agentpool.StatusSuccess, agentpool.MsgCurrent, now)
		return nil
	}
	a := &j.Agents[i]
	a.Attempt++
	a.InstructionID, a.Delivered = ids.New(instructionPrefix), false
	agentpool.SetAgent(j, i, agentpool.StatusInProgress, agentpool.MsgUpdating, now)
	return nil
}

// windowClosed reports whether a scheduled job's window is over (or was never recorded).
func windowClosed(j *store.PoolUpdate, now time.Time) bool {
	return j.Schedule != nil && (j.WindowEnd.IsZero() || !now.Before(j.WindowEnd))
}

// expire fails every in-flight agent whose current state is older than the timeout.
func expire(j *store.PoolUpdate, now time.Time, timeout time.Duration) bool {
	changed := false
	for i, a := range j.Agents {
		if busy(a.Status) && !now.Before(a.ChangedAt.Add(timeout)) {
			agentpool.SetAgent(j, i, agentpool.StatusFailed, timeoutMessage(j.TargetVersion), now)
			changed = true
		}
	}
	return changed
}

func timeoutMessage(version string) string {
	return "Update timed out: the agent did not reconnect on version " + version
}

// finish ends a run. Only a run that ends in Success or Failed stamps the schedule.
func finish(j *store.PoolUpdate, status string, now time.Time) {
	j.Status, j.WindowEnd = status, time.Time{}
	if j.Schedule != nil {
		j.Schedule.LastUpdated = now
	}
}

func cancelQueued(j *store.PoolUpdate, now time.Time) {
	for i, a := range j.Agents {
		if a.Status == agentpool.StatusScheduled {
			agentpool.SetAgent(j, i, agentpool.StatusCancelled, agentpool.MsgCancelled, now)
		}
	}
}

// outcome is how a run with no work left ends.
func outcome(j *store.PoolUpdate) string {
	if firstFailed(j) >= 0 {
		return agentpool.StatusFailed
	}
	return agentpool.StatusSuccess
}

// running reports job statuses whose run is not over.
func running(status string) bool {
	return status == agentpool.StatusInProgress || status == agentpool.StatusScheduled || status == agentpool.StatusPaused
}

// busy reports agent statuses of an update under way.
func busy(status string) bool {
	return status == agentpool.StatusInProgress || status == agentpool.StatusPendingCompletion
}

func inFlight(j *store.PoolUpdate) int { return index(j, busy) }

func nextQueued(j *store.PoolUpdate) int {
	return index(j, func(s string) bool { return s == agentpool.StatusScheduled })
}

func firstFailed(j *store.PoolUpdate) int {
	return index(j, func(s string) bool { return s == agentpool.StatusFailed })
}

func index(j *store.PoolUpdate, match func(status string) bool) int {
	for i, a := range j.Agents {
		if match(a.Status) {
			return i
		}
	}
	return -1
}
