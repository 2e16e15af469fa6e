package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) CreateOrg(ctx context.Context, o store.Org) error {
	_, err := q.exec(ctx, "create org", `INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)`,
		o.ID, o.Name, ms(o.CreatedAt))
	return err
}

func (q queries) GetOrg(ctx context.Context, id string) (store.Org, error) {
	var o store.Org
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT id, name, created_at FROM orgs WHERE id = $1`, id).Scan(&o.ID, &o.Name, &created)
	if err != nil {
		return o, notFound("get org", err)
	}
	o.CreatedAt = fromMS(created)
	return o, nil
}

func (q queries) FirstOrg(ctx context.Context) (store.Org, error) {
	var id string
	err := q.db.QueryRowContext(ctx, `SELECT id FROM orgs ORDER BY created_at, id LIMIT 1`).Scan(&id)
	if err != nil {
		return store.Org{}, notFound("first org", err)
	}
	return q.GetOrg(ctx, id)
}

func (q queries) CountOrgs(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n)
	return n, err
}
