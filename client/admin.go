package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// struct{} marshals as "{}", the body the admin API expects for token creation.
var emptyBody = struct{}{}

// CreatePool creates an agent pool of the given agent type:
// POST /keyward/v1/agentPools.
func (c *Client) CreatePool(ctx context.Context, name, agentType string) (*AgentPool, error) {
	in := struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}{name, agentType}
	var out AgentPool
	if err := c.adminCall(ctx, http.MethodPost, in, &out, nil, "keyward", "v1", "agentPools"); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateAgent adds an agent record to a pool without registering it:
// POST /keyward/v1/agentPools/{poolId}/agents.
func (c *Client) CreateAgent(ctx context.Context, poolID, name, version string) (*PoolAgent, error) {
	in := struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}{name, version}
	var out PoolAgent
	if err := c.adminCall(ctx, http.MethodPost, in, &out, nil, "keyward", "v1", "agentPools", poolID, "agents"); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRegistrationToken creates a registration token bound to a pool:
// POST /keyward/v1/agentPools/{poolId}/registrationTokens.
func (c *Client) CreateRegistrationToken(ctx context.Context, poolID string) (*RegistrationToken, error) {
	var out RegistrationToken
	if err := c.adminCall(ctx, http.MethodPost, emptyBody, &out, nil, "keyward", "v1", "agentPools", poolID, "registrationTokens"); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListReleases lists the published releases of an agent type, or of every
// type when agentType is "": GET /keyward/v1/releases?agentType=….
func (c *Client) ListReleases(ctx context.Context, agentType string) ([]Release, error) {
	var q url.Values
	if agentType != "" {
		q = url.Values{"agentType": {agentType}}
	}
	var out []Release
	if err := c.adminCall(ctx, http.MethodGet, nil, &out, q, "keyward", "v1", "releases"); err != nil {
		return nil, err
	}
	return out, nil
}

// PublishRelease publishes a release; a nil ReleasedAt lets the server pick
// the time: POST /keyward/v1/releases.
func (c *Client) PublishRelease(ctx context.Context, r Release) (*Release, error) {
	var out Release
	if err := c.adminCall(ctx, http.MethodPost, r, &out, nil, "keyward", "v1", "releases"); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateServiceApp creates an OAuth service app: POST /keyward/v1/serviceApps.
func (c *Client) CreateServiceApp(ctx context.Context, app ServiceAppRequest) (*ServiceApp, error) {
	if app.Scopes == nil {
		app.Scopes = []string{}
	}
	if app.JWKS.Keys == nil {
		app.JWKS.Keys = []json.RawMessage{}
	}
	var out ServiceApp
	if err := c.adminCall(ctx, http.MethodPost, app, &out, nil, "keyward", "v1", "serviceApps"); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateAPIToken creates an admin API token: POST /keyward/v1/apiTokens.
func (c *Client) CreateAPIToken(ctx context.Context, name string) (*APIToken, error) {
	in := struct {
		Name string `json:"name"`
	}{name}
	var out APIToken
	if err := c.adminCall(ctx, http.MethodPost, in, &out, nil, "keyward", "v1", "apiTokens"); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetClock returns keyward's clock: GET /keyward/v1/clock.
func (c *Client) GetClock(ctx context.Context) (*ClockState, error) {
	var out ClockState
	if err := c.adminCall(ctx, http.MethodGet, nil, &out, nil, "keyward", "v1", "clock"); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetClock sets a virtual clock to t: POST /keyward/v1/clock {"set": RFC 3339}.
// The server answers 400 when its clock is real.
func (c *Client) SetClock(ctx context.Context, t time.Time) (*ClockState, error) {
	in := struct {
		Set string `json:"set"`
	}{t.Format(time.RFC3339Nano)}
	return c.postClock(ctx, in)
}

// AdvanceClock moves a virtual clock forward by d:
// POST /keyward/v1/clock {"advance": "1h30m0s"}. The server answers 400 when
// its clock is real.
func (c *Client) AdvanceClock(ctx context.Context, d time.Duration) (*ClockState, error) {
	in := struct {
		Advance string `json:"advance"`
	}{d.String()}
	return c.postClock(ctx, in)
}

func (c *Client) postClock(ctx context.Context, in any) (*ClockState, error) {
	var out ClockState
	if err := c.adminCall(ctx, http.MethodPost, in, &out, nil, "keyward", "v1", "clock"); err != nil {
		return nil, err
	}
	return &out, nil
}
