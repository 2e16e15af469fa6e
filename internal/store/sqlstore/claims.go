package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) AddWorkItem(ctx context.Context, it store.WorkItem) error {
	_, err := q.exec(ctx, "add work item", `INSERT INTO work_items (kind, item_id, due_at) VALUES ($1, $2, $3)`,
		it.Kind, it.ID, ms(it.DueAt))
	return err
}

func (q queries) EnsureWorkItem(ctx context.Context, it store.WorkItem) error {
	_, err := q.exec(ctx, "ensure work item", `INSERT INTO work_items (kind, item_id, due_at) VALUES ($1, $2, $3)
		ON CONFLICT (kind, item_id) DO NOTHING`, it.Kind, it.ID, ms(it.DueAt))
	return err
}

// ClaimWorkItems reads the claimable items, then takes each with an update guarded by the same
// condition, so that of two holders racing for an item exactly one changes its row. Where the
// dialect has SkipLocked (PostgreSQL) the read also locks the rows it returns and skips those
// another transaction has locked, so that racing holders share the items out.
func (q queries) ClaimWorkItems(ctx context.Context, kind, holder string, due, now, expires time.Time, limit int) ([]store.WorkItem, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT item_id, due_at FROM work_items
		WHERE kind = $1 AND due_at <= $2 AND (claimed_by = '' OR claim_expires <= $3)
		ORDER BY due_at, item_id LIMIT $4`+q.d.SkipLocked, kind, ms(due), ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("find work items: %w", err)
	}
	found, err := collect(rows, func(r scanner) (store.WorkItem, error) {
		it := store.WorkItem{Kind: kind}
		var due int64
		err := r.Scan(&it.ID, &due)
		it.DueAt = fromMS(due)
		return it, err
	})
	if err != nil {
		return nil, err
	}
	var claimed []store.WorkItem
	for _, it := range found {
		res, err := q.exec(ctx, "claim work item", `UPDATE work_items SET claimed_by = $1, claim_expires = $2
			WHERE kind = $3 AND item_id = $4 AND (claimed_by = '' OR claim_expires <= $5)`,
			holder, ms(expires), kind, it.ID, ms(now))
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return nil, err
			}
			continue // another holder took it between the read and the update
		}
		it.ClaimedBy, it.ClaimExpires = holder, expires
		claimed = append(claimed, it)
	}
	return claimed, nil
}

func (q queries) FinishWorkItem(ctx context.Context, kind, id, holder string) error {
	res, err := q.exec(ctx, "finish work item", `DELETE FROM work_items WHERE kind = $1 AND item_id = $2 AND claimed_by = $3`,
		kind, id, holder)
	return mustAffect(res, err, errStale("finish work item "+id))
}

func (q queries) NextWorkItemDue(ctx context.Context, kind string, after time.Time) (time.Time, bool, error) {
	var next sql.NullInt64
	err := q.db.QueryRowContext(ctx, `SELECT MIN(due_at) FROM work_items WHERE kind = $1 AND due_at > $2`, kind, ms(after)).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return fromMS(next.Int64), true, nil
}
