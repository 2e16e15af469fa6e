package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func errStale(what string) error { return fmt.Errorf("%s: %w", what, store.ErrStale) }

func (q queries) PutRelease(ctx context.Context, r store.Release) error {
	_, err := q.exec(ctx, "put release", `INSERT INTO releases (agent_type, channel, version, released_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (agent_type, channel, version) DO UPDATE SET released_at = excluded.released_at`,
		r.AgentType, r.Channel, r.Version, ms(r.ReleasedAt))
	return err
}

func (q queries) ListReleases(ctx context.Context, agentType string) ([]store.Release, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT agent_type, channel, version, released_at FROM releases
		WHERE agent_type = $1 ORDER BY released_at, version`, agentType)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Release
	for rows.Next() {
		var r store.Release
		var at int64
		if err := rows.Scan(&r.AgentType, &r.Channel, &r.Version, &at); err != nil {
			return nil, err
		}
		r.ReleasedAt = fromMS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AcquireLease is one upsert: it inserts the lease, or takes it over when it is the holder's own
// or has expired, and then reads who holds it.
func (q queries) AcquireLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error) {
	if _, err := q.exec(ctx, "acquire lease", `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`, name, holder, ms(expires), ms(now)); err != nil {
		return false, err
	}
	var got string
	if err := q.db.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = $1`, name).Scan(&got); err != nil {
		return false, notFound("read lease", err)
	}
	return got == holder, nil
}

func (q queries) AppendEvent(ctx context.Context, e store.Event) error {
	_, err := q.exec(ctx, "append event", `INSERT INTO events (org_id, at, actor, request_id, kind, subject, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.OrgID, ms(e.At), e.Actor, e.RequestID, e.Kind, e.Subject, e.Data)
	return err
}

func (q queries) ListEvents(ctx context.Context, orgID string, afterID int64, limit int) ([]store.Event, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, org_id, at, actor, request_id, kind, subject, data FROM events
		WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`, orgID, afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var e store.Event
		var at int64
		if err := rows.Scan(&e.ID, &e.OrgID, &at, &e.Actor, &e.RequestID, &e.Kind, &e.Subject, &e.Data); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (q queries) PruneEvents(ctx context.Context, keep int) error {
	_, err := q.exec(ctx, "prune events", `DELETE FROM events WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM events) - $1`, keep)
	return err
}
