package store

import (
	"context"
	"time"
)

// EnrollmentToken admits servers into a project. Only the hash of its secret is kept; the
// token's value is derived again from its id when read (see pam/enrollment.go).
type EnrollmentToken struct {
	ID              string
	TeamID          string
	ResourceGroupID string
	ProjectID       string
	SecretHash      string
	Description     string
	CreatedByUser   string
	IssuedAt        time.Time
}

// Server is a host enrolled in a project by its agent; Hostname is unique in the project.
// Only the hash of the agent's credential is kept.
type Server struct {
	ID              string
	TeamID          string
	ResourceGroupID string
	ProjectID       string
	Hostname        string
	OSType          string
	OS              string
	AgentVersion    string
	Labels          map[string]string
	CredentialHash  string
	RegisteredAt    time.Time
	LastSeen        time.Time
}

// ServerFilter narrows a server list; empty fields do not filter.
type ServerFilter struct {
	ResourceGroupID  string
	ProjectID        string
	Hostname         string // exact
	HostnameContains string // ignoring ASCII case
	OSType           string
}

// ServerAccount is a local account an agent reported on its server; Login is unique on it.
type ServerAccount struct {
	ID              string
	TeamID          string
	ResourceGroupID string
	ProjectID       string
	ServerID        string
	Hostname        string // the server's, read with the account
	Login           string
	CreatedAt       time.Time
}

// AccountFilter narrows a server-account list; empty fields do not filter.
type AccountFilter struct {
	ResourceGroupID string
	ProjectID       string
	ServerID        string
}

// Server instruction statuses: pending until handed to the agent, delivered until it reports.
const (
	InstructionPending   = "PENDING"
	InstructionDelivered = "DELIVERED"
	InstructionSucceeded = "SUCCEEDED"
	InstructionFailed    = "FAILED"
)

// ServerInstruction is work for a server's agent. Attempt counts the times it was (re)queued;
// DeliveredAttempt is the last attempt handed out, so each attempt is handed out once.
type ServerInstruction struct {
	ID               string
	ServerID         string
	Kind             string
	Payload          string // JSON, the kind's own
	Attempt          int
	DeliveredAttempt int
	Status           string
	Result           string // JSON the agent reported
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// OPAServers is every OPA server aggregate.
type OPAServers interface {
	EnrollmentTokens
	Servers
	ServerAccounts
	ServerInstructions
}

// EnrollmentTokens are a project's server enrollment tokens.
type EnrollmentTokens interface {
	CreateEnrollmentToken(ctx context.Context, t EnrollmentToken) error
	GetEnrollmentToken(ctx context.Context, teamID, projectID, id string) (EnrollmentToken, error)
	// GetEnrollmentTokenBySecret finds a token of any team by its secret's hash.
	GetEnrollmentTokenBySecret(ctx context.Context, secretHash string) (EnrollmentToken, error)
	ListEnrollmentTokens(ctx context.Context, teamID, projectID string, p Page) ([]EnrollmentToken, error)
	DeleteEnrollmentToken(ctx context.Context, teamID, projectID, id string) error
}

// Servers are enrolled servers.
type Servers interface {
	// CreateServer adds a server; ErrConflict when its hostname is taken in the project.
	CreateServer(ctx context.Context, s Server) error
	// ReenrollServer replaces the agent-reported fields and the credential of a server.
	ReenrollServer(ctx context.Context, s Server) error
	GetServer(ctx context.Context, teamID, projectID, id string) (Server, error)
	GetServerByHostname(ctx context.Context, projectID, hostname string) (Server, error)
	// GetServerByCredential finds a server of any team by its credential's hash.
	GetServerByCredential(ctx context.Context, credentialHash string) (Server, error)
	ListServers(ctx context.Context, teamID string, f ServerFilter, p Page) ([]Server, error)
	DeleteServer(ctx context.Context, teamID, projectID, id string) error
	// SeeServer records a heartbeat time.
	SeeServer(ctx context.Context, id string, at time.Time) error
	// CountServers counts a project's servers last seen at or after activeSince, and the others.
	CountServers(ctx context.Context, teamID, projectID string, activeSince time.Time) (active, stale int, err error)
	// CountServersByProject is CountServers for several projects in one statement: each
	// project's [active, stale] counts; a project without servers is absent.
	CountServersByProject(ctx context.Context, teamID string, projectIDs []string, activeSince time.Time) (map[string][2]int, error)
}

// ServerAccounts are the local accounts servers reported.
type ServerAccounts interface {
	CreateServerAccount(ctx context.Context, a ServerAccount) error
	DeleteServerAccount(ctx context.Context, serverID, id string) error
	GetServerAccount(ctx context.Context, teamID, projectID, id string) (ServerAccount, error)
	ListServerAccounts(ctx context.Context, teamID string, f AccountFilter, p Page) ([]ServerAccount, error)
	// ListServerAccountsRotated is ListServerAccounts with each account's rotation outcome, read
	// in the same statement (a zero CheckoutRotation, but for its AccountID, when it has no state).
	ListServerAccountsRotated(ctx context.Context, teamID string, f AccountFilter, p Page) ([]ServerAccount, []CheckoutRotation, error)
}

// ServerInstructions are the work queued for servers' agents.
type ServerInstructions interface {
	CreateServerInstruction(ctx context.Context, in ServerInstruction) error
	// DeliverServerInstructions hands out a server's instructions whose current attempt was not
	// handed out yet, marking each delivered with a conditional update: of two processes serving
	// heartbeats at once, only one gets each attempt.
	DeliverServerInstructions(ctx context.Context, serverID string, at time.Time) ([]ServerInstruction, error)
	GetServerInstruction(ctx context.Context, serverID, id string) (ServerInstruction, error)
	// FinishServerInstruction records a delivered instruction's outcome; ErrNotFound unless it is delivered.
	FinishServerInstruction(ctx context.Context, serverID, id, status, result string, at time.Time) error
}
