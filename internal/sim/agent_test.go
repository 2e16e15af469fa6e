package sim

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

func TestUnhealthyHeartbeats(t *testing.T) {
	f := newFake(t)
	r := startMain(t, simArgs(f, "--unhealthy-rate", "1"))
	waitFor(t, "three heartbeats", func() bool { return len(f.find(kind("heartbeat"))) >= 3 })
	out := r.stop(t)
	for _, e := range f.find(kind("heartbeat")) {
		if e.healthy || e.message == "" {
			t.Errorf("heartbeat %+v, want unhealthy with a message", e)
		}
	}
	if !strings.Contains(out, "DEGRADED 1") {
		t.Errorf("output lacks DEGRADED:\n%s", out)
	}
}

func TestHeartbeatRetriesTransientErrors(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeKeyward) { f.failHeartbeats = 2 })
	r := startMain(t, simArgs(f, "--heartbeat", "10s"))
	waitFor(t, "a heartbeat", func() bool { return len(f.find(kind("heartbeat"))) == 1 })
	out := r.stop(t)
	if !strings.Contains(out, "1 sent, 0 unhealthy, 0 failed") {
		t.Errorf("the first heartbeat should succeed after two retries:\n%s", out)
	}
}

func TestReregistersWhenCredentialRefused(t *testing.T) {
	f := newFake(t)
	r := startMain(t, simArgs(f))
	waitFor(t, "a heartbeat", func() bool { return len(f.find(kind("heartbeat"))) == 1 })
	f.set(func(f *fakeKeyward) { clear(f.creds) })
	waitFor(t, "a heartbeat after re-registering", func() bool {
		regs := f.find(kind("register"))
		return len(regs) == 2 && len(f.find(func(e event) bool { return e.kind == "heartbeat" && e.at.After(regs[1].at) })) > 0
	})
	out := r.stop(t)
	if !strings.Contains(out, "0 failed, 1 re-registrations") {
		t.Errorf("summary:\n%s", out)
	}
}

func TestStaleInstructionIsAbandoned(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeKeyward) { f.stale = true })
	r := startMain(t, simArgs(f, "--version", "3.20.0"))
	waitFor(t, "a registration", func() bool { return len(f.find(kind("register"))) == 1 })
	offer(f)
	waitFor(t, "the instruction", func() bool { return len(f.find(func(e event) bool { return e.instruction == "ins1" })) == 1 })
	handed := f.find(func(e event) bool { return e.instruction == "ins1" })[0]
	waitFor(t, "two more heartbeats", func() bool {
		return len(f.find(func(e event) bool { return e.kind == "heartbeat" && e.at.After(handed.at) })) >= 2
	})
	out := r.stop(t)
	for _, e := range f.find(kind("heartbeat")) {
		if e.version != "3.20.0" {
			t.Errorf("heartbeat on %s after an abandoned update", e.version)
		}
	}
	if !strings.Contains(out, "1 started, 0 installed, 0 failed, 1 abandoned, 0 in progress") || !strings.Contains(out, "409") {
		t.Errorf("summary:\n%s", out)
	}
}

// downAPI fails every call as a network error would.
type downAPI struct{ calls atomic.Int32 }

func (d *downAPI) Heartbeat(context.Context, client.HeartbeatRequest) (*client.HeartbeatResponse, error) {
	d.calls.Add(1)
	return nil, errors.New("dial tcp: connection refused")
}

func (d *downAPI) ReportProgress(context.Context, string, client.Progress) error {
	d.calls.Add(1)
	return errors.New("dial tcp: connection refused")
}

func TestUnreachableServerIsNotHammered(t *testing.T) {
	api := &downAPI{}
	stats := NewStats()
	b := Behaviour{Heartbeat: 50 * time.Millisecond, Retry: Backoff{Attempts: 3, Initial: 20 * time.Millisecond, Max: 40 * time.Millisecond}}
	a := NewAgent(AgentSpec{Name: "a1", Version: "1.0.0", API: api}, b, 1, stats)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("agent did not stop after its context ended")
	}
	// Each round is up to 3 tries and at least 50ms+10ms+20ms long.
	if n := api.calls.Load(); n < 3 || n > 24 {
		t.Errorf("%d calls in 500ms", n)
	}
	snap := stats.Snapshot()
	if snap.HeartbeatErrors == 0 || snap.Status[client.StatusDisrupted] != 1 || !strings.Contains(snap.LastError, "connection refused") {
		t.Errorf("snapshot = %+v", snap)
	}
}

func TestRetryStopsOnPermanentErrors(t *testing.T) {
	calls := 0
	err := retry(context.Background(), Backoff{Attempts: 5, Initial: time.Millisecond, Max: time.Millisecond}, func(context.Context) error {
		calls++
		return &client.APIError{Status: 400, Code: "E0000001"}
	})
	if calls != 1 || client.StatusCode(err) != 400 {
		t.Errorf("calls = %d, err = %v", calls, err)
	}
	calls = 0
	retry(context.Background(), Backoff{Attempts: 4, Initial: time.Millisecond, Max: time.Millisecond}, func(context.Context) error {
		calls++
		return &client.APIError{Status: 503}
	})
	if calls != 4 {
		t.Errorf("503: %d calls, want 4", calls)
	}
}
