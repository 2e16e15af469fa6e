package store

import (
	"context"
	"time"
)

// ADConnection is a team's connection to an Active Directory domain. keyward reaches no domain
// controller: Directory is what was last fed for the domain (the domain's JSON list of
// accounts), which a sync applies to the connection's accounts. RuleSettings is the domain's JSON
// of the matching settings; SyncStatus is the last sync's outcome.
type ADConnection struct {
	ID            string
	TeamID        string
	Domain        string // unique in the team
	AppInstanceID string
	Status        string
	SyncStatus    string
	Directory     []byte
	RuleSettings  []byte
	CreatedAt     time.Time
}

// ADAccount is an account of a connection's domain, as the last sync left it; SID is unique in
// the connection. ProjectID and ResourceGroupID are "" for an account no rule places. Body is the
// domain's JSON of the directory attributes and the match; UPN is kept apart for filtering.
type ADAccount struct {
	ID              string
	TeamID          string
	ConnectionID    string
	SID             string
	UPN             string
	ResourceGroupID string
	ProjectID       string
	Body            []byte
	SyncedAt        time.Time
}

// ADAccountFilter narrows an account list; empty fields do not filter.
type ADAccountFilter struct {
	ConnectionID string
	ProjectID    string
	SID          string
	UPNContains  string // ignoring ASCII case
}

// ADRule places a connection's accounts in a project; the lowest Priority (from 1) applies
// first. Body is the domain's JSON of the rest (type, organizational units, options).
type ADRule struct {
	ID              string
	TeamID          string
	ConnectionID    string
	Name            string // unique in the connection
	Priority        int
	ResourceGroupID string
	ProjectID       string
	Body            []byte
}

// OPADirectories are Active Directory connections, their accounts and their rules.
type OPADirectories interface {
	CreateADConnection(ctx context.Context, c ADConnection) error
	GetADConnection(ctx context.Context, teamID, id string) (ADConnection, error)
	// ListADConnections pages by id.
	ListADConnections(ctx context.Context, teamID string, p Page) ([]ADConnection, error)
	// UpdateADConnection replaces everything but the id, team, domain and creation time.
	UpdateADConnection(ctx context.Context, c ADConnection) error

	// PutADAccount creates or replaces an account by id.
	PutADAccount(ctx context.Context, a ADAccount) error
	DeleteADAccount(ctx context.Context, teamID, id string) error
	GetADAccount(ctx context.Context, teamID, id string) (ADAccount, error)
	// ListADAccounts pages by id.
	ListADAccounts(ctx context.Context, teamID string, f ADAccountFilter, p Page) ([]ADAccount, error)

	CreateADRule(ctx context.Context, r ADRule) error
	GetADRule(ctx context.Context, teamID, connectionID, id string) (ADRule, error)
	// ListADRules returns a connection's rules by priority.
	ListADRules(ctx context.Context, teamID, connectionID string) ([]ADRule, error)
	// UpdateADRule replaces everything but the id, team and connection.
	UpdateADRule(ctx context.Context, r ADRule) error
	DeleteADRule(ctx context.Context, teamID, connectionID, id string) error
}
