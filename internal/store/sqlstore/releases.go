package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) PutRelease(ctx context.Context, r store.Release) error {
	_, err := q.exec(ctx, "put release", `INSERT INTO releases (agent_type, channel, version, released_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (agent_type, channel, version) DO UPDATE SET released_at = excluded.released_at`,
		r.AgentType, r.Channel, r.Version, ms(r.ReleasedAt))
	return err
}

func scanRelease(r scanner) (store.Release, error) {
	var rel store.Release
	var at int64
	err := r.Scan(&rel.AgentType, &rel.Channel, &rel.Version, &at)
	rel.ReleasedAt = fromMS(at)
	return rel, err
}

func (q queries) ListReleases(ctx context.Context, agentType string) ([]store.Release, error) {
	return list(ctx, q, `SELECT agent_type, channel, version, released_at FROM releases
		WHERE agent_type = $1 ORDER BY released_at, version`, []any{agentType}, scanRelease)
}
