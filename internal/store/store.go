package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Sentinel errors; backends wrap them with context using %w.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: already exists")
	ErrStale    = errors.New("store: changed concurrently")
)

// Store is an open database.
type Store interface {
	Queries
	// InTx runs fn in one transaction, retrying it on serialization failures.
	InTx(ctx context.Context, fn func(q Queries) error) error
	Ping(ctx context.Context) error
	Stats() sql.DBStats
	Close() error
	// Dialect names the backend: "sqlite" or "postgres".
	Dialect() string
}

// Queries is every aggregate's operations, bound to the database or to one transaction.
type Queries interface {
	Orgs
	Teams
	Credentials
	Pools
	Agents
	UpdateJobs
	Releases
	Leases
	Events
	Claims
}

// Orgs are Okta organisations: the owners of pools, tokens and service apps.
type Orgs interface {
	CreateOrg(ctx context.Context, o Org) error
	GetOrg(ctx context.Context, id string) (Org, error)
	CountOrgs(ctx context.Context) (int, error)
}

// Teams are OPA teams and their service users' API keys.
type Teams interface {
	CreateTeam(ctx context.Context, t Team) error
	GetTeamByName(ctx context.Context, name string) (Team, error)
	CreateServiceUserKey(ctx context.Context, k ServiceUserKey) error
	GetServiceUserKey(ctx context.Context, teamID, keyID string) (ServiceUserKey, error)
	// CreateServiceToken stores a bearer token and forgets tokens expired at t.CreatedAt.
	CreateServiceToken(ctx context.Context, t ServiceToken) error
	// GetServiceToken returns an unexpired token by hash.
	GetServiceToken(ctx context.Context, hash string, now time.Time) (ServiceToken, error)
}

// Credentials are API tokens, service apps, the OAuth signing key and agent registration tokens.
type Credentials interface {
	CreateAPIToken(ctx context.Context, t APIToken) error
	GetAPITokenByHash(ctx context.Context, hash string) (APIToken, error)
	CreateServiceApp(ctx context.Context, a ServiceApp) error
	GetServiceApp(ctx context.Context, clientID string) (ServiceApp, error)
	// UseAssertionID records a client assertion's jti; it returns ErrConflict if it was used before.
	UseAssertionID(ctx context.Context, clientID, jti string, now, expires time.Time) error
	// EnsureSigningKey stores k unless a key exists already, and returns the stored key.
	EnsureSigningKey(ctx context.Context, k SigningKey) (SigningKey, error)
	CreateRegistrationToken(ctx context.Context, t RegistrationToken) error
	GetRegistrationTokenByHash(ctx context.Context, hash string) (RegistrationToken, error)
}

// Pools are agent pools.
type Pools interface {
	CreatePool(ctx context.Context, p Pool) error
	GetPool(ctx context.Context, orgID, id string) (Pool, error)
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

// Leases let one of several keyward processes hold a named singleton role for a while.
type Leases interface {
	// AcquireLease takes or renews the lease for holder until expires; it reports whether holder
	// now holds it. A lease held by another holder is taken only once it has expired at now.
	AcquireLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error)
}

// Events are the bounded log of state changes.
type Events interface {
	AppendEvent(ctx context.Context, e Event) error
	// ListEvents returns events of an org with ids greater than afterID, oldest first.
	ListEvents(ctx context.Context, orgID string, afterID int64, limit int) ([]Event, error)
	// PruneEvents deletes all but the newest keep events.
	PruneEvents(ctx context.Context, keep int) error
}
