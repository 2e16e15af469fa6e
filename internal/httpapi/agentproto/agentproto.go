package agentproto

import (
	"net/http"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/rollout"
)

// Handlers serves the agent protocol.
type Handlers struct {
	Engine *rollout.Engine
}

// Routes is the agent protocol's route table.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "POST", Pattern: "/agent/v1/register", Name: "registerAgent", Access: wire.Registration, Handler: h.registerAgent},
		{Method: "POST", Pattern: "/agent/v1/heartbeat", Name: "heartbeat", Access: wire.AgentCred, Handler: h.heartbeat},
		{Method: "POST", Pattern: "/agent/v1/instructions/{instructionId}/progress", Name: "reportProgress",
			Access: wire.AgentCred, Handler: h.reportProgress},
	}
}

type registerRequest struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type registerResponse struct {
	AgentID                  string `json:"agentId"`
	PoolID                   string `json:"poolId"`
	AgentType                string `json:"agentType"`
	Credential               string `json:"credential"`
	HeartbeatIntervalSeconds int    `json:"heartbeatIntervalSeconds"`
}

func (h *Handlers) registerAgent(w http.ResponseWriter, r *http.Request) error {
	var in registerRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	in.Name = strings.TrimSpace(in.Name)
	var causes []string
	causes = append(causes, checkName(in.Name)...)
	causes = append(causes, checkVersion(in.Version)...)
	if len(causes) > 0 {
		return fault.Invalidf("Registration", causes...)
	}
	reg, err := h.Engine.Register(r.Context(), wire.PrincipalFrom(r), in.Name, in.Version)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, registerResponse{AgentID: reg.AgentID, PoolID: reg.PoolID, AgentType: reg.AgentType,
		Credential: reg.Credential, HeartbeatIntervalSeconds: seconds(reg.HeartbeatInterval)})
	return nil
}

type heartbeatRequest struct {
	Version string `json:"version"`
	Healthy *bool  `json:"healthy"`
	Message string `json:"message"`
}

type heartbeatResponse struct {
	Now                      string       `json:"now"`
	HeartbeatIntervalSeconds int          `json:"heartbeatIntervalSeconds"`
	Instruction              *instruction `json:"instruction,omitempty"`
}

type instruction struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	JobID         string `json:"jobId"`
	TargetVersion string `json:"targetVersion"`
	Attempt       int    `json:"attempt"`
}

func (h *Handlers) heartbeat(w http.ResponseWriter, r *http.Request) error {
	var in heartbeatRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	causes := checkVersion(in.Version)
	if in.Healthy == nil {
		causes = append(causes, "healthy: is required")
	}
	causes = append(causes, checkMessage(in.Message)...)
	if len(causes) > 0 {
		return fault.Invalidf("Heartbeat", causes...)
	}
	p := wire.PrincipalFrom(r)
	res, err := h.Engine.Heartbeat(r.Context(), p.OrgID, p.Agent,
		rollout.HeartbeatInput{Version: in.Version, Healthy: *in.Healthy, Message: in.Message})
	if err != nil {
		return err
	}
	out := heartbeatResponse{Now: res.Now.UTC().Format(time.RFC3339Nano), HeartbeatIntervalSeconds: seconds(res.HeartbeatInterval)}
	if i := res.Instruction; i != nil {
		out.Instruction = &instruction{ID: i.ID, Type: i.Type, JobID: i.JobID, TargetVersion: i.TargetVersion, Attempt: i.Attempt}
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

type progressRequest struct {
	State   string `json:"state"`
	Message string `json:"message"`
}

func (h *Handlers) reportProgress(w http.ResponseWriter, r *http.Request) error {
	var in progressRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	var causes []string
	switch in.State {
	case rollout.StateStarted, rollout.StateInstalled, rollout.StateFailed:
	case "":
		causes = append(causes, "state: is required")
	default:
		causes = append(causes, "state: must be one of started, installed, failed")
	}
	causes = append(causes, checkMessage(in.Message)...)
	if len(causes) > 0 {
		return fault.Invalidf("Progress", causes...)
	}
	p := wire.PrincipalFrom(r)
	if err := h.Engine.Progress(r.Context(), p.OrgID, p.Agent, r.PathValue("instructionId"), in.State, in.Message); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}
