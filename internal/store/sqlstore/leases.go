package sqlstore

import (
	"context"
	"time"
)

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
