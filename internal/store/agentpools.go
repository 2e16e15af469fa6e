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
	// ListPoolsPage reads a page of listAgentPools in one statement: for each of types in turn,
	// up to limit+1 pools of that type with ids greater than after[type], by id (a pool beyond
	// limit tells that more follow), and the agents of the first limit pools of each type, ordered
	// by pool then creation, without their credential hashes.
	ListPoolsPage(ctx context.Context, orgID string, types []string, after map[string]string, limit int) ([]Pool, []Agent, error)
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

// PoolUpdates are agent pool update jobs with their per-agent progress.
type PoolUpdates interface {
	CreatePoolUpdate(ctx context.Context, j PoolUpdate) error
	// GetPoolUpdate reads a job; inside InTx it also holds the job until the transaction ends, so that
	// transactions changing one job run one after the other.
	GetPoolUpdate(ctx context.Context, poolID, id string) (PoolUpdate, error)
	ListPoolUpdates(ctx context.Context, poolID string) ([]PoolUpdate, error)
	// ListPoolUpdatesByStatus returns every job (of every org) in one of the statuses, oldest first.
	ListPoolUpdatesByStatus(ctx context.Context, statuses ...string) ([]PoolUpdate, error)
	// SavePoolUpdate replaces a job and its agents' progress; it fails with ErrStale unless the stored
	// job's Version equals j.Version, and stores j.Version+1.
	SavePoolUpdate(ctx context.Context, j PoolUpdate) error
	DeletePoolUpdate(ctx context.Context, poolID, id string) error
	// FindPoolUpdateAgent returns the job progress row whose current instruction is instructionID.
	FindPoolUpdateAgent(ctx context.Context, instructionID string) (PoolUpdateAgent, error)
	// ListPoolUpdateAgentsByAgent returns one agent's progress rows in every job, oldest job first.
	ListPoolUpdateAgentsByAgent(ctx context.Context, agentID string) ([]PoolUpdateAgent, error)
	// ListPoolUpdatesWithAgentStatus returns every job (of every org) in status jobStatus with at least
	// one agent in one of agentStatuses, oldest first.
	ListPoolUpdatesWithAgentStatus(ctx context.Context, jobStatus string, agentStatuses ...string) ([]PoolUpdate, error)
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

// PoolUpdate is an agent pool update job.
type PoolUpdate struct {
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
	Agents        []PoolUpdateAgent
}

// PoolUpdateAgent is one agent's progress in a job, in the job's order.
type PoolUpdateAgent struct {
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
