package scenario

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

const (
	sched   = "Scheduled"
	inprog  = "InProgress"
	pending = "PendingCompletion"
	success = "Success"
	failed  = "Failed"
	cancel  = "Cancelled"
	paused  = "Paused"
)

func TestOnDemandUpdatesAgentsOneAtATimeInListOrder(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, agents := e.pool("dc", 5)
		order := []*agent{agents[3], agents[1], agents[4], agents[0], agents[2]}
		j := e.createJob(poolID, nil, order...)
		e.expect(poolID, j.ID, inprog, sched, sched, sched, sched, sched)
		e.advance(time.Second) // the engine starts the first agent

		var handedTo []string
		for round := range order {
			var got *agent
			var in *client.Instruction
			for _, a := range agents { // every agent asks; only the one whose turn it is gets work
				if x := a.heartbeat(); x != nil {
					if got != nil {
						t.Fatalf("round %d: both %s and %s got an instruction", round, got.name, a.name)
					}
					got, in = a, x
				}
			}
			if got == nil {
				t.Fatalf("round %d: no agent got an instruction", round)
			}
			if in.JobID != j.ID || in.TargetVersion != newVersion || in.Attempt != 1 || in.Type != client.InstructionUpdate {
				t.Fatalf("instruction %+v", in)
			}
			handedTo = append(handedTo, got.name)
			got.update(in)
			e.advance(30 * time.Second)
		}
		var want []string
		for _, a := range order {
			want = append(want, a.name)
		}
		if strings.Join(handedTo, " ") != strings.Join(want, " ") {
			t.Fatalf("instructions handed out to %v, want the job's order %v", handedTo, want)
		}
		u := e.expect(poolID, j.ID, success, success, success, success, success, success)
		if u.Agents[0].UpdateMessage != "Agent updated successfully." {
			t.Errorf("message %q", u.Agents[0].UpdateMessage)
		}
		pools, err := e.s.Client.ListAgentPools(e.ctx, "AD")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range pools[0].Agents {
			if a.Version != newVersion || a.UpdateStatus != success {
				t.Errorf("listed agent %s: version %s, update status %s", a.Name, a.Version, a.UpdateStatus)
			}
		}
	})
}

func TestPauseAndResume(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, a, j, in := e.startOnDemand(3)
		e.act(poolID, j.ID, "pause")
		a[0].update(in) // the agent already updating finishes
		e.expect(poolID, j.ID, paused, success, sched, sched)
		e.advance(10 * time.Minute)
		nobodyGets(t, a...)
		e.expect(poolID, j.ID, paused, success, sched, sched)

		if u := e.act(poolID, j.ID, "resume"); u.Status != inprog {
			t.Fatalf("resumed job %s", u.Status)
		}
		e.advance(time.Second)
		for _, ag := range a[1:] {
			in := ag.heartbeat()
			if in == nil {
				t.Fatalf("%s got no instruction after resume", ag.name)
			}
			ag.update(in)
		}
		e.expect(poolID, j.ID, success, success, success, success)
	})
}

func TestStop(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, a, j, in := e.startOnDemand(3)
		if u := e.act(poolID, j.ID, "stop"); u.Status != cancel {
			t.Fatalf("stopped job %s", u.Status)
		}
		e.expect(poolID, j.ID, cancel, inprog, cancel, cancel)
		a[0].update(in) // the in-flight agent finishes
		e.advance(time.Hour)
		nobodyGets(t, a...)
		u := e.expect(poolID, j.ID, cancel, success, cancel, cancel)
		if u.Agents[1].UpdateMessage != "Update cancelled." {
			t.Errorf("cancelled agent's message %q", u.Agents[1].UpdateMessage)
		}
	})
}

