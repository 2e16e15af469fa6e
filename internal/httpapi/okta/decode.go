package okta

import (
	"net/http"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/schedule"
)

// updateBody is the part of an AgentPoolUpdate a client may set. Agents are read by id only, so
// clients of older spec versions (lastConnection as a date-time string) are accepted; id,
// status and _links are read-only and ignored.
type updateBody struct {
	Agents []struct {
		ID string `json:"id"`
	} `json:"agents"`
	AgentType     string `json:"agentType"`
	Enabled       bool   `json:"enabled"`
	Name          string `json:"name"`
	NotifyAdmin   bool   `json:"notifyAdmin"`
	Reason        string `json:"reason"`
	SortOrder     int    `json:"sortOrder"`
	TargetVersion string `json:"targetVersion"`
	Schedule      *struct {
		Cron     string `json:"cron"`
		Delay    int    `json:"delay"`
		Duration int    `json:"duration"`
		Timezone string `json:"timezone"`
	} `json:"schedule"`
}

func decodeUpdate(r *http.Request) (agentpool.JobInput, error) {
	var b updateBody
	if err := wire.Decode(r, &b); err != nil {
		return agentpool.JobInput{}, err
	}
	in := agentpool.JobInput{Name: b.Name, AgentType: b.AgentType, Enabled: b.Enabled, NotifyAdmin: b.NotifyAdmin,
		Reason: b.Reason, SortOrder: b.SortOrder, TargetVersion: b.TargetVersion}
	for _, a := range b.Agents {
		in.AgentIDs = append(in.AgentIDs, a.ID)
	}
	if s := b.Schedule; s != nil {
		in.Schedule = &schedule.Schedule{Cron: s.Cron, Timezone: s.Timezone, Duration: s.Duration, Delay: s.Delay}
	}
	return in, nil
}
