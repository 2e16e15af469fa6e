// Package agentpool owns the Agent Pools domain: pools and their agents, update jobs with their
// schedules and settings, the release catalog, and the rules the Okta API leaves open. It knows
// nothing of HTTP; it returns fault errors for the API layer to present.
//
// Operational status is derived when read, from each agent's last heartbeat (see AgentStatus and
// Counts.PoolStatus), so it never goes stale in storage.
//
// An update job's lifecycle (job statuses; actions refused from any other status leave the job
// unchanged and answer 400 E0000001):
//
//	create ──► Scheduled (has a schedule: waits for a window)   InProgress (on demand: starts at once)
//
//	Scheduled ──window opens──► InProgress ──window closes, agents left──► Scheduled
//	InProgress ──all agents done──► Success | Failed
//	Scheduled, InProgress ──pause──► Paused ──resume──► InProgress (on demand or window open) | Scheduled
//	Scheduled, InProgress, Paused ──stop──► Cancelled (queued agents Cancelled; the in-flight one finishes)
//	Failed ──retry──► InProgress | Scheduled (failed and cancelled agents queued again)
//	Scheduled ──activate/deactivate──► Scheduled (enabled true/false; a disabled schedule opens no windows)
//	any but InProgress ──update──► queued again (Paused stays Paused) ; ──delete──► gone
//
// Each agent in a job moves Scheduled → InProgress → PendingCompletion → Success, or to Failed or
// Cancelled. The rollout engine (package rollout) drives those moves; this package holds what
// every caller shares: SetAgent, Clone, SaveJob (which mirrors each changed agent's progress onto
// the agent record) and ContinueOnError.
package agentpool
