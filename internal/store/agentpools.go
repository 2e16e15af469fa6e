package store

import (
	"context"
	"time"
)

// Pools are agent pools.
type Pools interface {
	CreatePool(ctx context.Context, p Pool) error
	GetPool(ctx context.Context, orgID, id string) (Pool, error)
	// LockPool is GetPool that, inside InTx, also holds the pool until the transaction ends:
	// another LockPool of it waits. It guards rules that span a pool's jobs.
	LockPool(ctx context.Context, orgID, id string) (Pool, error)
	// ListPools returns up to limit pools of one type with ids greater than afterID, by id.
	ListPools(ctx context.Context, orgID, poolType, afterID string, limit int) ([]Pool, error)
	GetPoolSettings(ctx context.Context, poolID string) (PoolSettings, error)
	PutPoolSettings(ctx context.Context, s PoolSettings) error
}

// Agents are the on-premises agents in pools.
type Agents interface {
	CreateAgent(ctx context.Context, a Agent) error
	GetAgent(ctx context.Context, orgID, id string) (Agent, error)
	GetAgentByName(ctx context.Context, poolID, name string) (Agent, error)
	GetAgentByCredential(ctx context.Context, hash string) (Agent, error)
	// ListAgents returns the agents of the given pools, ordered by pool then creation.
	ListAgents(ctx context.Context, poolIDs []string) ([]Agent, error)
	// UpdateAgent replaces an agent's mutable fields.
	UpdateAgent(ctx context.Context, a Agent) error
}

// UpdateJobs are agent pool update jobs with their per-agent progress.
type UpdateJobs interface {
	CreateJob(ctx context.Context, j Job) error
	// GetJob reads a job; inside InTx it also holds the job until the transaction ends, so that
	// transactions changing one job run one after the other.
	GetJob(ctx context.Context, poolID, id string) (Job, error)
	ListJobs(ctx context.Context, poolID string) ([]Job, error)
	// ListJobsByStatus returns every job (of every org) in one of the statuses, oldest first.
	ListJobsByStatus(ctx context.Context, statuses ...string) ([]Job, error)
	// SaveJob replaces a job and its agents' progress; it fails with ErrStale unless the stored
	// job's Version equals j.Version, and stores j.Version+1.
	SaveJob(ctx context.Context, j Job) error
	DeleteJob(ctx context.Context, poolID, id string) error
	// FindJobAgent returns the job progress row whose current instruction is instructionID.
	FindJobAgent(ctx context.Context, instructionID string) (JobAgent, error)
	// ListJobAgentsByAgent returns one agent's progress rows in every job, oldest job first.
	ListJobAgentsByAgent(ctx context.Context, agentID string) ([]JobAgent, error)
	// ListJobsWithAgentStatus returns every job (of every org) in status jobStatus with at least
	// one agent in one of agentStatuses, oldest first.
	ListJobsWithAgentStatus(ctx context.Context, jobStatus string, agentStatuses ...string) ([]Job, error)
}

// Releases are the agent versions published per agent type and channel.
type Releases interface {
	PutRelease(ctx context.Context, r Release) error
	ListReleases(ctx context.Context, agentType string) ([]Release, error)
}

// Pool is an agent pool.
type Pool struct {
	ID        string
	OrgID     string
	Name      string
	Type      string
	CreatedAt time.Time
}

// PoolSettings are a pool's update settings; a pool never configured has none stored.
type PoolSettings struct {
	PoolID          string
	AgentType       string
	ReleaseChannel  string
	ContinueOnError bool
}

// Agent is an on-premises agent. Health comes from its heartbeats; its operational status is
// derived from them when read.
type Agent struct {
	ID             string
	OrgID          string
	PoolID         string
	Name           string
	Type           string
	Version        string
	Hidden         bool
	Deactivated    bool
	Healthy        bool
	HealthMessage  string
	LastConnection time.Time // zero: never connected
	CredentialHash string
	UpdateStatus   string // the agent's progress in its most recent update job, if any
	UpdateMessage  string
	CreatedAt      time.Time
}

// Schedule is an update job's schedule.
type Schedule struct {
	Cron        string
	Timezone    string
	Duration    int // minutes
	Delay       int // days
	LastUpdated time.Time
}

// Job is an agent pool update job.
type Job struct {
	ID            string
	OrgID         string
	PoolID        string
	Name          string
	AgentType     string
	Enabled       bool
	NotifyAdmin   bool
	Reason        string
	SortOrder     int
	Status        string
	TargetVersion string
	Schedule      *Schedule
	WindowEnd     time.Time // end of the window the job is running in; zero when none
	Version       int64     // optimistic concurrency counter
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Agents        []JobAgent
}

// JobAgent is one agent's progress in a job, in the job's order.
type JobAgent struct {
	JobID         string
	AgentID       string
	Position      int
	Status        string
	Message       string
	Attempt       int
	InstructionID string    // the current attempt's instruction, once the agent is told
	Delivered     bool      // the instruction was handed to the agent
	ChangedAt     time.Time // when Status last changed
}

// Release is a published agent version.
type Release struct {
	AgentType  string
	Channel    string
	Version    string
	ReleasedAt time.Time
}