func TestFailingAgent(t *testing.T) {
	tests := []struct {
		name            string
		continueOnError bool
		wantJob         string
		wantAgents      []string
	}{
		{"stop on error", false, failed, []string{failed, cancel, cancel}},
		{"continue on error", true, failed, []string{failed, success, success}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			backends(t, func(t *testing.T, pg bool) {
				e := newEnv(t, pg)
				poolID, a := e.pool("dc", 3)
				e.continueOnError(poolID, tc.continueOnError)
				j := e.createJob(poolID, nil, a...)
				e.advance(time.Second)
				in := a[0].heartbeat()
				if err := a[0].report(in, client.ProgressStarted, ""); err != nil {
					t.Fatal(err)
				}
				if err := a[0].report(in, client.ProgressFailed, "Installer exited with code 1603."); err != nil {
					t.Fatal(err)
				}
				for _, ag := range a[1:] {
					if in := ag.heartbeat(); in != nil {
						ag.update(in)
					}
				}
				u := e.expect(poolID, j.ID, tc.wantJob, tc.wantAgents...)
				if u.Agents[0].UpdateMessage != "Installer exited with code 1603." {
					t.Errorf("failed agent's message %q", u.Agents[0].UpdateMessage)
				}
			})
		})
	}
}

func TestRetryFailedJob(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, a, j, first := e.startOnDemand(2)
		if err := a[0].report(first, client.ProgressFailed, "disk full"); err != nil {
			t.Fatal(err)
		}
		e.expect(poolID, j.ID, failed, failed, cancel)

		if u := e.act(poolID, j.ID, "retry"); u.Status != inprog {
			t.Fatalf("retried job %s", u.Status)
		}
		err := a[0].report(first, client.ProgressInstalled, "")
		if client.StatusCode(err) != 409 || client.ErrorCode(err) != "E0000001" {
			t.Fatalf("report on the failed attempt: %v, want 409 E0000001", err)
		}
		e.advance(time.Second)
		second := a[0].heartbeat()
		if second == nil || second.Attempt != 2 || second.ID == first.ID {
			t.Fatalf("retry instruction %+v, want attempt 2 with a new id", second)
		}
		a[0].update(second)
		a[1].update(a[1].heartbeat())
		e.expect(poolID, j.ID, success, success, success)
	})
}

func TestAgentThatNeverReconnectsTimesOut(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, a, j, in := e.startOnDemand(2)
		for _, st := range []string{client.ProgressStarted, client.ProgressInstalled} {
			if err := a[0].report(in, st, ""); err != nil {
				t.Fatal(err)
			}
		}
		e.advance(29 * time.Minute)
		e.expect(poolID, j.ID, inprog, pending, sched)
		e.advance(time.Minute) // the agent never comes back on the new version
		u := e.expect(poolID, j.ID, failed, failed, cancel)
		if want := "Update timed out: the agent did not reconnect on version " + newVersion; u.Agents[0].UpdateMessage != want {
			t.Errorf("message %q, want %q", u.Agents[0].UpdateMessage, want)
		}
		if err := a[0].report(in, client.ProgressInstalled, ""); client.StatusCode(err) != 409 {
			t.Errorf("late report: %v, want 409", err)
		}
	})
}

func TestInstructionDeliveredOncePerAttempt(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, a := e.pool("dc", 1)
		j := e.createJob(poolID, nil, a[0])
		e.advance(time.Second)
		race := func() []*client.Instruction {
			var mu sync.Mutex
			var got []*client.Instruction
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					res, err := a[0].api.Heartbeat(e.ctx, client.HeartbeatRequest{Version: oldVersion, Healthy: true})
					if err != nil {
						t.Error(err)
						return
					}
					if res.Instruction != nil {
						mu.Lock()
						got = append(got, res.Instruction)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			return got
		}
		got := race()
		if len(got) != 1 || got[0].Attempt != 1 {
			t.Fatalf("10 racing heartbeats got %d instructions (%+v), want exactly one", len(got), got)
		}
		// The agent loses it: it is not handed out again; the attempt times out; a retry hands out a new one.
		if again := race(); len(again) != 0 {
			t.Fatalf("instruction handed out again: %+v", again)
		}
		e.advance(30 * time.Minute)
		e.expect(poolID, j.ID, failed, failed)
		e.act(poolID, j.ID, "retry")
		e.advance(time.Second)
		retried := race()
		if len(retried) != 1 || retried[0].Attempt != 2 || retried[0].ID == got[0].ID {
			t.Fatalf("after retry got %+v, want one attempt-2 instruction", retried)
		}
	})
}
