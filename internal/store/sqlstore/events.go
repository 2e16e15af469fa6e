package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) AppendEvent(ctx context.Context, e store.Event) error {
	_, err := q.exec(ctx, "append event", `INSERT INTO events (org_id, at, actor, request_id, kind, subject, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.OrgID, ms(e.At), e.Actor, e.RequestID, e.Kind, e.Subject, e.Data)
	return err
}

func scanEvent(r scanner) (store.Event, error) {
	var e store.Event
	var at int64
	err := r.Scan(&e.ID, &e.OrgID, &at, &e.Actor, &e.RequestID, &e.Kind, &e.Subject, &e.Data)
	e.At = fromMS(at)
	return e, err
}

func (q queries) ListEvents(ctx context.Context, orgID string, afterID int64, limit int) ([]store.Event, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, org_id, at, actor, request_id, kind, subject, data FROM events
		WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`, orgID, afterID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}

func (q queries) PruneEvents(ctx context.Context, keep int) error {
	_, err := q.exec(ctx, "prune events", `DELETE FROM events WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM events) - $1`, keep)
	return err
}
