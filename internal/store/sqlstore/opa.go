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

const teamColumns = `id, name, created_at`

func scanTeam(r scanner) (store.Team, error) {
	var t store.Team
	var created int64
	err := r.Scan(&t.ID, &t.Name, &created)
	t.CreatedAt = fromMS(created)
	return t, err
}

func (q queries) GetTeamByName(ctx context.Context, name string) (store.Team, error) {
	t, err := scanTeam(q.db.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM teams WHERE name = $1`, name))
	if err != nil {
		return t, notFound("get team", err)
	}
	return t, nil
}

func (q queries) ListTeams(ctx context.Context) ([]store.Team, error) {
	return list(ctx, q, `SELECT `+teamColumns+` FROM teams ORDER BY name`, nil, scanTeam)
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

// opaCallerQuery resolves a bearer token's hash in one statement: the service token (with its
// key) or the user token, the user, and one row per group of the user (one row with no group
// when there is none).
const opaCallerQuery = `SELECT t.id, c.service, c.key_id, c.token_roles, c.user_name, c.user_id, COALESCE(u.status, ''),
	COALESCE(g.id, ''), COALESCE(g.roles, ''),
	CASE WHEN g.id IS NOT NULL AND EXISTS (SELECT 1 FROM opa_resource_group_admins a WHERE a.group_id = g.id)
		THEN 1 ELSE 0 END,
	CASE WHEN g.id IS NOT NULL AND EXISTS (SELECT 1 FROM opa_resource_group_security_admins sa
		JOIN opa_resource_groups r ON r.id = sa.resource_group_id WHERE sa.group_id = g.id AND r.team_id = t.id)
		THEN 1 ELSE 0 END
FROM teams t
JOIN (SELECT 1 AS service, st.team_id, st.key_id, st.roles AS token_roles, k.user_name, k.user_id
		FROM opa_service_tokens st JOIN service_user_keys k ON k.team_id = st.team_id AND k.id = st.key_id
		WHERE st.hash = $2 AND st.expires_at > $3
	UNION ALL
	SELECT 0, ut.team_id, '', '', '', ut.user_id FROM opa_user_tokens ut WHERE ut.hash = $2 AND ut.expires_at > $3) c
	ON c.team_id = t.id
LEFT JOIN opa_users u ON u.team_id = t.id AND u.id = c.user_id
LEFT JOIN opa_group_members m ON m.user_id = u.id
LEFT JOIN opa_groups g ON g.id = m.group_id AND g.team_id = t.id
WHERE t.name = $1
ORDER BY c.service DESC, g.id`

func (q queries) GetOPACaller(ctx context.Context, teamName, hash string, now time.Time) (store.OPACaller, error) {
	rows, err := q.db.QueryContext(ctx, opaCallerQuery, teamName, hash, ms(now))
	if err != nil {
		return store.OPACaller{}, err
	}
	defer rows.Close()
	var c store.OPACaller
	found := false
	for rows.Next() {
		var row store.OPACaller
		var service, owns, secures int
		var tokenRoles, groupID, groupRoles string
		if err := rows.Scan(&row.TeamID, &service, &row.KeyID, &tokenRoles, &row.UserName, &row.UserID, &row.UserStatus,
			&groupID, &groupRoles, &owns, &secures); err != nil {
			return store.OPACaller{}, err
		}
		row.Service = service == 1
		if !found {
			c, found = row, true
			c.TokenRoles = strings.Fields(tokenRoles)
		} else if row.Service != c.Service {
			break // a user token with the service token's hash: the service token wins
		}
		if groupID != "" {
			c.Groups = append(c.Groups, store.OPACallerGroup{ID: groupID, Roles: strings.Fields(groupRoles), Owns: owns == 1, Secures: secures == 1})
		}
	}
	if err := rows.Err(); err != nil {
		return store.OPACaller{}, err
	}
	if !found {
		return c, notFound("get opa caller", store.ErrNotFound)
	}
	return c, nil
}
