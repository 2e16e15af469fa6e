package store

import "time"

// Org is an Okta organisation.
type Org struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// APIToken is an SSWS token; only its hash is kept. Admin tokens may also use /keyward/v1.
type APIToken struct {
	ID        string
	OrgID     string
	Name      string
	Hash      string
	Admin     bool
	CreatedAt time.Time
}

// Team is an OPA team.
type Team struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// ServiceUserKey is an OPA service user's API key; only the secret's hash is kept.
type ServiceUserKey struct {
	ID         string // the key_id clients send
	TeamID     string
	UserName   string
	SecretHash string
	Roles      []string
	CreatedAt  time.Time
}

// ServiceToken is an OPA bearer token minted from a service user key; only its hash is kept.
type ServiceToken struct {
	Hash      string
	TeamID    string
	KeyID     string
	Roles     []string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ServiceApp is an OAuth 2.0 service app using private_key_jwt.
type ServiceApp struct {
	ClientID  string
	OrgID     string
	Name      string
	Scopes    []string
	JWKS      []byte // public keys, JSON
	CreatedAt time.Time
}

// SigningKey is the key access tokens are signed with, sealed with the server's secret key.
type SigningKey struct {
	ID        string
	Sealed    []byte
	CreatedAt time.Time
}

// RegistrationToken lets agents register into one pool.
type RegistrationToken struct {
	ID        string
	OrgID     string
	PoolID    string
	Hash      string
	CreatedAt time.Time
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

// Event is one recorded state change.
type Event struct {
	ID        int64
	OrgID     string
	At        time.Time
	Actor     string
	RequestID string
	Kind      string
	Subject   string
	Data      string // JSON
}
