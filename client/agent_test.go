package client

import (
	"context"
	"testing"
)

func TestAgentProtocol(t *testing.T) {
	f := newFakeServer(t)
	ctx := context.Background()
	admin := New(f.URL, WithToken(f.adminToken), WithHTTPClient(f.Client()))
	pool, err := admin.CreatePool(ctx, "dc", "AD")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := admin.CreateRegistrationToken(ctx, pool.ID)
	if err != nil {
		t.Fatal(err)
	}

	anon := New(f.URL) // registration needs no admin token
	reg, err := anon.Register(ctx, rt.Token, RegisterRequest{Name: "DC-01", Version: "3.20.0"})
	if err != nil {
		t.Fatal(err)
	}
	if reg.PoolID != pool.ID || reg.AgentID == "" || reg.Credential == "" || reg.HeartbeatIntervalSeconds != 30 {
		t.Fatalf("Registration = %+v", reg)
	}
	last := f.requests()[len(f.requests())-1]
	if last.Method != "POST" || last.Path != "/agent/v1/register" || last.Auth != "Bearer "+rt.Token ||
		!jsonEqual(t, last.Body, `{"name":"DC-01","version":"3.20.0"}`) {
		t.Errorf("register request = %+v", last)
	}

	agent := NewAgent(f.URL, reg.Credential)
	f.mu.Lock()
	f.pending[reg.AgentID] = &Instruction{ID: "ins1", Type: InstructionUpdate, JobID: "ajd1", TargetVersion: "3.22.0", Attempt: 1}
	f.current["ins1"] = true
	f.mu.Unlock()
	hb, err := agent.Heartbeat(ctx, HeartbeatRequest{Version: "3.20.0", Healthy: false, Message: "disk full"})
	if err != nil {
		t.Fatal(err)
	}
	if hb.Instruction == nil || *hb.Instruction != (Instruction{ID: "ins1", Type: "update", JobID: "ajd1", TargetVersion: "3.22.0", Attempt: 1}) {
		t.Fatalf("Instruction = %+v", hb.Instruction)
	}
	if hb.Now.IsZero() || hb.HeartbeatIntervalSeconds != 30 {
		t.Errorf("HeartbeatResponse = %+v", hb)
	}
	last = f.requests()[len(f.requests())-1]
	if last.Path != "/agent/v1/heartbeat" || last.Auth != "Bearer "+reg.Credential ||
		!jsonEqual(t, last.Body, `{"version":"3.20.0","healthy":false,"message":"disk full"}`) {
		t.Errorf("heartbeat request = %+v", last)
	}
	if hb, err = agent.Heartbeat(ctx, HeartbeatRequest{Version: "3.20.0", Healthy: true}); err != nil || hb.Instruction != nil {
		t.Errorf("second heartbeat = %+v, %v; want no instruction", hb, err)
	}

	if err := agent.ReportProgress(ctx, "ins1", Progress{State: ProgressStarted}); err != nil {
		t.Fatal(err)
	}
	last = f.requests()[len(f.requests())-1]
	if last.Path != "/agent/v1/instructions/ins1/progress" || last.Auth != "Bearer "+reg.Credential ||
		!jsonEqual(t, last.Body, `{"state":"started"}`) {
		t.Errorf("progress request = %+v", last)
	}
	if err := agent.ReportProgress(ctx, "stale", Progress{State: ProgressFailed, Message: "x"}); StatusCode(err) != 409 || ErrorCode(err) != "E0000001" {
		t.Errorf("stale instruction: err = %v, want 409 E0000001", err)
	}

	// Registering the same name again yields the same agent and retires the old credential.
	reg2, err := admin.Register(ctx, rt.Token, RegisterRequest{Name: "DC-01", Version: "3.20.0"})
	if err != nil || reg2.AgentID != reg.AgentID || reg2.Credential == reg.Credential {
		t.Fatalf("re-register = %+v, %v", reg2, err)
	}
	if _, err := agent.Heartbeat(ctx, HeartbeatRequest{Version: "3.20.0", Healthy: true}); StatusCode(err) != 401 {
		t.Errorf("old credential: err = %v, want 401", err)
	}
	if _, err := admin.Agent(reg2.Credential).Heartbeat(ctx, HeartbeatRequest{Version: "3.22.0", Healthy: true}); err != nil {
		t.Errorf("new credential: %v", err)
	}
	if _, err := anon.Register(ctx, "bogus", RegisterRequest{Name: "x"}); StatusCode(err) != 401 {
		t.Errorf("bogus registration token: err = %v", err)
	}
}
