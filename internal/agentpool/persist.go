package agentpool

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/store"
)

var zeroTime time.Time

// SetAgent changes the status of the job's i-th agent, stamping when it changed.
func SetAgent(j *store.PoolUpdate, i int, status, message string, now time.Time) {
	a := &j.Agents[i]
	if a.Status != status {
		a.ChangedAt = now
	}
	a.Status, a.Message = status, message
}

// Clone copies a job deeply enough to keep it as it was while the copy changes.
func Clone(j store.PoolUpdate) store.PoolUpdate {
	j.Agents = append([]store.PoolUpdateAgent(nil), j.Agents...)
	if j.Schedule != nil {
		sc := *j.Schedule
		j.Schedule = &sc
	}
	return j
}

// SaveJob stores j, read as before (failing with store.ErrStale if it changed since), and
// mirrors the progress of each agent whose row changed onto the agent record, where
// listAgentPools shows it, and records the job's and its agents' status changes on ev.
func SaveJob(ctx context.Context, q store.Queries, ev *events.Log, before, j store.PoolUpdate) error {
	if err := q.SavePoolUpdate(ctx, j); err != nil {
		return err
	}
	if err := MirrorAgents(ctx, q, before, j); err != nil {
		return err
	}
	// Last: on PostgreSQL, appending an event holds the append order until the commit.
	return recordJob(ctx, ev, q, before, j)
}

// MirrorAgents copies the status and message of each agent whose row differs between before
// and j onto the agent's record. Only those agents are read and written: a save then neither
// overwrites what another job recorded on the other agents since, nor writes agents it has no
// news for, which would make every save collide with those agents' heartbeats.
func MirrorAgents(ctx context.Context, q store.Agents, before, j store.PoolUpdate) error {
	for i, ja := range j.Agents {
		if i < len(before.Agents) && before.Agents[i].AgentID == ja.AgentID &&
			before.Agents[i].Status == ja.Status && before.Agents[i].Message == ja.Message {
			continue
		}
		a, err := q.GetAgent(ctx, j.OrgID, ja.AgentID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if a.UpdateStatus == ja.Status && a.UpdateMessage == ja.Message {
			continue
		}
		a.UpdateStatus, a.UpdateMessage = ja.Status, ja.Message
		if err := q.UpdateAgent(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// saveAndView saves a changed job and returns its new representation.
func (s *Service) saveAndView(ctx context.Context, q store.Queries, before, j store.PoolUpdate) (JobView, error) {
	if err := SaveJob(ctx, q, s.Events, before, j); err != nil {
		return JobView{}, err
	}
	j.Version++
	return s.View(ctx, q, j)
}
