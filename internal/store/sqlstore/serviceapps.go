package sqlstore

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const serviceAppColumns = `client_id, org_id, name, scopes, jwks, created_at`

func scanServiceApp(r scanner) (store.ServiceApp, error) {
	var a store.ServiceApp
	var scopes, jwks string
	var created int64
	err := r.Scan(&a.ClientID, &a.OrgID, &a.Name, &scopes, &jwks, &created)
	a.Scopes, a.JWKS, a.CreatedAt = strings.Fields(scopes), []byte(jwks), fromMS(created)
	return a, err
}

func (q queries) ListServiceApps(ctx context.Context, orgID string) ([]store.ServiceApp, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+serviceAppColumns+` FROM service_apps WHERE org_id = $1 ORDER BY name, client_id`, orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanServiceApp)
}
