package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/keyward/keyward/client"
)

// eventAbandoned is the Stats event of an update the agent gave up.
const eventAbandoned = "abandoned"

// AgentAPI is the agent protocol as a simulated agent uses it;
// *client.Agent implements it.
type AgentAPI interface {
	Heartbeat(ctx context.Context, req client.HeartbeatRequest) (*client.HeartbeatResponse, error)
	ReportProgress(ctx context.Context, instructionID string, p client.Progress) error
}

// Behaviour is how simulated agents behave; all durations are real time.
type Behaviour struct {
	// Heartbeat is the time between two heartbeats.
	Heartbeat time.Duration
	// StartJitter bounds the random delay before the first heartbeat.
	StartJitter time.Duration
	// UpdateDuration is how long an install takes.
	UpdateDuration time.Duration
	// ReconnectDelay is the time between "installed" and the first
	// heartbeat on the new version.
	ReconnectDelay time.Duration
	// FailureRate is the probability (0..1) that an install fails.
	FailureRate float64
	// UnhealthyRate is the probability (0..1) that a heartbeat reports the
	// agent unhealthy.
	UnhealthyRate float64
	// Retry bounds the retries of each call; zero means DefaultBackoff.
	Retry Backoff
}

// AgentSpec identifies one simulated agent.
type AgentSpec struct {
	// Name is unique in the fleet; it keys the agent in Stats.
	Name string
	// Version is the version the agent starts with.
	Version string
	// API speaks the agent protocol with the agent's credential.
	API AgentAPI
	// Reregister, when set, is called once when keyward refuses the
	// credential (401); it registers the agent again with the given version
	// and returns a client holding the fresh credential.
	Reregister func(ctx context.Context, version string) (AgentAPI, error)
}

// Agent is one simulated agent. Run it with Run; it is not meant to be used
// from several goroutines.
type Agent struct {
	spec    AgentSpec
	b       Behaviour
	rng     *rand.Rand
	stats   *Stats
	api     AgentAPI
	version string
}

// NewAgent returns an agent whose random choices come from seed, and
// registers it in stats.
func NewAgent(spec AgentSpec, b Behaviour, seed uint64, stats *Stats) *Agent {
	stats.add(spec.Name, spec.Version)
	return &Agent{
		spec: spec, b: b, stats: stats, api: spec.API, version: spec.Version,
		rng: rand.New(rand.NewPCG(seed, 0x6b657977617264)),
	}
}

// Run heartbeats and carries out update instructions until ctx is done.
func (a *Agent) Run(ctx context.Context) {
	if a.b.StartJitter > 0 && !sleep(ctx, time.Duration(a.rng.Int64N(int64(a.b.StartJitter)))) {
		return
	}
	for ctx.Err() == nil {
		in := a.heartbeat(ctx)
		if in != nil && in.Type == client.InstructionUpdate && in.TargetVersion != "" && ctx.Err() == nil {
			if a.update(ctx, *in) {
				continue // reconnect on the new version at once
			}
		}
		if !sleep(ctx, a.b.Heartbeat) {
			return
		}
	}
}

// heartbeat sends one heartbeat (with retries) and returns the instruction
// it brought, if any.
func (a *Agent) heartbeat(ctx context.Context) *client.Instruction {
	req := client.HeartbeatRequest{Version: a.version, Healthy: a.rng.Float64() >= a.b.UnhealthyRate}
	if !req.Healthy {
		req.Message = "simulated: agent reports unhealthy"
	}
	var resp *client.HeartbeatResponse
	err := a.call(ctx, func(ctx context.Context) (err error) {
		resp, err = a.api.Heartbeat(ctx, req)
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	a.stats.heartbeat(a.spec.Name, a.version, req.Healthy, err)
	if err != nil {
		return nil
	}
	return resp.Instruction
}

// update carries out an update instruction. It reports whether the new
// version was installed, in which case the agent now runs it.
func (a *Agent) update(ctx context.Context, in client.Instruction) bool {
	a.stats.update(a.spec.Name, client.ProgressStarted, "", nil)
	if err := a.report(ctx, in.ID, client.ProgressStarted, ""); err != nil {
		a.abandon(ctx, err)
		return false
	}
	if !sleep(ctx, a.b.UpdateDuration) {
		return false
	}
	if a.rng.Float64() < a.b.FailureRate {
		msg := fmt.Sprintf("simulated failure installing %s (attempt %d)", in.TargetVersion, in.Attempt)
		if err := a.report(ctx, in.ID, client.ProgressFailed, msg); err != nil {
			a.abandon(ctx, err)
			return false
		}
		a.stats.update(a.spec.Name, client.ProgressFailed, "", nil)
		return false
	}
	if err := a.report(ctx, in.ID, client.ProgressInstalled, ""); err != nil {
		a.abandon(ctx, err)
		return false
	}
	if !sleep(ctx, a.b.ReconnectDelay) {
		return false
	}
	a.version = in.TargetVersion
	a.stats.update(a.spec.Name, client.ProgressInstalled, a.version, nil)
	return true
}

// abandon records an update given up because a report failed (for example
// with 409 because the job was stopped); the agent keeps its version.
func (a *Agent) abandon(ctx context.Context, err error) {
	if ctx.Err() == nil {
		a.stats.update(a.spec.Name, eventAbandoned, "", err)
	}
}

func (a *Agent) report(ctx context.Context, instructionID, state, msg string) error {
	return a.call(ctx, func(ctx context.Context) error {
		return a.api.ReportProgress(ctx, instructionID, client.Progress{State: state, Message: msg})
	})
}

// call runs fn with retries; when keyward refuses the credential it
// re-registers once and tries again with the fresh one.
func (a *Agent) call(ctx context.Context, fn func(context.Context) error) error {
	reregistered := false
	return retry(ctx, a.b.Retry, func(ctx context.Context) error {
		err := fn(ctx)
		if client.StatusCode(err) != http.StatusUnauthorized || a.spec.Reregister == nil || reregistered {
			return err
		}
		reregistered = true
		api, rerr := a.spec.Reregister(ctx, a.version)
		a.stats.reregistered(a.spec.Name, rerr)
		if rerr != nil {
			return rerr
		}
		a.api = api
		return fn(ctx)
	})
}
