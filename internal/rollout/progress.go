package rollout

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Progress states an agent reports about an update instruction.
const (
	StateStarted   = "started"
	StateInstalled = "installed"
	StateFailed    = "failed"
)

// msgFailed is the update message of a failure the agent did not explain.
const msgFailed = "The agent reported that the update failed."

// Progress records an agent's report on one of its update instructions. A report for an
// instruction that is not the agent's current attempt (the job was retried, edited or deleted,
// the update timed out) is a Conflict that changes nothing; repeating a report is harmless.
func (e *Engine) Progress(ctx context.Context, orgID, agentID, instructionID, state, message string) error {
	return e.inTx(ctx, func(q store.Queries) error {
		row, err := q.FindPoolUpdateAgent(ctx, instructionID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && row.AgentID != agentID) {
			return notCurrent(instructionID)
		}
		if err != nil {
			return err
		}
		a, err := q.GetAgent(ctx, orgID, agentID)
		if err != nil {
			return err
		}
		j, err := q.GetPoolUpdate(ctx, a.PoolID, row.JobID)
		if errors.Is(err, store.ErrNotFound) {
			return notCurrent(instructionID)
		}
		if err != nil {
			return err
		}
		before := agentpool.Clone(j)
		changed, err := e.advanceNow(ctx, q, &j) // a timeout already due counts first
		if err != nil {
			return err
		}
		i, err := agentIndex(&j, agentID)
		if err != nil {
			return err
		}
		// Advancing may have started a new attempt (after a retry) with a new instruction.
		next, ok := transition(j.Agents[i].Status, state)
		if !ok || j.Agents[i].InstructionID != instructionID {
			return notCurrent(instructionID)
		}
		if next != j.Agents[i].Status {
			agentpool.SetAgent(&j, i, next, reportMessage(next, message), e.clock.Now())
			if _, err := e.advanceNow(ctx, q, &j); err != nil {
				return err
			}
			changed = true
		}
		if !changed {
			return nil
		}
		return e.save(ctx, q, before, j)
	})
}

// transition is where a report moves an agent's update. Late repeats of a report the update has
// moved past leave it where it is; a report contradicting a finished update is refused.
func transition(current, state string) (string, bool) {
	switch current {
	case agentpool.StatusInProgress:
		switch state {
		case StateStarted:
			return agentpool.StatusInProgress, true
		case StateInstalled:
			return agentpool.StatusPendingCompletion, true
		case StateFailed:
			return agentpool.StatusFailed, true
		}
	case agentpool.StatusPendingCompletion:
		switch state {
		case StateStarted, StateInstalled:
			return current, true
		case StateFailed:
			return agentpool.StatusFailed, true
		}
	case agentpool.StatusSuccess:
		return current, state == StateStarted || state == StateInstalled
	case agentpool.StatusFailed:
		return current, state == StateFailed
	}
	return current, false
}

func reportMessage(status, message string) string {
	switch status {
	case agentpool.StatusPendingCompletion:
		return agentpool.MsgPending
	case agentpool.StatusFailed:
		if message != "" {
			return message
		}
		return msgFailed
	}
	return agentpool.MsgUpdating
}

func notCurrent(instructionID string) error {
	return fault.Conflictf("instruction %s is not the agent's current update", instructionID)
}
