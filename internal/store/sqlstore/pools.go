package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

const poolColumns = `id, org_id, name, type, created_at`

func scanPool(r scanner) (store.Pool, error) {
	var p store.Pool
	var created int64
	err := r.Scan(&p.ID, &p.OrgID, &p.Name, &p.Type, &created)
	p.CreatedAt = fromMS(created)
	return p, err
}

func (q queries) CreatePool(ctx context.Context, p store.Pool) error {
	_, err := q.exec(ctx, "create pool", `INSERT INTO pools (`+poolColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		p.ID, p.OrgID, p.Name, p.Type, ms(p.CreatedAt))
	return err
}

func (q queries) GetPool(ctx context.Context, orgID, id string) (store.Pool, error) {
	p, err := scanPool(q.db.QueryRowContext(ctx, `SELECT `+poolColumns+` FROM pools WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return p, notFound("get pool", err)
	}
	return p, nil
}

// LockPool writes the pool row rather than only locking it. A row lock alone would let a
// transaction that waited for it go on with the snapshot it took before waiting, blind to what the
// holder committed; a write makes PostgreSQL fail that transaction with a serialization error, and
// InTx runs it again with a fresh snapshot. (On SQLite the write transaction holds the database.)
func (q queries) LockPool(ctx context.Context, orgID, id string) (store.Pool, error) {
	res, err := q.exec(ctx, "lock pool", `UPDATE pools SET name = name WHERE org_id = $1 AND id = $2`, orgID, id)
	if err := mustAffect(res, err, notFound("lock pool", store.ErrNotFound)); err != nil {
		return store.Pool{}, err
	}
	return q.GetPool(ctx, orgID, id)
}

func (q queries) ListPools(ctx context.Context, orgID, poolType, afterID string, limit int) ([]store.Pool, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+poolColumns+` FROM pools
		WHERE org_id = $1 AND type = $2 AND id > $3 ORDER BY id LIMIT $4`, orgID, poolType, afterID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPool)
}

func (q queries) GetPoolSettings(ctx context.Context, poolID string) (store.PoolSettings, error) {
	var s store.PoolSettings
	err := q.db.QueryRowContext(ctx, `SELECT pool_id, agent_type, release_channel, continue_on_error FROM pool_settings WHERE pool_id = $1`, poolID).
		Scan(&s.PoolID, &s.AgentType, &s.ReleaseChannel, &s.ContinueOnError)
	if err != nil {
		return s, notFound("get pool settings", err)
	}
	return s, nil
}

func (q queries) PutPoolSettings(ctx context.Context, s store.PoolSettings) error {
	_, err := q.exec(ctx, "put pool settings", `INSERT INTO pool_settings (pool_id, agent_type, release_channel, continue_on_error)
		VALUES ($1, $2, $3, $4) ON CONFLICT (pool_id) DO UPDATE SET agent_type = excluded.agent_type,
		release_channel = excluded.release_channel, continue_on_error = excluded.continue_on_error`,
		s.PoolID, s.AgentType, s.ReleaseChannel, s.ContinueOnError)
	return err
}
