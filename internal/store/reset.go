package store

import "context"

// Resets empty one Okta org, one OPA team or the whole server, and delete pools and agents.
// Each operation is a handful of statements: run it inside Store.InTx so that nothing is ever
// half wiped. The tables each scope covers are listed in sqlstore/reset.go; a guard test
// (test/e2e) fails when a table with an org_id or team_id column is added without being listed.
type Resets interface {
	// ResetOrg deletes every row the org owns (pools with their agents, jobs and registration
	// tokens, service apps, API tokens, events) and keeps the org itself. keepAdminTokens keeps
	// its admin API tokens, so that the caller can go on.
	ResetOrg(ctx context.Context, orgID string, keepAdminTokens bool) error
	// ResetTeam deletes every row the team owns and keeps the team, its group keepGroupID, the
	// service users in that group and their API keys and tokens: the team as created. Work
	// items of the team's accounts go too.
	ResetTeam(ctx context.Context, teamID, keepGroupID string) error
	// ListOrgs returns every org, oldest first.
	ListOrgs(ctx context.Context) ([]Org, error)
	// DeleteOrg deletes an org and everything it owns.
	DeleteOrg(ctx context.Context, orgID string) error
	// DeleteTeam deletes a team and everything it owns.
	DeleteTeam(ctx context.Context, teamID string) error
	// ResetServerWide deletes what belongs to no org or team: the release catalog, every work
	// item and every used client assertion id. Signing keys and leases stay.
	ResetServerWide(ctx context.Context) error
	// DeletePool deletes a pool of the org with its agents, update jobs (and their progress)
	// and registration tokens; ErrNotFound if the org has no such pool.
	DeletePool(ctx context.Context, orgID, poolID string) error
	// DeleteAgent deletes an agent of the pool; the jobs that listed it go on without it (its
	// progress rows go). ErrNotFound if the pool has no such agent.
	DeleteAgent(ctx context.Context, orgID, poolID, agentID string) error
}

// ScopedTable is a table holding rows of one org or team, found in the database's catalog.
type ScopedTable struct {
	Table  string
	Column string // "org_id" or "team_id"
}

// Catalog reads the database's own description of its schema; tests use it to check that
// every scoped table is covered by the resets.
type Catalog interface {
	// ScopedTables lists every table with an org_id or team_id column, by table name.
	ScopedTables(ctx context.Context) ([]ScopedTable, error)
	// CountScoped counts the rows of a scoped table whose column holds id.
	CountScoped(ctx context.Context, t ScopedTable, id string) (int, error)
}
