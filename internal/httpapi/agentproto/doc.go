// Package agentproto serves keyward's agent protocol under /agent/v1 (docs/agent-protocol.md):
// registration with a pool's registration token, heartbeats and update progress reports with
// the agent's own credential. It decodes and validates requests and leaves the rules to package
// rollout. Errors are in Okta's format.
package agentproto
