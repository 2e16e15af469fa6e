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

const orgColumns = `id, name, created_at`

func scanOrg(r scanner) (store.Org, error) {
	var o store.Org
	var created int64
	err := r.Scan(&o.ID, &o.Name, &created)
	o.CreatedAt = fromMS(created)
	return o, err
}

func (q queries) GetOrg(ctx context.Context, id string) (store.Org, error) {
	o, err := scanOrg(q.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`, id))
	if err != nil {
		return o, notFound("get org", err)
	}
	return o, nil
}

func (q queries) FirstOrg(ctx context.Context) (store.Org, error) {
	o, err := scanOrg(q.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs ORDER BY created_at, id LIMIT 1`))
	if err != nil {
		return o, notFound("first org", err)
	}
	return o, nil
}

func (q queries) CountOrgs(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n)
	return n, err
}
