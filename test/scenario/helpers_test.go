package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// Versions: agents start on oldVersion; jobs target the newest GA release of the built-in
// catalog, which is newVersion.
const (
	oldVersion = "3.20.0"
	newVersion = "3.22.0"
)

// backends runs body once on SQLite and once on PostgreSQL.
func backends(t *testing.T, body func(t *testing.T, postgres bool)) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) { body(t, pg) })
	}
}

// env is one server with a virtual clock that moves only when a test moves it: the background
// tick is hourly in real time, so every step of a scenario happens when the test says.
type env struct {
	t   *testing.T
	ctx context.Context
	s   *apptest.Server
}

func newEnv(t *testing.T, postgres bool) *env {
	return newEnvTimeout(t, postgres, 30*time.Minute)
}

// newEnvTimeout is newEnv with another update timeout.
func newEnvTimeout(t *testing.T, postgres bool, timeout time.Duration) *env {
	t.Helper()
	s := apptest.Start(t, apptest.Options{Postgres: postgres, VirtualClock: true, Configure: func(c *config.Config) {
		c.TickInterval = time.Hour
		c.UpdateTimeout = timeout
	}})
	return &env{t: t, ctx: context.Background(), s: s}
}

// agent is one agent speaking the protocol through package client.
type agent struct {
	e       *env
	name    string
	id      string
	version string
	cred    string
	api     *client.Agent
}

// pool creates a pool through the admin API and registers n agents into it through the agent
// protocol, named <name>-1…<name>-n, on oldVersion.
func (e *env) pool(name string, n int) (string, []*agent) {
	e.t.Helper()
	p, err := e.s.Client.CreatePool(e.ctx, name, "AD")
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.s.Client.CreateRegistrationToken(e.ctx, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	agents := make([]*agent, n)
	for i := range agents {
		a := &agent{e: e, name: fmt.Sprintf("%s-%d", name, i+1), version: oldVersion}
		reg, err := e.s.Client.Register(e.ctx, tok.Token, client.RegisterRequest{Name: a.name, Version: oldVersion})
		if err != nil {
			e.t.Fatal(err)
		}
		if reg.PoolID != p.ID || reg.AgentType != "AD" {
			e.t.Fatalf("registration %+v", reg)
		}
		a.id, a.cred, a.api = reg.AgentID, reg.Credential, e.s.Client.Agent(reg.Credential)
		agents[i] = a
	}
	return p.ID, agents
}

// heartbeat sends a heartbeat on the agent's version and returns the instruction it brought.
func (a *agent) heartbeat() *client.Instruction {
	a.e.t.Helper()
	res, err := a.api.Heartbeat(a.e.ctx, client.HeartbeatRequest{Version: a.version, Healthy: true})
	if err != nil {
		a.e.t.Fatalf("%s heartbeat: %v", a.name, err)
	}
	return res.Instruction
}

func (a *agent) report(in *client.Instruction, state, message string) error {
	return a.api.ReportProgress(a.e.ctx, in.ID, client.Progress{State: state, Message: message})
}

// update carries out an instruction: started, installed, then a heartbeat on the new version.
func (a *agent) update(in *client.Instruction) {
	a.e.t.Helper()
	for _, st := range []string{client.ProgressStarted, client.ProgressInstalled} {
		if err := a.report(in, st, ""); err != nil {
			a.e.t.Fatalf("%s %s: %v", a.name, st, err)
		}
	}
	a.version = in.TargetVersion
	if extra := a.heartbeat(); extra != nil {
		a.e.t.Fatalf("%s got %+v on reconnecting", a.name, extra)
	}
}

// update is the part of an AgentPoolUpdate the scenarios read.
type update struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Enabled  bool   `json:"enabled"`
	Schedule *struct {
		LastUpdated string `json:"lastUpdated"`
	} `json:"schedule"`
	Agents []struct {
		ID            string `json:"id"`
		UpdateStatus  string `json:"updateStatus"`
		UpdateMessage string `json:"updateMessage"`
	} `json:"agents"`
}

