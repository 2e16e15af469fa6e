package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

const agentColumns = `id, org_id, pool_id, name, type, version, hidden, deactivated, healthy, health_message,
	last_connection, credential_hash, update_status, update_message, created_at`

func scanAgent(r scanner) (store.Agent, error) {
	var a store.Agent
	var last, created int64
	err := r.Scan(&a.ID, &a.OrgID, &a.PoolID, &a.Name, &a.Type, &a.Version, &a.Hidden, &a.Deactivated, &a.Healthy,
		&a.HealthMessage, &last, &a.CredentialHash, &a.UpdateStatus, &a.UpdateMessage, &created)
	a.LastConnection, a.CreatedAt = fromMS(last), fromMS(created)
	return a, err
}

func (q queries) CreateAgent(ctx context.Context, a store.Agent) error {
	_, err := q.exec(ctx, "create agent", `INSERT INTO agents (`+agentColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		a.ID, a.OrgID, a.PoolID, a.Name, a.Type, a.Version, a.Hidden, a.Deactivated, a.Healthy, a.HealthMessage,
		ms(a.LastConnection), a.CredentialHash, a.UpdateStatus, a.UpdateMessage, ms(a.CreatedAt))
	return err
}

func (q queries) getAgent(ctx context.Context, where string, args ...any) (store.Agent, error) {
	a, err := scanAgent(q.db.QueryRowContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE `+where, args...))
	if err != nil {
		return a, notFound("get agent", err)
	}
	return a, nil
}

func (q queries) GetAgent(ctx context.Context, orgID, id string) (store.Agent, error) {
	return q.getAgent(ctx, `org_id = $1 AND id = $2`, orgID, id)
}

func (q queries) GetAgentByName(ctx context.Context, poolID, name string) (store.Agent, error) {
	return q.getAgent(ctx, `pool_id = $1 AND name = $2`, poolID, name)
}

func (q queries) GetAgentByCredential(ctx context.Context, hash string) (store.Agent, error) {
	if hash == "" {
		return store.Agent{}, notFound("get agent", store.ErrNotFound)
	}
	// Repeating the partial index's condition lets the planner use the index for a parameter.
	return q.getAgent(ctx, `credential_hash = $1 AND credential_hash <> ''`, hash)
}

func (q queries) ListAgents(ctx context.Context, poolIDs []string) ([]store.Agent, error) {
	if len(poolIDs) == 0 {
		return nil, nil
	}
	marks, args := inList(nil, poolIDs)
	return list(ctx, q, `SELECT `+agentColumns+` FROM agents WHERE pool_id IN (`+marks+`)
		ORDER BY pool_id, created_at, id`, args, scanAgent)
}

func (q queries) UpdateAgent(ctx context.Context, a store.Agent) error {
	res, err := q.exec(ctx, "update agent", `UPDATE agents SET name = $2, version = $3, hidden = $4, deactivated = $5,
		healthy = $6, health_message = $7, last_connection = $8, credential_hash = $9, update_status = $10, update_message = $11
		WHERE id = $1`, a.ID, a.Name, a.Version, a.Hidden, a.Deactivated, a.Healthy, a.HealthMessage, ms(a.LastConnection),
		a.CredentialHash, a.UpdateStatus, a.UpdateMessage)
	return mustAffect(res, err, notFound("update agent", store.ErrNotFound))
}
