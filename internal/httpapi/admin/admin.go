// Package admin serves keyward's own control API under /keyward/v1, authenticated with an admin
// SSWS token: what Okta's API cannot do (create pools and agents, registration tokens, the
// release catalog), keyward's credentials (API tokens, OAuth service apps), and OPA teams with
// their human users and those users' bearer tokens (opa.go). Errors are in
// Okta's format.
package admin

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/okta"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/seed"
	"github.com/keyward/keyward/internal/store"
)

// Handlers serves the admin API.
type Handlers struct {
	Pools *agentpool.Service
	Auth  *auth.Service
	PAM   *pam.Service
	Clock func() time.Time // real time, for credentials
	Seed  *seed.Service    // resets, seed documents and snapshots (seed.go)
}

// Routes is the admin route table.
func (h *Handlers) Routes() []wire.Route {
	rows := []wire.Route{
		admin("POST", "/keyward/v1/agentPools", "createPool", h.createPool),
		admin("POST", "/keyward/v1/agentPools/{poolId}/agents", "createAgent", h.createAgent),
		admin("POST", "/keyward/v1/agentPools/{poolId}/registrationTokens", "createRegistrationToken", h.createRegistrationToken),
		admin("GET", "/keyward/v1/releases", "listReleases", h.listReleases),
		admin("POST", "/keyward/v1/releases", "publishRelease", h.publishRelease),
		admin("POST", "/keyward/v1/serviceApps", "createServiceApp", h.createServiceApp),
		admin("POST", "/keyward/v1/apiTokens", "createApiToken", h.createAPIToken),
	}
	rows = append(rows, h.directoryRoutes()...) // directory.go
	rows = append(rows, h.udsaasRoutes()...)    // udsaas.go
	rows = append(rows, h.overviewRoutes()...)  // overview.go
	rows = append(rows, h.seedRoutes()...)      // seed.go
	return append(rows, h.opaRoutes()...)       // opa.go
}

// admin is a row of the admin API, called with an admin SSWS token.
func admin(method, pattern, name string, fn wire.Handler) wire.Route {
	return wire.Route{Method: method, Pattern: pattern, Name: name, Access: wire.Admin, Handler: fn}
}

func (h *Handlers) presenter() okta.Presenter {
	return okta.Presenter{Now: h.Pools.Clock.Now(), Thresholds: h.Pools.Thresholds}
}

func (h *Handlers) createPool(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Name, Type string }
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	p, err := h.Pools.CreatePool(r.Context(), wire.PrincipalFrom(r).OrgID, in.Name, in.Type)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, h.presenter().Pool(p, nil))
	return nil
}

func (h *Handlers) createAgent(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Name, Version string }
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	a, err := h.Pools.CreateAgent(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), in.Name, in.Version)
	if err != nil {
		return err
	}
	p := h.presenter()
	cat, err := agentpool.LoadCatalog(r.Context(), h.Pools.Store, a.Type)
	if err != nil {
		return err
	}
	ga, _ := cat.Latest("GA", p.Now)
	p.LatestGA = map[string]string{a.Type: ga.Version}
	wire.JSON(w, http.StatusCreated, p.Agent(a, "", ""))
	return nil
}

func (h *Handlers) createRegistrationToken(w http.ResponseWriter, r *http.Request) error {
	// The body carries nothing yet; it may be left out or be an object, so that options can come.
	var in struct{}
	if err := wire.DecodeOptional(r, &in); err != nil {
		return err
	}
	t, secret, err := h.Pools.CreateRegistrationToken(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]string{"id": t.ID, "poolId": t.PoolID, "token": secret})
	return nil
}

type release struct {
	AgentType  string    `json:"agentType"`
	Channel    string    `json:"channel"`
	Version    string    `json:"version"`
	ReleasedAt time.Time `json:"releasedAt"`
}

func (h *Handlers) listReleases(w http.ResponseWriter, r *http.Request) error {
	rs, err := h.Pools.Releases(r.Context(), r.URL.Query().Get("agentType"))
	if err != nil {
		return err
	}
	out := make([]release, 0, len(rs))
	for _, x := range rs {
		out = append(out, release(x))
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

func (h *Handlers) publishRelease(w http.ResponseWriter, r *http.Request) error {
	var in release
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	x, err := h.Pools.PublishRelease(r.Context(), store.Release(in))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, release(x))
	return nil
}

func (h *Handlers) createServiceApp(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name   string          `json:"name"`
		Scopes []string        `json:"scopes"`
		JWKS   json.RawMessage `json:"jwks"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if cause := limits.Check("name", in.Name, limits.Name); cause != "" {
		return fault.Invalidf("ServiceApp", cause)
	}
	app, err := h.Auth.CreateServiceApp(r.Context(), wire.PrincipalFrom(r).OrgID, in.Name, in.Scopes, in.JWKS, h.Clock())
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]any{"clientId": app.ClientID, "name": app.Name, "scopes": app.Scopes})
	return nil
}

func (h *Handlers) createAPIToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name  string `json:"name"`
		Admin bool   `json:"admin"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if cause := limits.Check("name", in.Name, limits.Name); cause != "" {
		return fault.Invalidf("ApiToken", cause)
	}
	t, secret, err := h.Auth.CreateAPIToken(r.Context(), wire.PrincipalFrom(r).OrgID, in.Name, in.Admin, h.Clock())
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]any{"id": t.ID, "name": t.Name, "admin": t.Admin, "token": secret})
	return nil
}
