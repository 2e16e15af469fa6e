// Package okta serves the Okta Agent Pools API (/api/v1/agentPools…): the route table with the
// spec's operationIds, decoding of AgentPoolUpdate and settings bodies, and the JSON
// representation of pools, agents, update jobs and settings (dist 2026.06.3: lastConnection is
// epoch milliseconds; empty optional fields are omitted, as Okta omits them).
package okta
