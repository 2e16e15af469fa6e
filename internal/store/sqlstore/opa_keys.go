package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

const keyCols = `id, team_id, user_id, secret_hash, created_at, expires_at, last_used`

func scanKey(r scanner) (store.OPAKey, error) {
	var k store.OPAKey
	var issued, expires, used int64
	err := r.Scan(&k.ID, &k.TeamID, &k.UserID, &k.SecretHash, &issued, &expires, &used)
	k.IssuedAt, k.ExpiresAt, k.LastUsed = fromMS(issued), fromMS(expires), fromMS(used)
	return k, err
}

// CreateOPAKey stores a key in the table the bootstrap-era keys use; the roles column stays
// empty, since a service user's roles come from its groups.
func (q queries) CreateOPAKey(ctx context.Context, k store.OPAKey) error {
	_, err := q.exec(ctx, "create opa key", `INSERT INTO service_user_keys (id, team_id, user_id, user_name, secret_hash, roles,
		created_at, expires_at, last_used) VALUES ($1, $2, $3, (SELECT name FROM opa_users WHERE id = $3), $4, '', $5, $6, $7)`,
		k.ID, k.TeamID, k.UserID, k.SecretHash, ms(k.IssuedAt), ms(k.ExpiresAt), ms(k.LastUsed))
	return err
}

func (q queries) GetOPAKey(ctx context.Context, teamID, id string) (store.OPAKey, error) {
	k, err := scanKey(q.db.QueryRowContext(ctx, `SELECT `+keyCols+` FROM service_user_keys WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return k, notFound("get opa key", err)
	}
	return k, nil
}

func (q queries) ListOPAKeys(ctx context.Context, teamID, userID string, p store.Page) ([]store.OPAKey, error) {
	query, args := paged(`SELECT `+keyCols+` FROM service_user_keys WHERE team_id = $1 AND user_id = $2`,
		[]any{teamID, userID}, p, "", "id")
	return list(ctx, q, query, args, scanKey)
}

func (q queries) SetOPAKeyUser(ctx context.Context, teamID, id, userID string) error {
	res, err := q.exec(ctx, "set opa key user", `UPDATE service_user_keys SET user_id = $1 WHERE team_id = $2 AND id = $3`, userID, teamID, id)
	return mustAffect(res, err, notFound("set opa key user", store.ErrNotFound))
}

func (q queries) DeleteOPAKey(ctx context.Context, teamID, userID, id string) error {
	res, err := q.exec(ctx, "delete opa key", `DELETE FROM service_user_keys WHERE team_id = $1 AND user_id = $2 AND id = $3`,
		teamID, userID, id)
	if err := mustAffect(res, err, notFound("delete opa key", store.ErrNotFound)); err != nil {
		return err
	}
	_, err = q.exec(ctx, "delete opa key tokens", `DELETE FROM opa_service_tokens WHERE team_id = $1 AND key_id = $2`, teamID, id)
	return err
}

func (q queries) DeleteOPAUserServiceTokens(ctx context.Context, teamID, userID string) error {
	_, err := q.exec(ctx, "delete opa user service tokens", `DELETE FROM opa_service_tokens WHERE team_id = $1
		AND key_id IN (SELECT id FROM service_user_keys WHERE team_id = $1 AND user_id = $2)`, teamID, userID)
	return err
}
