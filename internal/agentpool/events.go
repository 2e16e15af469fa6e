package agentpool

import (
	"context"

	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/store"
)

// Event types of update jobs and their agents.
const (
	EventJobCreated  = "job.created"
	EventJobStatus   = "job.status"
	EventJobDeleted  = "job.deleted"
	EventAgentStatus = "agent.status"
)

type jobState struct {
	Status  string `json:"status"`
	Enabled bool   `json:"enabled"`
	Target  string `json:"targetVersion,omitempty"`
}

type agentState struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	Job     string `json:"job"`
}

func jobResource(j store.PoolUpdate) string { return "job/" + j.ID }

func stateOf(j store.PoolUpdate) jobState {
	return jobState{Status: j.Status, Enabled: j.Enabled, Target: j.TargetVersion}
}

// recordJob records what changed between before and j: the job's status and each agent whose
// update status moved, in the agents' order. A job that ends does so after its agents' last
// moves; any other status change comes first.
func recordJob(ctx context.Context, ev *events.Log, q store.Queries, before, j store.PoolUpdate) error {
	status := func() error {
		if before.Status == j.Status {
			return nil
		}
		return ev.Record(ctx, q, events.Change{Type: EventJobStatus, Org: j.OrgID, Resource: jobResource(j),
			Summary: "update job " + j.ID + " of pool " + j.PoolID + ": " + before.Status + " to " + j.Status,
			Before:  stateOf(before), After: stateOf(j)})
	}
	ended := j.Status == StatusSuccess || j.Status == StatusFailed || j.Status == StatusCancelled
	if !ended {
		if err := status(); err != nil {
			return err
		}
	}
	for i, a := range j.Agents {
		var was store.PoolUpdateAgent
		if i < len(before.Agents) && before.Agents[i].AgentID == a.AgentID {
			was = before.Agents[i]
		}
		if was.Status == a.Status {
			continue
		}
		if err := ev.Record(ctx, q, events.Change{Type: EventAgentStatus, Org: j.OrgID, Resource: "agent/" + a.AgentID,
			Summary: "agent " + a.AgentID + " in update job " + j.ID + ": " + orNone(was.Status) + " to " + a.Status,
			Before:  agentState{Status: was.Status, Message: was.Message, Job: j.ID},
			After:   agentState{Status: a.Status, Message: a.Message, Job: j.ID}}); err != nil {
			return err
		}
	}
	if ended {
		return status()
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
