// Package e2e drives a real keyward server end to end: Okta's official Go SDK against the Agent
// Pools API in every authorization mode and on every store backend, the update-job lifecycle from
// every status, and the cost of listing agent pools through the whole HTTP stack.
package e2e
