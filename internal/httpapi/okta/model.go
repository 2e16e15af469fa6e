package okta

import (
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/store"
)

// Agent is Okta's Agent.
type Agent struct {
	ID                  string `json:"id"`
	IsHidden            bool   `json:"isHidden"`
	IsLatestGAedVersion bool   `json:"isLatestGAedVersion"`
	LastConnection      int64  `json:"lastConnection,omitempty"`
	Name                string `json:"name"`
	OperationalStatus   string `json:"operationalStatus"`
	PoolID              string `json:"poolId"`
	Type                string `json:"type"`
	UpdateMessage       string `json:"updateMessage,omitempty"`
	UpdateStatus        string `json:"updateStatus,omitempty"`
	Version             string `json:"version"`
}

// AgentPool is Okta's AgentPool, with the operationalAgents count Okta also sends.
type AgentPool struct {
	Agents            []Agent `json:"agents"`
	DisruptedAgents   int     `json:"disruptedAgents"`
	ID                string  `json:"id"`
	InactiveAgents    int     `json:"inactiveAgents"`
	OperationalAgents int     `json:"operationalAgents"`
	Name              string  `json:"name"`
	OperationalStatus string  `json:"operationalStatus"`
	Type              string  `json:"type"`
	Links             Links   `json:"_links"`
}

// Links is LinksSelf.
type Links struct {
	Self *Href `json:"self,omitempty"`
}

// Href is HrefObject.
type Href struct {
	Href string `json:"href"`
}

// Schedule is AutoUpdateSchedule.
type Schedule struct {
	Cron        string `json:"cron,omitempty"`
	Delay       int    `json:"delay,omitempty"`
	Duration    int    `json:"duration,omitempty"`
	LastUpdated string `json:"lastUpdated,omitempty"`
	Timezone    string `json:"timezone,omitempty"`
}

// Update is AgentPoolUpdate.
type Update struct {
	Agents        []Agent   `json:"agents"`
	AgentType     string    `json:"agentType,omitempty"`
	Enabled       bool      `json:"enabled"`
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	NotifyAdmin   bool      `json:"notifyAdmin"`
	Reason        string    `json:"reason,omitempty"`
	Schedule      *Schedule `json:"schedule,omitempty"`
	SortOrder     int       `json:"sortOrder,omitempty"`
	Status        string    `json:"status"`
	TargetVersion string    `json:"targetVersion,omitempty"`
	Links         Links     `json:"_links"`
}

// Settings is AgentPoolUpdateSettingResponse.
type Settings struct {
	AgentType               string `json:"agentType"`
	ContinueOnError         bool   `json:"continueOnError"`
	LatestVersion           string `json:"latestVersion,omitempty"`
	MinimalSupportedVersion string `json:"minimalSupportedVersion,omitempty"`
	PoolID                  string `json:"poolId"`
	PoolName                string `json:"poolName"`
	ReleaseChannel          string `json:"releaseChannel"`
}

// Presenter turns domain values into Okta's representation at one moment.
type Presenter struct {
	Now        time.Time
	Thresholds agentpool.Thresholds
	LatestGA   map[string]string // agent type → newest GA version
}

// Agent presents an agent; status and message are its progress in the job shown, if any.
func (p Presenter) Agent(a store.Agent, status, message string) Agent {
	return Agent{ID: a.ID, IsHidden: a.Hidden, IsLatestGAedVersion: a.Version == p.LatestGA[a.Type],
		LastConnection: millis(a.LastConnection), Name: a.Name, PoolID: a.PoolID, Type: a.Type, Version: a.Version,
		OperationalStatus: agentpool.AgentStatus(a, p.Now, p.Thresholds), UpdateStatus: status, UpdateMessage: message}
}

// Pool presents a pool with its agents and their counts.
func (p Presenter) Pool(pool store.Pool, agents []store.Agent) AgentPool {
	out := AgentPool{ID: pool.ID, Name: pool.Name, Type: pool.Type, Agents: make([]Agent, 0, len(agents)),
		Links: Links{Self: &Href{Href: "/api/v1/agentPools/" + pool.ID}}}
	var c agentpool.Counts
	for _, a := range agents {
		view := p.Agent(a, a.UpdateStatus, a.UpdateMessage)
		c.Add(view.OperationalStatus)
		out.Agents = append(out.Agents, view)
	}
	out.OperationalAgents, out.DisruptedAgents, out.InactiveAgents = c.Operational, c.Disrupted, c.Inactive
	out.OperationalStatus = c.PoolStatus()
	return out
}

// Update presents a job with each agent's progress in it.
func (p Presenter) Update(v agentpool.JobView) Update {
	j := v.Job
	out := Update{ID: j.ID, Name: j.Name, AgentType: j.AgentType, Enabled: j.Enabled, NotifyAdmin: j.NotifyAdmin,
		Reason: j.Reason, SortOrder: j.SortOrder, Status: j.Status, TargetVersion: j.TargetVersion,
		Agents: make([]Agent, 0, len(j.Agents)),
		Links:  Links{Self: &Href{Href: "/api/v1/agentPools/" + j.PoolID + "/updates/" + j.ID}}}
	for _, ja := range j.Agents {
		if a, ok := v.Agents[ja.AgentID]; ok {
			out.Agents = append(out.Agents, p.Agent(a, ja.Status, ja.Message))
		}
	}
	if s := j.Schedule; s != nil {
		out.Schedule = &Schedule{Cron: s.Cron, Delay: s.Delay, Duration: s.Duration, Timezone: s.Timezone}
		if !s.LastUpdated.IsZero() {
			out.Schedule.LastUpdated = s.LastUpdated.UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
	return out
}

// PresentSettings presents a pool's update settings.
func PresentSettings(s agentpool.Settings) Settings {
	return Settings{AgentType: s.AgentType, ContinueOnError: s.ContinueOnError, LatestVersion: s.LatestVersion,
		MinimalSupportedVersion: s.MinimalSupportedVersion, PoolID: s.PoolID, PoolName: s.PoolName, ReleaseChannel: s.ReleaseChannel}
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
