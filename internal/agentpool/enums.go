package agentpool

import "slices"

// AgentTypes are Okta's agent types (note the mixed-case "Radius").
var AgentTypes = []string{"AD", "IWA", "LDAP", "MFA", "OPP", "RUM", "Radius"}

// ValidAgentType reports whether t is one of AgentTypes.
func ValidAgentType(t string) bool { return slices.Contains(AgentTypes, t) }

// Release channels.
var Channels = []string{"GA", "EA", "BETA", "TEST"}

// Agent operational statuses.
const (
	Operational = "OPERATIONAL"
	Degraded    = "DEGRADED"
	Disrupted   = "DISRUPTED"
	Inactive    = "INACTIVE"
)

// Job statuses (AgentUpdateJobStatus) and per-agent statuses (AgentUpdateInstanceStatus).
const (
	StatusScheduled         = "Scheduled"
	StatusInProgress        = "InProgress"
	StatusPaused            = "Paused"
	StatusPendingCompletion = "PendingCompletion"
	StatusSuccess           = "Success"
	StatusFailed            = "Failed"
	StatusCancelled         = "Cancelled"
)

// Messages shown in an agent's updateMessage.
const (
	MsgQueued    = "Queued for update."
	MsgUpdating  = "Agent is updating."
	MsgPending   = "Update installed; waiting for the agent to reconnect on the new version."
	MsgSucceeded = "Agent updated successfully."
	MsgCancelled = "Update cancelled."
	MsgCurrent   = "Agent is already on the target version."
)
