package sqlstore

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) CreateAPIToken(ctx context.Context, t store.APIToken) error {
	_, err := q.exec(ctx, "create api token",
		`INSERT INTO api_tokens (id, org_id, name, hash, admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.ID, t.OrgID, t.Name, t.Hash, t.Admin, ms(t.CreatedAt))
	return err
}

func (q queries) GetAPITokenByHash(ctx context.Context, hash string) (store.APIToken, error) {
	var t store.APIToken
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT id, org_id, name, hash, admin, created_at FROM api_tokens WHERE hash = $1`, hash).
		Scan(&t.ID, &t.OrgID, &t.Name, &t.Hash, &t.Admin, &created)
	if err != nil {
		return t, notFound("get api token", err)
	}
	t.CreatedAt = fromMS(created)
	return t, nil
}

func (q queries) CreateServiceApp(ctx context.Context, a store.ServiceApp) error {
	_, err := q.exec(ctx, "create service app",
		`INSERT INTO service_apps (client_id, org_id, name, scopes, jwks, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		a.ClientID, a.OrgID, a.Name, strings.Join(a.Scopes, " "), string(a.JWKS), ms(a.CreatedAt))
	return err
}

func (q queries) GetServiceApp(ctx context.Context, clientID string) (store.ServiceApp, error) {
	a, err := scanServiceApp(q.db.QueryRowContext(ctx, `SELECT `+serviceAppColumns+` FROM service_apps WHERE client_id = $1`, clientID))
	if err != nil {
		return a, notFound("get service app", err)
	}
	return a, nil
}

func (q queries) UseAssertionID(ctx context.Context, clientID, jti string, now, expires time.Time) error {
	// Forget assertions that have expired: they can no longer be replayed anyway.
	if _, err := q.exec(ctx, "prune assertion ids", `DELETE FROM assertion_ids WHERE expires_at < $1`, ms(now)); err != nil {
		return err
	}
	_, err := q.exec(ctx, "use assertion id", `INSERT INTO assertion_ids (client_id, jti, expires_at) VALUES ($1, $2, $3)`,
		clientID, jti, ms(expires))
	return err
}

func (q queries) EnsureSigningKey(ctx context.Context, k store.SigningKey) (store.SigningKey, error) {
	_, err := q.exec(ctx, "ensure signing key",
		`INSERT INTO signing_keys (slot, id, sealed, created_at) VALUES ('active', $1, $2, $3) ON CONFLICT (slot) DO NOTHING`,
		k.ID, k.Sealed, ms(k.CreatedAt))
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return k, err
	}
	return q.GetSigningKey(ctx)
}

func (q queries) GetSigningKey(ctx context.Context) (store.SigningKey, error) {
	var got store.SigningKey
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT id, sealed, created_at FROM signing_keys WHERE slot = 'active'`).
		Scan(&got.ID, &got.Sealed, &created)
	if err != nil {
		return got, notFound("get signing key", err)
	}
	got.CreatedAt = fromMS(created)
	return got, nil
}

func (q queries) CreateRegistrationToken(ctx context.Context, t store.RegistrationToken) error {
	_, err := q.exec(ctx, "create registration token",
		`INSERT INTO registration_tokens (id, org_id, pool_id, hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.OrgID, t.PoolID, t.Hash, ms(t.CreatedAt))
	return err
}

func (q queries) GetRegistrationTokenByHash(ctx context.Context, hash string) (store.RegistrationToken, error) {
	var t store.RegistrationToken
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT id, org_id, pool_id, hash, created_at FROM registration_tokens WHERE hash = $1`, hash).
		Scan(&t.ID, &t.OrgID, &t.PoolID, &t.Hash, &created)
	if err != nil {
		return t, notFound("get registration token", err)
	}
	t.CreatedAt = fromMS(created)
	return t, nil
}
