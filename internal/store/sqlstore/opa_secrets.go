package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const secretItemCols = `id, team_id, project_id, parent_id, kind, name, description, sealed_value,
	created_at, created_by, updated_at, updated_by`

func scanSecretItem(r scanner) (store.SecretItem, error) {
	var it store.SecretItem
	var desc sql.NullString
	var created, updated int64
	err := r.Scan(&it.ID, &it.TeamID, &it.ProjectID, &it.ParentID, &it.Kind, &it.Name, &desc, &it.Value,
		&created, &it.CreatedBy, &updated, &it.UpdatedBy)
	if desc.Valid {
		it.Description = &desc.String
	}
	it.CreatedAt, it.UpdatedAt = fromMS(created), fromMS(updated)
	return it, err
}

// CreateSecretItem inserts the item only when its parent is a folder of the same project (or it
// is top-level), in one statement.
func (q queries) CreateSecretItem(ctx context.Context, it store.SecretItem) error {
	res, err := q.exec(ctx, "create secret item", `INSERT INTO opa_secret_items (`+secretItemCols+`)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS BIGINT), $10, CAST($11 AS BIGINT), $12
		WHERE $13 = '' OR EXISTS (SELECT 1 FROM opa_secret_items p
			WHERE p.id = $13 AND p.team_id = $2 AND p.project_id = $3 AND p.kind = $14)`,
		it.ID, it.TeamID, it.ProjectID, it.ParentID, it.Kind, it.Name, it.Description, it.Value,
		ms(it.CreatedAt), it.CreatedBy, ms(it.UpdatedAt), it.UpdatedBy, it.ParentID, store.SecretFolder)
	return mustAffect(res, err, notFound("create secret item", store.ErrNotFound))
}

func (q queries) GetSecretItem(ctx context.Context, teamID, projectID, id string) (store.SecretItem, error) {
	it, err := scanSecretItem(q.db.QueryRowContext(ctx, `SELECT `+secretItemCols+` FROM opa_secret_items
		WHERE team_id = $1 AND project_id = $2 AND id = $3`, teamID, projectID, id))
	if err != nil {
		return it, notFound("get secret item", err)
	}
	return it, nil
}

// SecretItemAncestors walks up from the item in one recursive query.
func (q queries) SecretItemAncestors(ctx context.Context, teamID, id string, maxDepth int) ([]store.SecretItem, error) {
	return list(ctx, q, `WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM opa_secret_items WHERE team_id = $1 AND id = $2
			UNION ALL
			SELECT f.id, f.parent_id, up.depth + 1 FROM opa_secret_items f JOIN up ON f.id = up.parent_id
			WHERE f.team_id = $1 AND up.depth < $3)
		SELECT `+secretItemColsOf("i")+` FROM up JOIN opa_secret_items i ON i.id = up.id
		WHERE up.depth > 0 ORDER BY up.depth DESC`, []any{teamID, id, maxDepth}, scanSecretItem)
}

func (q queries) ListSecretItems(ctx context.Context, teamID, projectID, parentID string, p store.Page) ([]store.SecretItem, error) {
	query, args := paged(`SELECT `+secretItemCols+` FROM opa_secret_items WHERE team_id = $1 AND project_id = $2 AND parent_id = $3`,
		[]any{teamID, projectID, parentID}, p, "name", "id")
	return list(ctx, q, query, args, scanSecretItem)
}

// UpdateSecretItem moves the item only into a folder of the same project that is not the item.
func (q queries) UpdateSecretItem(ctx context.Context, it store.SecretItem) error {
	res, err := q.exec(ctx, "update secret item", `UPDATE opa_secret_items SET name = $1, description = $2, parent_id = $3,
		sealed_value = $4, updated_at = $5, updated_by = $6
		WHERE team_id = $7 AND project_id = $8 AND id = $9
		AND ($3 = '' OR EXISTS (SELECT 1 FROM opa_secret_items p
			WHERE p.id = $3 AND p.id <> $9 AND p.team_id = $7 AND p.project_id = $8 AND p.kind = $10))`,
		it.Name, it.Description, it.ParentID, it.Value, ms(it.UpdatedAt), it.UpdatedBy, it.TeamID, it.ProjectID, it.ID, store.SecretFolder)
	return mustAffect(res, err, notFound("update secret item", store.ErrNotFound))
}

func (q queries) HoldSecretFolder(ctx context.Context, teamID, projectID, id string) error {
	res, err := q.exec(ctx, "hold secret folder", `UPDATE opa_secret_items SET updated_at = updated_at
		WHERE team_id = $1 AND project_id = $2 AND id = $3 AND kind = $4`, teamID, projectID, id, store.SecretFolder)
	return mustAffect(res, err, notFound("hold secret folder", store.ErrNotFound))
}

// DeleteSecretItem deletes only an item holding none; when nothing was deleted it tells an
// unknown item from a folder that still holds items.
func (q queries) DeleteSecretItem(ctx context.Context, teamID, projectID, id string) error {
	res, err := q.exec(ctx, "delete secret item", `DELETE FROM opa_secret_items
		WHERE team_id = $1 AND project_id = $2 AND id = $3
		AND NOT EXISTS (SELECT 1 FROM opa_secret_items c WHERE c.parent_id = $3)`, teamID, projectID, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if _, err := q.GetSecretItem(ctx, teamID, projectID, id); err != nil {
		return err
	}
	return conflict("delete secret folder holding items")
}

// secretItemColsOf is secretItemCols qualified by a table alias.
func secretItemColsOf(alias string) string {
	cols := strings.Split(secretItemCols, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
