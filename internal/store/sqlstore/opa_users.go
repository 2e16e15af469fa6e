package sqlstore

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/store"
)

const userCols = `u.id, u.team_id, u.name, u.user_type, u.status, u.email, u.first_name, u.last_name, u.created_at, u.deleted_at`

func scanUser(r scanner) (store.OPAUser, error) {
	var u store.OPAUser
	var created, deleted int64
	err := r.Scan(&u.ID, &u.TeamID, &u.Name, &u.Type, &u.Status, &u.Email, &u.FirstName, &u.LastName, &created, &deleted)
	u.CreatedAt, u.DeletedAt = fromMS(created), fromMS(deleted)
	return u, err
}

func (q queries) getUser(ctx context.Context, what, query string, args ...any) (store.OPAUser, error) {
	u, err := scanUser(q.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM opa_users u `+query, args...))
	if err != nil {
		return u, notFound(what, err)
	}
	return u, nil
}

func (q queries) CreateOPAUser(ctx context.Context, u store.OPAUser) error {
	_, err := q.exec(ctx, "create opa user", `INSERT INTO opa_users (id, team_id, name, user_type, status, email, first_name,
		last_name, created_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		u.ID, u.TeamID, u.Name, u.Type, u.Status, u.Email, u.FirstName, u.LastName, ms(u.CreatedAt), ms(u.DeletedAt))
	return err
}

func (q queries) GetOPAUser(ctx context.Context, teamID, id string) (store.OPAUser, error) {
	return q.getUser(ctx, "get opa user", `WHERE u.team_id = $1 AND u.id = $2`, teamID, id)
}

func (q queries) GetOPAUserByName(ctx context.Context, teamID, name string) (store.OPAUser, error) {
	return q.getUser(ctx, "get opa user", `WHERE u.team_id = $1 AND u.name = $2`, teamID, name)
}

func (q queries) ListOPAUsers(ctx context.Context, teamID, userType string, p store.Page) ([]store.OPAUser, error) {
	query, args := `SELECT `+userCols+` FROM opa_users u WHERE u.team_id = $1`, []any{teamID}
	if userType != "" {
		args = append(args, userType)
		query += ` AND u.user_type = $2`
	}
	query, args = paged(query, args, p, "u.name", "u.id")
	return list(ctx, q, query, args, scanUser)
}

func (q queries) UpdateOPAUser(ctx context.Context, u store.OPAUser) error {
	res, err := q.exec(ctx, "update opa user", `UPDATE opa_users SET status = $1, email = $2, first_name = $3, last_name = $4,
		deleted_at = $5 WHERE team_id = $6 AND id = $7`, u.Status, u.Email, u.FirstName, u.LastName, ms(u.DeletedAt), u.TeamID, u.ID)
	return mustAffect(res, err, notFound("update opa user", store.ErrNotFound))
}

func (q queries) CreateUserToken(ctx context.Context, t store.UserToken) error {
	if _, err := q.exec(ctx, "prune user tokens", `DELETE FROM opa_user_tokens WHERE expires_at <= $1`, ms(t.CreatedAt)); err != nil {
		return err
	}
	_, err := q.exec(ctx, "create user token", `INSERT INTO opa_user_tokens (hash, team_id, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, t.Hash, t.TeamID, t.UserID, ms(t.CreatedAt), ms(t.ExpiresAt))
	return err
}

func (q queries) GetOPAUserByUserToken(ctx context.Context, hash string, now time.Time) (store.OPAUser, error) {
	return q.getUser(ctx, "get user by token", `JOIN opa_user_tokens t ON t.user_id = u.id AND t.team_id = u.team_id
		WHERE t.hash = $1 AND t.expires_at > $2`, hash, ms(now))
}

func (q queries) GetOPAUserByServiceToken(ctx context.Context, hash string, now time.Time) (store.OPAUser, error) {
	return q.getUser(ctx, "get user by service token", `JOIN service_user_keys k ON k.user_id = u.id AND k.team_id = u.team_id
		JOIN opa_service_tokens t ON t.key_id = k.id AND t.team_id = k.team_id
		WHERE t.hash = $1 AND t.expires_at > $2 AND (k.expires_at = 0 OR k.expires_at > $2)`, hash, ms(now))
}
