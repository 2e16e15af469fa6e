package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/store"
)

// A reset deletes one scope's rows table by table, children before the tables they reference
// (a project refers to its resource group without cascading). Every table with an org_id or
// team_id column must be named in OrgTables or TeamTables: the reset guard test compares these
// lists with the database's catalog, so a table added later cannot be forgotten.

// orgStep deletes an org's rows of one table; keep, when set, is the condition of rows a reset
// that keeps the admin tokens leaves.
type orgStep struct {
	table string
	keep  string
}

// orgSteps are the tables of an Okta org, in deletion order. Job progress (job_agents) and pool
// settings go with their jobs and pools.
var orgSteps = []orgStep{
	{table: "jobs"},
	{table: "agents"},
	{table: "registration_tokens"},
	{table: "pools"},
	{table: "service_apps"},
	{table: "api_tokens", keep: "admin"},
	{table: "events"},
}

// teamSteps are the tables of an OPA team, in deletion order. keep is the condition of rows a
// team reset leaves ($2 is the kept admin group): the group, its service users and their keys
// and tokens. Group members, resource group admins (and security admins), server instructions
// and policy groups go with the rows they belong to.
var teamSteps = []orgStep{
	{table: "events"},
	{table: "opa_checkouts"},
	{table: "opa_service_accounts"},
	{table: "opa_password_directory"},
	{table: "opa_directory_failures"},
	{table: "opa_saas_apps"},
	{table: "opa_ad_rules"},
	{table: "opa_ad_accounts"},
	{table: "opa_ad_connections"},
	{table: "opa_security_policies"},
	{table: "opa_project_settings"},
	{table: "opa_server_accounts"},
	{table: "opa_servers"},
	{table: "opa_enrollment_tokens"},
	{table: "opa_secret_items"},
	{table: "opa_projects"},
	{table: "opa_resource_groups"},
	{table: "opa_user_tokens"},
	{table: "opa_service_tokens", keep: `key_id IN (SELECT k.id FROM service_user_keys k WHERE k.team_id = $1 AND k.user_id IN (` + keptUsers + `))`},
	{table: "service_user_keys", keep: `user_id IN (` + keptUsers + `)`},
	{table: "opa_groups", keep: `id = $2`},
	{table: "opa_users", keep: `id IN (` + keptUsers + `)`},
}

// keptUsers are the service users of the kept admin group.
const keptUsers = `SELECT m.user_id FROM opa_group_members m JOIN opa_users u ON u.id = m.user_id
	WHERE m.group_id = $2 AND u.user_type = 'service'`

// teamWorkItems are the work items of the team's accounts: an item's id is "<account id>@<ms>"
// and every account with due work has a checkout row.
const teamWorkItems = `DELETE FROM work_items WHERE EXISTS (SELECT 1 FROM opa_checkouts c
	WHERE c.team_id = $1 AND substr(work_items.item_id, 1, length(c.account_id) + 1) = c.account_id || '@')`

// OrgTables and TeamTables name the scoped tables each reset covers.
func OrgTables() []string  { return tables(orgSteps) }
func TeamTables() []string { return tables(teamSteps) }

func tables(steps []orgStep) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.table
	}
	return out
}

func (q queries) ResetOrg(ctx context.Context, orgID string, keepAdminTokens bool) error {
	if err := q.deleteAssertions(ctx, orgID); err != nil {
		return err
	}
	for _, s := range orgSteps {
		query := `DELETE FROM ` + s.table + ` WHERE org_id = $1`
		if keepAdminTokens && s.keep != "" {
			query += ` AND NOT (` + s.keep + `)`
		}
		if _, err := q.exec(ctx, "reset org: "+s.table, query, orgID); err != nil {
			return err
		}
	}
	return nil
}

