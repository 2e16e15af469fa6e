package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const adConnectionCols = `id, team_id, domain, app_instance_id, status, sync_status, directory, rule_settings, created_at`

func scanADConnection(r scanner) (store.ADConnection, error) {
	var c store.ADConnection
	var dir, settings string
	var created int64
	err := r.Scan(&c.ID, &c.TeamID, &c.Domain, &c.AppInstanceID, &c.Status, &c.SyncStatus, &dir, &settings, &created)
	c.Directory, c.RuleSettings, c.CreatedAt = []byte(dir), []byte(settings), fromMS(created)
	return c, err
}

func (q queries) CreateADConnection(ctx context.Context, c store.ADConnection) error {
	_, err := q.exec(ctx, "create ad connection", `INSERT INTO opa_ad_connections (`+adConnectionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, c.TeamID, c.Domain, c.AppInstanceID, c.Status, c.SyncStatus,
		string(c.Directory), string(c.RuleSettings), ms(c.CreatedAt))
	return err
}

func (q queries) GetADConnection(ctx context.Context, teamID, id string) (store.ADConnection, error) {
	c, err := scanADConnection(q.db.QueryRowContext(ctx, `SELECT `+adConnectionCols+` FROM opa_ad_connections
		WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return c, notFound("get ad connection", err)
	}
	return c, nil
}

func (q queries) ListADConnections(ctx context.Context, teamID string, p store.Page) ([]store.ADConnection, error) {
	query, args := paged(`SELECT `+adConnectionCols+` FROM opa_ad_connections WHERE team_id = $1`, []any{teamID}, p, "", "id")
	return list(ctx, q, query, args, scanADConnection)
}

func (q queries) UpdateADConnection(ctx context.Context, c store.ADConnection) error {
	res, err := q.exec(ctx, "update ad connection", `UPDATE opa_ad_connections SET app_instance_id = $3, status = $4,
		sync_status = $5, directory = $6, rule_settings = $7 WHERE team_id = $1 AND id = $2`, c.TeamID, c.ID,
		c.AppInstanceID, c.Status, c.SyncStatus, string(c.Directory), string(c.RuleSettings))
	return mustAffect(res, err, notFound("update ad connection", store.ErrNotFound))
}

const adAccountCols = `id, team_id, connection_id, sid, upn, resource_group_id, project_id, body, synced_at`

func scanADAccount(r scanner) (store.ADAccount, error) {
	var a store.ADAccount
	var body string
	var synced int64
	err := r.Scan(&a.ID, &a.TeamID, &a.ConnectionID, &a.SID, &a.UPN, &a.ResourceGroupID, &a.ProjectID, &body, &synced)
	a.Body, a.SyncedAt = []byte(body), fromMS(synced)
	return a, err
}

// PutADAccount upserts by id; the row of another team is never overwritten.
func (q queries) PutADAccount(ctx context.Context, a store.ADAccount) error {
	res, err := q.exec(ctx, "put ad account", `INSERT INTO opa_ad_accounts (`+adAccountCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET sid = excluded.sid, upn = excluded.upn, resource_group_id = excluded.resource_group_id,
		project_id = excluded.project_id, body = excluded.body, synced_at = excluded.synced_at
		WHERE opa_ad_accounts.team_id = excluded.team_id AND opa_ad_accounts.connection_id = excluded.connection_id`,
		a.ID, a.TeamID, a.ConnectionID, a.SID, a.UPN, a.ResourceGroupID, a.ProjectID, string(a.Body), ms(a.SyncedAt))
	return mustAffect(res, err, notFound("put ad account", store.ErrNotFound))
}

func (q queries) DeleteADAccount(ctx context.Context, teamID, id string) error {
	res, err := q.exec(ctx, "delete ad account", `DELETE FROM opa_ad_accounts WHERE team_id = $1 AND id = $2`, teamID, id)
	return mustAffect(res, err, notFound("delete ad account", store.ErrNotFound))
}

func (q queries) GetADAccount(ctx context.Context, teamID, id string) (store.ADAccount, error) {
	a, err := scanADAccount(q.db.QueryRowContext(ctx, `SELECT `+adAccountCols+` FROM opa_ad_accounts
		WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return a, notFound("get ad account", err)
	}
	return a, nil
}

func (q queries) ListADAccounts(ctx context.Context, teamID string, f store.ADAccountFilter, p store.Page) ([]store.ADAccount, error) {
	var b strings.Builder
	b.WriteString(`SELECT ` + adAccountCols + ` FROM opa_ad_accounts WHERE team_id = $1`)
	args := []any{teamID}
	args = equalFilters(&b, args, [][2]string{{"connection_id", f.ConnectionID}, {"project_id", f.ProjectID}, {"sid", f.SID}})
	if f.UPNContains != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(f.UPNContains))+"%")
		fmt.Fprintf(&b, ` AND LOWER(upn) LIKE $%d ESCAPE '\'`, len(args))
	}
	query, args := paged(b.String(), args, p, "", "id")
	return list(ctx, q, query, args, scanADAccount)
}
