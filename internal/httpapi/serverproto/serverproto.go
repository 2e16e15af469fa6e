package serverproto

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// Handlers serves the server-agent protocol.
type Handlers struct {
	PAM *pam.Service
}

// Routes is the server-agent protocol's route table. The routes are public to the router: each
// handler hands the bearer credential to the domain, which answers an unknown one with 401.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "POST", Pattern: "/server/v1/enroll", Name: "enrollServer", Access: wire.Public, Handler: h.enrollServer},
		{Method: "POST", Pattern: "/server/v1/heartbeat", Name: "serverHeartbeat", Access: wire.Public, Handler: h.serverHeartbeat},
		{Method: "POST", Pattern: "/server/v1/instructions/{instructionId}/result", Name: "reportInstructionResult",
			Access: wire.Public, Handler: h.reportInstructionResult},
	}
}

// credential is the bearer credential of a request, or an Unauthorized fault.
func credential(r *http.Request) (string, error) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(cred) == "" {
		return "", fault.Unauthorizedf("Invalid token provided")
	}
	return strings.TrimSpace(cred), nil
}

type enrollRequest struct {
	Hostname     string            `json:"hostname"`
	OSType       string            `json:"os_type"`
	OS           string            `json:"os"`
	AgentVersion string            `json:"agent_version"`
	Labels       map[string]string `json:"labels"`
	Accounts     []string          `json:"accounts"`
}

type enrollResponse struct {
	ServerID                 string `json:"server_id"`
	Credential               string `json:"credential"`
	HeartbeatIntervalSeconds int    `json:"heartbeat_interval_seconds"`
}

func (h *Handlers) enrollServer(w http.ResponseWriter, r *http.Request) error {
	token, err := credential(r)
	if err != nil {
		return err
	}
	var in enrollRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	out, err := h.PAM.Enroll(r.Context(), token, pam.Enrollment{Hostname: in.Hostname, OSType: in.OSType, OS: in.OS,
		AgentVersion: in.AgentVersion, Labels: in.Labels, Accounts: in.Accounts})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, enrollResponse{ServerID: out.ServerID, Credential: out.Credential,
		HeartbeatIntervalSeconds: int(pam.HeartbeatInterval / time.Second)})
	return nil
}

type heartbeatRequest struct {
	Accounts []string `json:"accounts"`
}

type heartbeatResponse struct {
	Now                      string        `json:"now"`
	HeartbeatIntervalSeconds int           `json:"heartbeat_interval_seconds"`
	Instructions             []instruction `json:"instructions"`
}

type instruction struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Attempt int             `json:"attempt"`
	Payload json.RawMessage `json:"payload"`
}

func (h *Handlers) serverHeartbeat(w http.ResponseWriter, r *http.Request) error {
	cred, err := credential(r)
	if err != nil {
		return err
	}
	var in heartbeatRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	got, err := h.PAM.Heartbeat(r.Context(), cred, pam.Beat{Accounts: in.Accounts})
	if err != nil {
		return err
	}
	out := heartbeatResponse{Now: h.PAM.Clock.Now().UTC().Format(time.RFC3339Nano),
		HeartbeatIntervalSeconds: int(pam.HeartbeatInterval / time.Second), Instructions: make([]instruction, len(got))}
	for i, in := range got {
		out.Instructions[i] = instruction{ID: in.ID, Kind: in.Kind, Attempt: in.Attempt, Payload: json.RawMessage(in.Payload)}
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

type resultRequest struct {
	Succeeded *bool           `json:"succeeded"`
	Result    json.RawMessage `json:"result"`
}

func (h *Handlers) reportInstructionResult(w http.ResponseWriter, r *http.Request) error {
	cred, err := credential(r)
	if err != nil {
		return err
	}
	var in resultRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.Succeeded == nil {
		return fault.Invalidf("InstructionResult", "succeeded: is required")
	}
	if err := h.PAM.ReportInstructionResult(r.Context(), cred, r.PathValue("instructionId"),
		pam.InstructionResult{Succeeded: *in.Succeeded, Result: in.Result}); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}
