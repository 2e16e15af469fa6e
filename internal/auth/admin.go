package auth

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// CreateAPIToken makes a new SSWS token for the org; the secret is returned once.
func (s *Service) CreateAPIToken(ctx context.Context, orgID, name string, admin bool, now time.Time) (store.APIToken, string, error) {
	if strings.TrimSpace(name) == "" {
		return store.APIToken{}, "", fault.Invalidf("ApiToken", "name: must not be empty")
	}
	if cause := limits.Check("name", name, limits.Name); cause != "" {
		return store.APIToken{}, "", fault.Invalidf("ApiToken", cause)
	}
	secret := "00" + ids.Secret()
	t := store.APIToken{ID: ids.New(ids.Token), OrgID: orgID, Name: name, Hash: ids.Hash(secret), Admin: admin, CreatedAt: now}
	return t, secret, s.Store.CreateAPIToken(ctx, t)
}

// CreateServiceApp registers an OAuth service app that authenticates with private_key_jwt. Only
// public signing keys are accepted: keyward must never hold an app's private key.
func (s *Service) CreateServiceApp(ctx context.Context, orgID, name string, scopes []string, jwks json.RawMessage, now time.Time) (store.ServiceApp, error) {
	var causes []string
	if strings.TrimSpace(name) == "" {
		causes = append(causes, "name: must not be empty")
	}
	if cause := limits.Check("name", name, limits.Name); cause != "" {
		causes = append(causes, cause)
	}
	if len(scopes) == 0 {
		causes = append(causes, "scopes: at least one scope is required")
	}
	for _, sc := range scopes {
		if !slices.Contains([]string{ScopeRead, ScopeManage}, sc) {
			causes = append(causes, "scopes: "+sc+" is not okta.agentPools.read or okta.agentPools.manage")
		}
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil || len(set.Keys) == 0 {
		causes = append(causes, "jwks: must be a JWK set with at least one public key")
	}
	for i, k := range set.Keys {
		if !k.IsPublic() || !k.Valid() {
			causes = append(causes, "jwks.keys["+strconv.Itoa(i)+"]: must be a valid public key")
		}
	}
	if len(causes) > 0 {
		return store.ServiceApp{}, fault.Invalidf("ServiceApp", causes...)
	}
	clean, _ := json.Marshal(set)
	app := store.ServiceApp{ClientID: ids.New(ids.ServiceApp), OrgID: orgID, Name: name, Scopes: scopes, JWKS: clean, CreatedAt: now}
	return app, s.Store.CreateServiceApp(ctx, app)
}
