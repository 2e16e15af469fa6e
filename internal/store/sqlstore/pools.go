package sqlstore

import (
	"context"
	"fmt"
	"strings"

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
	return list(ctx, q, `SELECT `+poolColumns+` FROM pools
		WHERE org_id = $1 AND type = $2 AND id > $3 ORDER BY id LIMIT $4`, []any{orgID, poolType, afterID, limit}, scanPool)
}

// ListPoolsPage is one statement however many types it reads: each type is a key range on
// (org_id, type, id), joined with the agents of the pools within the limit. The limit is written
// into the text (an int, 1 or more), as the window condition needs it too.
func (q queries) ListPoolsPage(ctx context.Context, orgID string, types []string, after map[string]string, limit int) ([]store.Pool, []store.Agent, error) {
	if len(types) == 0 || limit < 1 {
		return nil, nil, nil
	}
	var b strings.Builder
	args := make([]any, 0, 1+2*len(types))
	args = append(args, orgID)
	b.WriteString(`WITH page AS (`)
	for k, t := range types {
		if k > 0 {
			b.WriteString(` UNION ALL `)
		}
		args = append(args, t, after[t])
		fmt.Fprintf(&b, `SELECT * FROM (SELECT %d AS k, `+poolColumns+` FROM pools
			WHERE org_id = $1 AND type = $%d AND id > $%d ORDER BY id LIMIT %d) AS t%d`, k, len(args)-1, len(args), limit+1, k)
	}
	fmt.Fprintf(&b, `), numbered AS (SELECT page.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY id) AS n FROM page)
		SELECT p.id, p.org_id, p.name, p.type, p.created_at, `+pageAgentColumns+`
		FROM numbered p LEFT JOIN agents a ON a.pool_id = p.id AND p.n <= %d
		ORDER BY p.k, p.id, a.created_at, a.id`, limit)
	rows, err := q.db.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var pools []store.Pool
	var agents []store.Agent
	// One set of scan targets for every row: Scan takes their addresses, which would move
	// variables declared in the loop to the heap at each row. Scan sets every field read.
	var p store.Pool
	var a store.Agent
	var created, last, agentCreated int64
	for rows.Next() {
		if err := rows.Scan(&p.ID, &p.OrgID, &p.Name, &p.Type, &created,
			&a.ID, &a.Name, &a.Type, &a.Version, &a.Hidden, &a.Deactivated, &a.Healthy,
			&a.HealthMessage, &last, &a.UpdateStatus, &a.UpdateMessage, &agentCreated); err != nil {
			return nil, nil, err
		}
		if len(pools) == 0 || pools[len(pools)-1].ID != p.ID {
			p.CreatedAt = fromMS(created)
			pools = append(pools, p)
		}
		if a.ID != "" {
			a.OrgID, a.PoolID = p.OrgID, p.ID
			a.LastConnection, a.CreatedAt = fromMS(last), fromMS(agentCreated)
			agents = append(agents, a)
		}
	}
	return pools, agents, rows.Err()
}

// pageAgentColumns are an agent's columns from a LEFT JOIN: a pool without agents has one row
// whose agent id is empty. The org and pool are the row's pool's; the credential hash, which no
// page shows, is not read.
const pageAgentColumns = `COALESCE(a.id, ''), COALESCE(a.name, ''), COALESCE(a.type, ''), COALESCE(a.version, ''),
	COALESCE(a.hidden, false), COALESCE(a.deactivated, false), COALESCE(a.healthy, false), COALESCE(a.health_message, ''),
	COALESCE(a.last_connection, 0), COALESCE(a.update_status, ''), COALESCE(a.update_message, ''), COALESCE(a.created_at, 0)`

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
