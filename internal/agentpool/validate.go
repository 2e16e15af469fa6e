package agentpool

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/schedule"
	"github.com/keyward/keyward/internal/store"
)

// checkShape is the part of a job's validation that needs no pool: Okta refuses a bad body
// (400) before it looks the pool up (404).
func checkShape(in JobInput, now time.Time) error {
	if causes := checkInput(in, nil, now); len(causes) > 0 {
		return fault.InvalidFields(causes...)
	}
	return nil
}

// checkInput checks a job's fields, and against the pool when p is known. A missing name,
// agentType or agent list is worded as Okta's recorded answers word it (Okta names the agent
// list agentList); every cause names its field, the first of them summarises the fault.
func checkInput(in JobInput, p *store.Pool, now time.Time) []fault.Cause {
	var causes []fault.Cause
	bad := func(text string) { causes = append(causes, fault.ParseCause(text)) }
	if strings.TrimSpace(in.Name) == "" {
		causes = append(causes, fault.Required("name", "name: is required"))
	}
	for _, c := range limits.Causes(limits.Check("name", strings.TrimSpace(in.Name), limits.Name),
		limits.Check("reason", in.Reason, limits.Reason)) {
		bad(c)
	}
	// Clients (Okta's SDKs among them) read sortOrder as a 32-bit integer.
	if in.SortOrder < math.MinInt32 || in.SortOrder > math.MaxInt32 {
		bad("sortOrder: must be a 32-bit integer")
	}
	switch {
	case in.AgentType == "":
		causes = append(causes, fault.Required("agentType", "agentType: is required"))
	case !ValidAgentType(in.AgentType):
		bad("agentType: must be one of " + strings.Join(AgentTypes, ", "))
	case p != nil && in.AgentType != p.Type:
		bad("agentType: must be the pool's agent type, " + p.Type)
	}
	switch {
	case len(in.AgentIDs) == 0:
		causes = append(causes, fault.Required("agentList", "agents: at least one agent is required"))
	case len(in.AgentIDs) > MaxJobAgents:
		bad("agents: at most " + strconv.Itoa(MaxJobAgents) + " agents per update")
	}
	if in.Schedule != nil {
		for _, fe := range schedule.Validate(*in.Schedule) {
			bad(fe.Error())
		}
		if len(causes) == 0 {
			if _, err := schedule.NextWindow(*in.Schedule, now); err != nil {
				bad(schedule.FieldCron + ": the expression never opens a window")
			}
		}
	}
	return causes
}

// checkAgents resolves the agent ids: each must be an agent of the pool, listed once, recent
// enough to auto-update, and (for a scheduled job) in no other scheduled job.
func (s *Service) checkAgents(ctx context.Context, q store.Queries, p store.Pool, jobID string, in JobInput) ([]store.Agent, []string, error) {
	if len(in.AgentIDs) == 0 || len(in.AgentIDs) > MaxJobAgents {
		return nil, nil, nil // checkInput reports it
	}
	all, err := q.ListAgents(ctx, []string{p.ID})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]store.Agent{}
	for _, a := range all {
		byID[a.ID] = a
	}
	owner := map[string]string{}
	if in.Schedule != nil {
		// Two edits of one pool's scheduled jobs, each reading the other's agents as free, must
		// not both commit: holding the pool makes them take turns.
		if _, err := q.LockPool(ctx, p.OrgID, p.ID); err != nil {
			return nil, nil, err
		}
		jobs, err := q.ListPoolUpdates(ctx, p.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, other := range jobs {
			if other.Schedule != nil && other.ID != jobID {
				for _, a := range other.Agents {
					owner[a.AgentID] = other.ID
				}
			}
		}
	}
	var causes []string
	seen := map[string]bool{}
	out := make([]store.Agent, 0, len(in.AgentIDs))
	minimal := MinimalSupportedVersion(p.Type)
	for i, id := range in.AgentIDs {
		a, ok := byID[id]
		switch {
		case id == "":
			causes = append(causes, fmt.Sprintf("agents[%d].id: is required", i))
		case !ok:
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s is not an agent of pool %s", i, id, p.ID))
		case seen[id]:
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s is listed more than once", i, id))
		case owner[id] != "":
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s already belongs to scheduled update %s", i, id, owner[id]))
		case CompareVersions(a.Version, minimal) < 0:
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s runs %s, older than the minimal supported version %s", i, id, a.Version, minimal))
		default:
			out = append(out, a)
		}
		seen[id] = true
	}
	return out, causes, nil
}