// statuses lists the agents' update statuses in the job's order.
func (u update) statuses() []string {
	out := make([]string, len(u.Agents))
	for i, a := range u.Agents {
		out[i] = a.UpdateStatus
	}
	return out
}

// call sends an Agent Pools API request with the admin token through the spec-validating
// client, fails the test unless the answer has status want, and decodes it into out.
func (e *env) call(method, path string, body any, want int, out any) {
	e.t.Helper()
	status, data, err := send(e.ctx, e.s, method, path, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
}

// send sends an Agent Pools API request with the admin token through s's spec-validating client
// and returns the answer's status and body; it is safe to call from any goroutine.
func send(ctx context.Context, s *apptest.Server, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// createJob creates an update job of the pool over agents, in that order. A nil schedule makes
// it on demand.
func (e *env) createJob(poolID string, schedule map[string]any, agents ...*agent) update {
	e.t.Helper()
	var u update
	e.call("POST", "/api/v1/agentPools/"+poolID+"/updates", jobDefinition(schedule, agents...), http.StatusCreated, &u)
	return u
}

// jobDefinition is the body creating or replacing an update job over agents, in that order.
func jobDefinition(schedule map[string]any, agents ...*agent) map[string]any {
	list := make([]map[string]string, len(agents))
	for i, a := range agents {
		list[i] = map[string]string{"id": a.id}
	}
	body := map[string]any{"name": "rollout", "agentType": "AD", "agents": list, "enabled": true}
	if schedule != nil {
		body["schedule"] = schedule
	}
	return body
}

func (e *env) job(poolID, jobID string) update {
	e.t.Helper()
	var u update
	e.call("GET", "/api/v1/agentPools/"+poolID+"/updates/"+jobID, nil, http.StatusOK, &u)
	return u
}

// act runs a lifecycle action (pause, resume, stop, retry, activate, deactivate).
func (e *env) act(poolID, jobID, action string) update {
	e.t.Helper()
	var u update
	e.call("POST", "/api/v1/agentPools/"+poolID+"/updates/"+jobID+"/"+action, nil, http.StatusCreated, &u)
	return u
}

func (e *env) continueOnError(poolID string, on bool) {
	e.t.Helper()
	e.call("POST", "/api/v1/agentPools/"+poolID+"/updates/settings",
		map[string]any{"agentType": "AD", "continueOnError": on}, http.StatusCreated, nil)
}

// advance moves the virtual clock; every move ticks the rollout engine.
func (e *env) advance(d time.Duration) time.Time {
	e.t.Helper()
	c, err := e.s.Client.AdvanceClock(e.ctx, d)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Now
}

func (e *env) setClock(at time.Time) {
	e.t.Helper()
	c, err := e.s.Client.SetClock(e.ctx, at)
	if err != nil {
		e.t.Fatal(err)
	}
	if !c.Now.Equal(at) {
		e.t.Fatalf("clock at %s, want %s", c.Now, at)
	}
}

// expect fails unless the job has the status and agent statuses given.
func (e *env) expect(poolID, jobID, status string, agents ...string) update {
	e.t.Helper()
	u := e.job(poolID, jobID)
	if u.Status != status || fmt.Sprint(u.statuses()) != fmt.Sprint(agents) {
		e.t.Fatalf("job %s %v, want %s %v", u.Status, u.statuses(), status, agents)
	}
	return u
}

// nobodyGets fails if a heartbeat of any of the agents brings an instruction.
func nobodyGets(t *testing.T, agents ...*agent) {
	t.Helper()
	for _, a := range agents {
		if in := a.heartbeat(); in != nil {
			t.Fatalf("%s got an unexpected instruction %+v", a.name, in)
		}
	}
}

// startOnDemand creates a pool of n agents and an on-demand job over them in pool order, lets the
// engine start the first agent, and returns the first agent's instruction from its heartbeat.
func (e *env) startOnDemand(n int) (string, []*agent, update, *client.Instruction) {
	e.t.Helper()
	poolID, a := e.pool("dc", n)
	j := e.createJob(poolID, nil, a...)
	e.advance(time.Second)
	in := a[0].heartbeat()
	if in == nil {
		e.t.Fatal("no instruction for the first agent")
	}
	return poolID, a, j, in
}
