package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

const adRuleCols = `id, team_id, connection_id, name, priority, resource_group_id, project_id, body`

func scanADRule(r scanner) (store.ADRule, error) {
	var x store.ADRule
	var body string
	err := r.Scan(&x.ID, &x.TeamID, &x.ConnectionID, &x.Name, &x.Priority, &x.ResourceGroupID, &x.ProjectID, &body)
	x.Body = []byte(body)
	return x, err
}

func (q queries) CreateADRule(ctx context.Context, r store.ADRule) error {
	_, err := q.exec(ctx, "create ad rule", `INSERT INTO opa_ad_rules (`+adRuleCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.TeamID, r.ConnectionID, r.Name, r.Priority, r.ResourceGroupID,
		r.ProjectID, string(r.Body))
	return err
}

func (q queries) GetADRule(ctx context.Context, teamID, connectionID, id string) (store.ADRule, error) {
	r, err := scanADRule(q.db.QueryRowContext(ctx, `SELECT `+adRuleCols+` FROM opa_ad_rules
		WHERE team_id = $1 AND connection_id = $2 AND id = $3`, teamID, connectionID, id))
	if err != nil {
		return r, notFound("get ad rule", err)
	}
	return r, nil
}

func (q queries) ListADRules(ctx context.Context, teamID, connectionID string) ([]store.ADRule, error) {
	return list(ctx, q, `SELECT `+adRuleCols+` FROM opa_ad_rules WHERE team_id = $1 AND connection_id = $2
		ORDER BY priority, id`, []any{teamID, connectionID}, scanADRule)
}

func (q queries) UpdateADRule(ctx context.Context, r store.ADRule) error {
	res, err := q.exec(ctx, "update ad rule", `UPDATE opa_ad_rules SET name = $4, priority = $5, resource_group_id = $6,
		project_id = $7, body = $8 WHERE team_id = $1 AND connection_id = $2 AND id = $3`, r.TeamID, r.ConnectionID, r.ID,
		r.Name, r.Priority, r.ResourceGroupID, r.ProjectID, string(r.Body))
	return mustAffect(res, err, notFound("update ad rule", store.ErrNotFound))
}

func (q queries) DeleteADRule(ctx context.Context, teamID, connectionID, id string) error {
	res, err := q.exec(ctx, "delete ad rule", `DELETE FROM opa_ad_rules WHERE team_id = $1 AND connection_id = $2 AND id = $3`,
		teamID, connectionID, id)
	return mustAffect(res, err, notFound("delete ad rule", store.ErrNotFound))
}
