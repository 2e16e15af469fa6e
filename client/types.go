package client

import (
	"encoding/json"
	"time"
)

// Agent types (Okta's AgentType enum).
const (
	AgentTypeAD     = "AD"
	AgentTypeIWA    = "IWA"
	AgentTypeLDAP   = "LDAP"
	AgentTypeMFA    = "MFA"
	AgentTypeOPP    = "OPP"
	AgentTypeRUM    = "RUM"
	AgentTypeRadius = "Radius"
)

// AgentTypes lists every valid agent type, in the spec's order.
var AgentTypes = []string{AgentTypeAD, AgentTypeIWA, AgentTypeLDAP, AgentTypeMFA, AgentTypeOPP, AgentTypeRUM, AgentTypeRadius}

// Operational statuses (Okta's OperationalStatus enum).
const (
	StatusOperational = "OPERATIONAL"
	StatusDegraded    = "DEGRADED"
	StatusDisrupted   = "DISRUPTED"
	StatusInactive    = "INACTIVE"
)

// HrefObject is a HAL link.
type HrefObject struct {
	Href      string     `json:"href"`
	Name      string     `json:"name,omitempty"`
	Type      string     `json:"type,omitempty"`
	Templated bool       `json:"templated,omitempty"`
	Hints     *HrefHints `json:"hints,omitempty"`
}

// HrefHints lists the HTTP methods allowed on a link.
type HrefHints struct {
	Allow []string `json:"allow,omitempty"`
}

// Links holds a resource's HAL links by relation, e.g. Links["self"].
type Links map[string]HrefObject

// AgentPool is Okta's AgentPool.
type AgentPool struct {
	ID                string      `json:"id,omitempty"`
	Name              string      `json:"name,omitempty"`
	Type              string      `json:"type,omitempty"`
	OperationalStatus string      `json:"operationalStatus,omitempty"`
	DisruptedAgents   int         `json:"disruptedAgents"`
	InactiveAgents    int         `json:"inactiveAgents"`
	Agents            []PoolAgent `json:"agents,omitempty"`
	Links             Links       `json:"_links,omitempty"`
}

// PoolAgent is Okta's Agent schema: one agent of a pool as the Agent Pools
// API shows it. (The name Agent is taken by the agent-protocol client.)
type PoolAgent struct {
	ID                  string `json:"id,omitempty"`
	Name                string `json:"name,omitempty"`
	PoolID              string `json:"poolId,omitempty"`
	Type                string `json:"type,omitempty"`
	Version             string `json:"version,omitempty"`
	IsHidden            bool   `json:"isHidden"`
	IsLatestGAedVersion bool   `json:"isLatestGAedVersion"`
	// LastConnection is the time of the last heartbeat in Unix milliseconds.
	LastConnection    int64  `json:"lastConnection,omitempty"`
	OperationalStatus string `json:"operationalStatus,omitempty"`
	UpdateMessage     string `json:"updateMessage,omitempty"`
	UpdateStatus      string `json:"updateStatus,omitempty"`
	Links             Links  `json:"_links,omitempty"`
}

// LastConnectionTime converts LastConnection to a time.Time (zero when unset).
func (a PoolAgent) LastConnectionTime() time.Time {
	if a.LastConnection == 0 {
		return time.Time{}
	}
	return time.UnixMilli(a.LastConnection)
}

// AgentPoolUpdate is Okta's AgentPoolUpdate (an update job of a pool).
type AgentPoolUpdate struct {
	ID            string              `json:"id,omitempty"`
	Name          string              `json:"name,omitempty"`
	AgentType     string              `json:"agentType,omitempty"`
	Agents        []PoolAgent         `json:"agents,omitempty"`
	Enabled       bool                `json:"enabled"`
	NotifyAdmin   bool                `json:"notifyAdmin"`
	Reason        string              `json:"reason,omitempty"`
	Schedule      *AutoUpdateSchedule `json:"schedule,omitempty"`
	SortOrder     int                 `json:"sortOrder,omitempty"`
	Status        string              `json:"status,omitempty"`
	TargetVersion string              `json:"targetVersion,omitempty"`
	Links         Links               `json:"_links,omitempty"`
}

// AutoUpdateSchedule is Okta's AutoUpdateSchedule.
type AutoUpdateSchedule struct {
	Cron        string     `json:"cron,omitempty"`
	Delay       int        `json:"delay,omitempty"`
	Duration    int        `json:"duration,omitempty"`
	LastUpdated *time.Time `json:"lastUpdated,omitempty"`
	Timezone    string     `json:"timezone,omitempty"`
}

// Release is a published agent version of the admin API.
type Release struct {
	AgentType  string     `json:"agentType"`
	Channel    string     `json:"channel"`
	Version    string     `json:"version"`
	ReleasedAt *time.Time `json:"releasedAt,omitempty"`
}

// RegistrationToken is the answer to creating a registration token; Token is
// shown only once.
type RegistrationToken struct {
	ID     string `json:"id"`
	PoolID string `json:"poolId"`
	Token  string `json:"token"`
}

// ServiceAppRequest creates an OAuth service app; JWKS holds its public keys.
type ServiceAppRequest struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
	JWKS   JWKS     `json:"jwks"`
}

// JWKS is a JSON Web Key Set; each key is kept as raw JSON.
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

// ServiceApp is a created OAuth service app.
type ServiceApp struct {
	ClientID string   `json:"clientId"`
	Name     string   `json:"name"`
	Scopes   []string `json:"scopes"`
}

// APIToken is a created admin API token; Token is shown only once.
type APIToken struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

// ClockState is keyward's clock.
type ClockState struct {
	Now     time.Time `json:"now"`
	Virtual bool      `json:"virtual"`
}
