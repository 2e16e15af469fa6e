package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Enrollment is what a server agent sends to enroll (POST /server/v1/enroll).
type Enrollment struct {
	Hostname     string            `json:"hostname"`
	OSType       string            `json:"os_type"` // linux or windows
	OS           string            `json:"os,omitempty"`
	AgentVersion string            `json:"agent_version,omitempty"`
	Labels       map[string]string `json:"labels,omitempty"`
	Accounts     []string          `json:"accounts"` // the server's local account logins
}

// Enrolled is the answer to an enrollment; Credential is shown this once.
type Enrolled struct {
	ServerID                 string `json:"server_id"`
	Credential               string `json:"credential"`
	HeartbeatIntervalSeconds int    `json:"heartbeat_interval_seconds"`
}

// ServerBeat is what a heartbeat answers: the instructions handed to this server now.
type ServerBeat struct {
	Now                      string              `json:"now"`
	HeartbeatIntervalSeconds int                 `json:"heartbeat_interval_seconds"`
	Instructions             []ServerInstruction `json:"instructions"`
}

// ServerInstruction is work for a server agent; Payload is the kind's own JSON.
type ServerInstruction struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Attempt int             `json:"attempt"`
	Payload json.RawMessage `json:"payload"`
}

// InstructionResult is a server agent's report on an instruction.
type InstructionResult struct {
	Succeeded bool            `json:"succeeded"`
	Result    json.RawMessage `json:"result,omitempty"`
}

// EnrollServer enrolls a server with a project's enrollment token. Enrolling a hostname the
// project already has returns that server with a new credential; the old one stops working.
// A deleted or unknown token fails with an *[APIError] of status 401.
func (c *Client) EnrollServer(ctx context.Context, enrollmentToken string, e Enrollment) (*Enrolled, error) {
	var out Enrolled
	_, err := do(ctx, c.cfg.httpClient, call{method: http.MethodPost, url: endpoint(c.base, nil, "server", "v1", "enroll"),
		auth: "Bearer " + enrollmentToken, in: e, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ServerAgent speaks the server-agent protocol with one server credential. It is safe for
// concurrent use.
type ServerAgent struct {
	base       string
	credential string
	hc         *http.Client
}

// NewServerAgent returns a server-agent client for the keyward server at baseURL that
// authenticates with credential (from [Enrolled]). [WithToken] is ignored.
func NewServerAgent(baseURL, credential string, opts ...Option) *ServerAgent {
	cfg := newConfig(opts)
	return &ServerAgent{base: strings.TrimRight(baseURL, "/"), credential: credential, hc: cfg.httpClient}
}

// ServerAgent returns a server-agent client sharing c's base URL and HTTP client.
func (c *Client) ServerAgent(credential string) *ServerAgent {
	return &ServerAgent{base: c.base, credential: credential, hc: c.cfg.httpClient}
}

// Heartbeat reports the server's current local accounts (nil leaves them as they are) and
// returns the instructions handed out to it: POST /server/v1/heartbeat.
func (a *ServerAgent) Heartbeat(ctx context.Context, accounts []string) (*ServerBeat, error) {
	var out ServerBeat
	_, err := do(ctx, a.hc, call{method: http.MethodPost, url: endpoint(a.base, nil, "server", "v1", "heartbeat"),
		auth: "Bearer " + a.credential, in: struct {
			Accounts []string `json:"accounts"`
		}{accounts}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReportResult reports a delivered instruction's outcome:
// POST /server/v1/instructions/{instructionId}/result.
func (a *ServerAgent) ReportResult(ctx context.Context, instructionID string, r InstructionResult) error {
	_, err := do(ctx, a.hc, call{method: http.MethodPost,
		url:  endpoint(a.base, nil, "server", "v1", "instructions", instructionID, "result"),
		auth: "Bearer " + a.credential, in: r})
	return err
}
