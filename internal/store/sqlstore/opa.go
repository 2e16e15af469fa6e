package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) CreateTeam(ctx context.Context, t store.Team) error {
	_, err := q.exec(ctx, "create team", `INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)`,
		t.ID, t.Name, ms(t.CreatedAt))
	return err
}

func (q queries) GetTeamByName(ctx context.Context, name string) (store.Team, error) {
	var t store.Team
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT id, name, created_at FROM teams WHERE name = $1`, name).Scan(&t.ID, &t.Name, &created)
	if err != nil {
		return t, notFound("get team", err)
	}
	t.CreatedAt = fromMS(created)
	return t, nil
}

func (q queries) ListTeams(ctx context.Context) ([]store.Team, error) {
	return list(ctx, q, `SELECT id, name, created_at FROM teams ORDER BY name`, nil, func(r scanner) (store.Team, error) {
		var t store.Team
		var created int64
		err := r.Scan(&t.ID, &t.Name, &created)
		t.CreatedAt = fromMS(created)
		return t, err
	})
}

func (q queries) CreateServiceUserKey(ctx context.Context, k store.ServiceUserKey) error {
	_, err := q.exec(ctx, "create service user key",
		`INSERT INTO service_user_keys (id, team_id, user_name, secret_hash, roles, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.TeamID, k.UserName, k.SecretHash, strings.Join(k.Roles, " "), ms(k.CreatedAt))
	return err
}

func (q queries) GetServiceUserKey(ctx context.Context, teamID, keyID string) (store.ServiceUserKey, error) {
	var k store.ServiceUserKey
	var roles string
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT id, team_id, user_name, user_id, secret_hash, roles, created_at
		FROM service_user_keys WHERE team_id = $1 AND id = $2`, teamID, keyID).
		Scan(&k.ID, &k.TeamID, &k.UserName, &k.UserID, &k.SecretHash, &roles, &created)
	if err != nil {
		return k, notFound("get service user key", err)
	}
	k.Roles = strings.Fields(roles)
	k.CreatedAt = fromMS(created)
	return k, nil
}

func (q queries) CreateServiceToken(ctx context.Context, t store.ServiceToken) error {
	if _, err := q.exec(ctx, "prune service tokens", `DELETE FROM opa_service_tokens WHERE expires_at <= $1`, ms(t.CreatedAt)); err != nil {
		return err
	}
	_, err := q.exec(ctx, "create service token", `INSERT INTO opa_service_tokens (hash, team_id, key_id, roles, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, t.Hash, t.TeamID, t.KeyID, strings.Join(t.Roles, " "), ms(t.ExpiresAt))
	return err
}

func (q queries) GetServiceToken(ctx context.Context, hash string, now time.Time) (store.ServiceToken, error) {
	var t store.ServiceToken
	var roles string
	var expires int64
	err := q.db.QueryRowContext(ctx, `SELECT hash, team_id, key_id, roles, expires_at FROM opa_service_tokens
		WHERE hash = $1 AND expires_at > $2`, hash, ms(now)).Scan(&t.Hash, &t.TeamID, &t.KeyID, &roles, &expires)
	if err != nil {
		return t, notFound("get service token", err)
	}
	t.Roles, t.ExpiresAt = strings.Fields(roles), fromMS(expires)
	return t, nil
}
