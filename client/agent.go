package client

import (
	"context"
	"net/http"
	"strings"
)

// Register trades a registration token for an agent credential:
// POST /agent/v1/register with "Authorization: Bearer <registrationToken>".
// Registering again with the name of an agent already in the pool returns
// that agent with a fresh credential; the old credential stops working.
// Build an [Agent] from the answer with [NewAgent] or [Client.Agent].
func (c *Client) Register(ctx context.Context, registrationToken string, req RegisterRequest) (*Registration, error) {
	var out Registration
	_, err := do(ctx, c.cfg.httpClient, call{
		method: http.MethodPost,
		url:    endpoint(c.base, nil, "agent", "v1", "register"),
		auth:   "Bearer " + registrationToken,
		in:     req,
		out:    &out,
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Agent speaks the agent protocol with one agent credential. It is safe for
// concurrent use.
type Agent struct {
	base       string
	credential string
	hc         *http.Client
}

// NewAgent returns an agent-protocol client for the keyward server at
// baseURL that authenticates with credential (from [Registration]).
// [WithToken] is ignored.
func NewAgent(baseURL, credential string, opts ...Option) *Agent {
	cfg := newConfig(opts)
	return &Agent{base: strings.TrimRight(baseURL, "/"), credential: credential, hc: cfg.httpClient}
}

// Agent returns an agent-protocol client that shares c's base URL and HTTP
// client and authenticates with credential.
func (c *Client) Agent(credential string) *Agent {
	return &Agent{base: c.base, credential: credential, hc: c.cfg.httpClient}
}

// Heartbeat reports the agent's version and health:
// POST /agent/v1/heartbeat. The answer may carry an [Instruction].
func (a *Agent) Heartbeat(ctx context.Context, req HeartbeatRequest) (*HeartbeatResponse, error) {
	var out HeartbeatResponse
	_, err := do(ctx, a.hc, call{
		method: http.MethodPost,
		url:    endpoint(a.base, nil, "agent", "v1", "heartbeat"),
		auth:   "Bearer " + a.credential,
		in:     req,
		out:    &out,
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReportProgress reports the state of an update instruction:
// POST /agent/v1/instructions/{instructionId}/progress. A report for an
// instruction that is no longer current fails with an *[APIError] of
// status 409 and code E0000001.
func (a *Agent) ReportProgress(ctx context.Context, instructionID string, p Progress) error {
	_, err := do(ctx, a.hc, call{
		method: http.MethodPost,
		url:    endpoint(a.base, nil, "agent", "v1", "instructions", instructionID, "progress"),
		auth:   "Bearer " + a.credential,
		in:     p,
	})
	return err
}
