package seed

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/keyward/keyward/internal/store"
)

// serviceApp is an OAuth 2.0 service app (private_key_jwt) with its public keys, matched by
// name. Its client id is generated; a load answers it in its result's serviceApps. Public keys
// are no secret: a snapshot holds them.
type serviceApp struct {
	Name   string          `json:"name"`
	Scopes []string        `json:"scopes"`
	JWKS   json.RawMessage `json:"jwks"`
}

func loadServiceApps(ctx context.Context, r *run, orgID string, items []serviceApp) error {
	have, err := r.Store.ListServiceApps(ctx, orgID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if slices.ContainsFunc(have, func(a store.ServiceApp) bool { return a.Name == it.Name }) {
			continue
		}
		app, err := r.Auth.CreateServiceApp(ctx, orgID, it.Name, it.Scopes, it.JWKS, r.Now())
		if err != nil {
			return err
		}
		r.made("serviceApps")
		r.apps = append(r.apps, CreatedApp{Name: app.Name, ClientID: app.ClientID})
	}
	return nil
}

func exportServiceApps(ctx context.Context, s *Service, orgID string) ([]serviceApp, error) {
	apps, err := s.Store.ListServiceApps(ctx, orgID)
	out := make([]serviceApp, len(apps))
	for i, a := range apps {
		out[i] = serviceApp{Name: a.Name, Scopes: a.Scopes, JWKS: a.JWKS}
	}
	return out, err
}