// deleteAssertions forgets the client assertion ids of the org's service apps.
func (q queries) deleteAssertions(ctx context.Context, orgID string) error {
	_, err := q.exec(ctx, "reset org: assertion ids", `DELETE FROM assertion_ids
		WHERE client_id IN (SELECT client_id FROM service_apps WHERE org_id = $1)`, orgID)
	return err
}

func (q queries) ResetTeam(ctx context.Context, teamID, keepGroupID string) error {
	if _, err := q.exec(ctx, "reset team: work items", teamWorkItems, teamID); err != nil {
		return err
	}
	for _, s := range teamSteps {
		query, args := `DELETE FROM `+s.table+` WHERE team_id = $1`, []any{teamID}
		if s.keep != "" {
			query, args = query+` AND NOT (`+s.keep+`)`, append(args, keepGroupID)
		}
		if _, err := q.exec(ctx, "reset team: "+s.table, query, args...); err != nil {
			return err
		}
	}
	return nil
}

func (q queries) DeleteOrg(ctx context.Context, orgID string) error {
	if err := q.ResetOrg(ctx, orgID, false); err != nil {
		return err
	}
	res, err := q.exec(ctx, "delete org", `DELETE FROM orgs WHERE id = $1`, orgID)
	return mustAffect(res, err, notFound("delete org", store.ErrNotFound))
}

func (q queries) DeleteTeam(ctx context.Context, teamID string) error {
	if err := q.ResetTeam(ctx, teamID, ""); err != nil {
		return err
	}
	res, err := q.exec(ctx, "delete team", `DELETE FROM teams WHERE id = $1`, teamID)
	return mustAffect(res, err, notFound("delete team", store.ErrNotFound))
}

func (q queries) ResetServerWide(ctx context.Context) error {
	for _, table := range []string{"releases", "work_items", "assertion_ids"} {
		if _, err := q.exec(ctx, "reset server: "+table, `DELETE FROM `+table); err != nil {
			return err
		}
	}
	return nil
}

func (q queries) DeletePool(ctx context.Context, orgID, poolID string) error {
	res, err := q.exec(ctx, "delete pool", `DELETE FROM pools WHERE org_id = $1 AND id = $2`, orgID, poolID)
	return mustAffect(res, err, notFound("delete pool", store.ErrNotFound))
}

func (q queries) DeleteAgent(ctx context.Context, orgID, poolID, agentID string) error {
	res, err := q.exec(ctx, "delete agent", `DELETE FROM agents WHERE org_id = $1 AND pool_id = $2 AND id = $3`, orgID, poolID, agentID)
	return mustAffect(res, err, notFound("delete agent", store.ErrNotFound))
}

// ScopedTables reads the catalog for tables with an org_id or team_id column.
func (s *Store) ScopedTables(ctx context.Context) ([]store.ScopedTable, error) {
	query := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name IN ('org_id', 'team_id') ORDER BY m.name`
	if s.d.Name == "postgres" {
		query = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name IN ('org_id', 'team_id') ORDER BY table_name`
	}
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("scoped tables: %w", err)
	}
	return collect(rows, func(r scanner) (store.ScopedTable, error) {
		var t store.ScopedTable
		return t, r.Scan(&t.Table, &t.Column)
	})
}

// CountScoped counts a scoped table's rows of one org or team; the table must be one the
// catalog lists, which keeps the names built into the statement safe.
func (s *Store) CountScoped(ctx context.Context, t store.ScopedTable, id string) (int, error) {
	known, err := s.ScopedTables(ctx)
	if err != nil {
		return 0, err
	}
	if !slices.Contains(known, t) {
		return 0, fmt.Errorf("count scoped: %s.%s is not a scoped table", t.Table, t.Column)
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.Table+` WHERE `+t.Column+` = $1`, id).Scan(&n)
	return n, err
}

var _ store.Catalog = (*Store)(nil)

func (q queries) ListOrgs(ctx context.Context) ([]store.Org, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+orgColumns+` FROM orgs ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	return collect(rows, scanOrg)
}
