package client

import "time"

// Instruction types.
const (
	InstructionUpdate = "update"
)

// Progress states of an update instruction.
const (
	ProgressStarted   = "started"
	ProgressInstalled = "installed"
	ProgressFailed    = "failed"
)

// RegisterRequest is the body of POST /agent/v1/register.
type RegisterRequest struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Registration is the answer to a registration; Credential authenticates
// every later agent call (see [NewAgent]).
type Registration struct {
	AgentID                  string `json:"agentId"`
	PoolID                   string `json:"poolId"`
	AgentType                string `json:"agentType"`
	Credential               string `json:"credential"`
	HeartbeatIntervalSeconds int    `json:"heartbeatIntervalSeconds"`
}

// HeartbeatRequest is the body of POST /agent/v1/heartbeat.
type HeartbeatRequest struct {
	Version string `json:"version"`
	Healthy bool   `json:"healthy"`
	Message string `json:"message,omitempty"`
}

// HeartbeatResponse is the answer to a heartbeat. Instruction is nil when
// there is nothing to do.
type HeartbeatResponse struct {
	Now                      time.Time    `json:"now"`
	HeartbeatIntervalSeconds int          `json:"heartbeatIntervalSeconds"`
	Instruction              *Instruction `json:"instruction,omitempty"`
}

// Instruction is work handed to an agent in a heartbeat answer.
type Instruction struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	JobID         string `json:"jobId,omitempty"`
	TargetVersion string `json:"targetVersion,omitempty"`
	Attempt       int    `json:"attempt,omitempty"`
}

// Progress is the body of POST /agent/v1/instructions/{id}/progress.
type Progress struct {
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
}
