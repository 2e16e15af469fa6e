package sim

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

// syncBuffer is a bytes.Buffer safe for the sim's writers and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// simArgs are the flags of a fast sim against f, followed by extra.
func simArgs(f *fakeKeyward, extra ...string) []string {
	return append([]string{"--url", f.URL, "--admin-token", fakeToken, "--agents-per-pool", "1",
		"--heartbeat", "50ms", "--update-duration", "60ms", "--reconnect-delay", "30ms", "--seed", "7"}, extra...)
}

// running is a Main running in the background.
type running struct {
	cancel         context.CancelFunc
	done           chan error
	stdout, stderr *syncBuffer
}

func startMain(t *testing.T, args []string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	go func() { r.done <- Main(ctx, args, r.stdout, r.stderr) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// stop cancels Main, requires it to return promptly and without error, and
// returns its output.
func (r *running) stop(t *testing.T) string {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("Main: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Main did not return within 2s of cancellation")
	}
	return r.stdout.String()
}

// waitFor polls cond until it holds; it fails only after a wait no working fake comes near
// (progress, not speed, is what the tests assert).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func kind(k string) func(event) bool { return func(e event) bool { return e.kind == k } }

// offer makes the fake hand out an update to 3.22.0 on the next heartbeat.
func offer(f *fakeKeyward) {
	f.set(func(f *fakeKeyward) {
		f.offer = &client.Instruction{ID: "ins1", Type: client.InstructionUpdate, JobID: "ajd1", TargetVersion: "3.22.0", Attempt: 1}
	})
}

// offeredTo returns the name of the agent that received the instruction.
func offeredTo(t *testing.T, f *fakeKeyward) string {
	t.Helper()
	got := f.find(func(e event) bool { return e.instruction == "ins1" && e.kind == "heartbeat" })
	if len(got) != 1 {
		t.Fatalf("instruction handed out %d times", len(got))
	}
	return got[0].agent
}

func states(events []event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.state)
	}
	return out
}
