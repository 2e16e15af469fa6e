package sqlstore

import (
	"context"
	"database/sql"
	"math"
	"time"

	"github.com/keyward/keyward/internal/store"
)

const eventColumns = `id, org_id, team_id, at, actor, request_id, type, resource, summary, before_state, after_state`

func (q queries) AppendEvent(ctx context.Context, e store.Event) (int64, error) {
	if q.tx && q.d.LockEvents != "" {
		if _, err := q.db.ExecContext(ctx, q.d.LockEvents); err != nil {
			return 0, err
		}
	}
	var id int64
	err := q.db.QueryRowContext(ctx, `INSERT INTO events (org_id, team_id, at, actor, request_id, type, resource, summary, before_state, after_state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.OrgID, e.TeamID, ms(e.At), e.Actor, e.RequestID, e.Type, e.Resource, e.Summary, e.Before, e.After).Scan(&id)
	return id, err
}

func scanEvent(r scanner) (store.Event, error) {
	var e store.Event
	var at int64
	err := r.Scan(&e.ID, &e.OrgID, &e.TeamID, &at, &e.Actor, &e.RequestID, &e.Type, &e.Resource, &e.Summary, &e.Before, &e.After)
	e.At = fromMS(at)
	return e, err
}

func (q queries) ListEvents(ctx context.Context, f store.EventFilter) ([]store.Event, error) {
	since := int64(math.MinInt64)
	if !f.Since.IsZero() {
		since = f.Since.UnixMilli()
	}
	return list(ctx, q, `SELECT `+eventColumns+` FROM events
		WHERE org_id IN ($1, '') AND id > $2 AND at >= $3
		AND ($4 = '' OR type = $4 OR substr(type, 1, length(CAST($4 AS TEXT)) + 1) = CAST($4 AS TEXT) || '.')
		AND ($5 = '' OR resource = $5 OR substr(resource, 1, length(CAST($5 AS TEXT)) + 1) = CAST($5 AS TEXT) || '/')
		ORDER BY id LIMIT $6`, []any{f.OrgID, f.AfterID, since, f.Type, f.Resource, f.Limit}, scanEvent)
}

func (q queries) PruneEvents(ctx context.Context, keep int, before time.Time) (int64, error) {
	var n int64
	if !before.IsZero() {
		res, err := q.exec(ctx, "prune old events", `DELETE FROM events WHERE at < $1`, before.UnixMilli())
		if err != nil {
			return 0, err
		}
		n, _ = res.RowsAffected()
	}
	res, err := q.exec(ctx, "prune events", `DELETE FROM events
		WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET $1)`, keep)
	if err != nil {
		return n, err
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

func (q queries) OldestEvent(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := q.db.QueryRowContext(ctx, `SELECT MIN(at) FROM events`).Scan(&at); err != nil {
		return time.Time{}, false, err
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(at.Int64).UTC(), true, nil
}
