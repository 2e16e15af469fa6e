package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// OrgReset is what resetting an org answers; AdminToken is set (shown once) when the reset did
// not keep the admin tokens.
type OrgReset struct {
	Org            string `json:"org"`
	KeptAdminToken bool   `json:"keptAdminToken"`
	AdminToken     string `json:"adminToken,omitempty"`
}

// ResetOrg empties the admin token's org: POST /keyward/v1/reset. keepAdminToken false also
// replaces every API token with one new admin token, returned once.
func (c *Client) ResetOrg(ctx context.Context, keepAdminToken bool) (*OrgReset, error) {
	q := url.Values{}
	if !keepAdminToken {
		q.Set("keepAdminToken", "false")
	}
	var out OrgReset
	if err := c.adminCall(ctx, http.MethodPost, nil, &out, q, "keyward", "v1", "reset"); err != nil {
		return nil, err
	}
	return &out, nil
}

// TeamReset is what resetting a team answers; the key fields are set (the secret shown once)
// when the reset did not keep the admin group's keys.
type TeamReset struct {
	ID             string `json:"id"`
	Team           string `json:"team"`
	KeptAdminToken bool   `json:"keptAdminToken"`
	ServiceUser    string `json:"serviceUser,omitempty"`
	KeyID          string `json:"keyId,omitempty"`
	KeySecret      string `json:"keySecret,omitempty"`
}

// ResetTeam empties one OPA team, leaving it as created: POST /keyward/v1/teams/{team}/reset.
// keepAdminToken false also replaces the admin group's service user keys with one new key.
func (c *Client) ResetTeam(ctx context.Context, team string, keepAdminToken bool) (*TeamReset, error) {
	q := url.Values{}
	if !keepAdminToken {
		q.Set("keepAdminToken", "false")
	}
	var out TeamReset
	if err := c.adminCall(ctx, http.MethodPost, nil, &out, q, "keyward", "v1", "teams", team, "reset"); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetServer empties the whole server, when it was started with --allow-server-reset:
// POST /keyward/v1/server/reset.
func (c *Client) ResetServer(ctx context.Context) error {
	return c.adminCall(ctx, http.MethodPost, nil, nil, nil, "keyward", "v1", "server", "reset")
}

// DeletePool deletes a pool with its agents and update jobs: DELETE /keyward/v1/agentPools/{id}.
func (c *Client) DeletePool(ctx context.Context, poolID string) error {
	return c.adminCall(ctx, http.MethodDelete, nil, nil, nil, "keyward", "v1", "agentPools", poolID)
}

// DeleteAgent deletes an agent of a pool: DELETE /keyward/v1/agentPools/{id}/agents/{agentId}.
func (c *Client) DeleteAgent(ctx context.Context, poolID, agentID string) error {
	return c.adminCall(ctx, http.MethodDelete, nil, nil, nil, "keyward", "v1", "agentPools", poolID, "agents", agentID)
}

// SeedResult is what loading a seed document created, by section.
type SeedResult struct {
	Created map[string]int `json:"created"`
	Keys    []struct {
		Team        string `json:"team"`
		ServiceUser string `json:"serviceUser"`
		ID          string `json:"id"`
		Secret      string `json:"secret"`
	} `json:"keys,omitempty"`
	ServiceApps []struct {
		Name     string `json:"name"`
		ClientID string `json:"clientId"`
	} `json:"serviceApps,omitempty"`
}

// LoadSeed loads a seed document (docs/seed.md), given as JSON: POST /keyward/v1/seed.
func (c *Client) LoadSeed(ctx context.Context, doc json.RawMessage) (*SeedResult, error) {
	var out SeedResult
	if err := c.adminCall(ctx, http.MethodPost, doc, &out, nil, "keyward", "v1", "seed"); err != nil {
		return nil, err
	}
	return &out, nil
}

// Snapshot exports the state as a seed document: GET /keyward/v1/snapshot. scope is "all" (or
// ""), "org", or "team" with team naming it.
func (c *Client) Snapshot(ctx context.Context, scope, team string) (json.RawMessage, error) {
	q := url.Values{}
	if scope != "" {
		q.Set("scope", scope)
	}
	if team != "" {
		q.Set("team", team)
	}
	var out json.RawMessage
	if err := c.adminCall(ctx, http.MethodGet, nil, &out, q, "keyward", "v1", "snapshot"); err != nil {
		return nil, err
	}
	return out, nil
}
