package agentpool

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/store"
)

var zeroTime time.Time

// SetAgent changes the status of the job's i-th agent, stamping when it changed.
func SetAgent(j *store.Job, i int, status, message string, now time.Time) {
	a := &j.Agents[i]
	if a.Status != status {
		a.ChangedAt = now
	}
	a.Status, a.Message = status, message
}

// SaveJob stores a job (failing with store.ErrStale if it changed since it was read) and
// mirrors its agents' progress onto the agents, where listAgentPools shows it.
func SaveJob(ctx context.Context, q store.Queries, j store.Job) error {
	if err := q.SaveJob(ctx, j); err != nil {
		return err
	}
	return MirrorAgents(ctx, q, j)
}

// MirrorAgents copies each job agent's status and message onto the agent record when it differs.
func MirrorAgents(ctx context.Context, q store.Queries, j store.Job) error {
	if len(j.Agents) == 0 {
		return nil
	}
	agents, err := q.ListAgents(ctx, []string{j.PoolID})
	if err != nil {
		return err
	}
	byID := make(map[string]store.Agent, len(agents))
	for _, a := range agents {
		byID[a.ID] = a
	}
	for _, ja := range j.Agents {
		a, ok := byID[ja.AgentID]
		if !ok || (a.UpdateStatus == ja.Status && a.UpdateMessage == ja.Message) {
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
func (s *Service) saveAndView(ctx context.Context, q store.Queries, j store.Job) (JobView, error) {
	if err := SaveJob(ctx, q, j); err != nil {
		return JobView{}, err
	}
	j.Version++
	return s.View(ctx, q, j)
}
