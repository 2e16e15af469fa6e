package rollout

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/schedule"
)

func TestRegister(t *testing.T) {
	f := newFixture(t, 0)
	reg, err := f.eng.Register(f.ctx, f.registrar(), "DC-01", "3.21.0")
	f.must(err)
	if reg.PoolID != f.pool.ID || reg.AgentType != "AD" || reg.Credential == "" || reg.HeartbeatInterval != 30*time.Second {
		t.Fatalf("registration %+v", reg)
	}
	a, err := f.store.GetAgentByCredential(f.ctx, ids.Hash(reg.Credential))
	f.must(err)
	if a.ID != reg.AgentID || a.Version != "3.21.0" || !a.Healthy || !a.LastConnection.Equal(f.clock.Now()) {
		t.Fatalf("agent %+v", a)
	}

	f.advance(time.Minute)
	again, err := f.eng.Register(f.ctx, f.registrar(), "DC-01", "3.22.0")
	f.must(err)
	if again.AgentID != reg.AgentID || again.Credential == reg.Credential {
		t.Fatalf("re-registration %+v, want the same agent with a new credential", again)
	}
	if _, err := f.store.GetAgentByCredential(f.ctx, ids.Hash(reg.Credential)); err == nil {
		t.Error("the old credential still works")
	}
	a, err = f.store.GetAgentByCredential(f.ctx, ids.Hash(again.Credential))
	f.must(err)
	if a.Version != "3.22.0" || !a.LastConnection.Equal(f.clock.Now()) {
		t.Errorf("re-registered agent %+v", a)
	}
}

func TestHeartbeatHandsOutEachInstructionOnce(t *testing.T) {
	f := newFixture(t, 2)
	j := f.job(nil, false, 0, 1)
	if f.heartbeat(0, oldVersion) != nil {
		t.Fatal("instruction before the job started the agent")
	}
	f.tick()

	var mu sync.Mutex
	var got []*Instruction
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			res, err := f.eng.Heartbeat(f.ctx, "org", f.agents[0].ID, HeartbeatInput{Version: oldVersion, Healthy: true})
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
	if len(got) != 1 {
		t.Fatalf("%d of 8 racing heartbeats got the instruction, want 1", len(got))
	}
	in := *got[0]
	if in.Type != InstructionUpdate || in.JobID != j.ID || in.TargetVersion != newVersion || in.Attempt != 1 {
		t.Fatalf("instruction %+v", in)
	}
	if f.heartbeat(1, oldVersion) != nil {
		t.Fatal("the second agent got an instruction while the first updates")
	}

	f.must(f.progress(0, in.ID, StateStarted))
	f.must(f.progress(0, in.ID, StateInstalled))
	f.must(f.progress(0, in.ID, StateInstalled)) // repeats are harmless
	if got := f.get(j.ID).Agents[0]; got.Status != agentpool.StatusPendingCompletion || got.Message != agentpool.MsgPending {
		t.Fatalf("after installed: %+v", got)
	}
	if f.heartbeat(0, oldVersion) != nil || f.get(j.ID).Agents[0].Status != agentpool.StatusPendingCompletion {
		t.Fatal("a heartbeat on the old version must leave the update pending")
	}
	if f.heartbeat(0, newVersion) != nil {
		t.Fatal("instruction for a finished agent")
	}
	got2 := f.get(j.ID)
	if got2.Agents[0].Status != agentpool.StatusSuccess || got2.Agents[0].Message != agentpool.MsgSucceeded ||
		got2.Agents[1].Status != agentpool.StatusInProgress {
		t.Fatalf("after reconnecting: %+v", got2.Agents)
	}
	a, err := f.store.GetAgent(f.ctx, "org", f.agents[0].ID)
	f.must(err)
	if a.UpdateStatus != agentpool.StatusSuccess || a.Version != newVersion {
		t.Errorf("agent record %+v: the job's progress must be mirrored", a)
	}
	// The next agent starts without waiting for a tick.
	next := f.heartbeat(1, oldVersion)
	if next == nil || next.ID == in.ID || next.Attempt != 1 {
		t.Fatalf("second agent's instruction %+v", next)
	}
	f.must(f.progress(1, next.ID, StateFailed))
	got3 := f.get(j.ID)
	if got3.Status != agentpool.StatusFailed || got3.Agents[1].Message != msgFailed {
		t.Fatalf("after failure: %s %+v", got3.Status, got3.Agents)
	}
}

func TestProgressRefusesStaleInstructions(t *testing.T) {
	f := newFixture(t, 2)
	j := f.job(nil, false, 0, 1)
	f.tick()
	in := f.heartbeat(0, oldVersion)
	f.must(f.progress(0, in.ID, StateFailed))
	conflict := func(err error) bool {
		fe, ok := fault.As(err)
		return ok && fe.Kind == fault.Conflict
	}
	for _, tc := range []struct {
		name        string
		agent       int
		instruction string
		state       string
		wantErr     bool
	}{
		{"repeat of the failure", 0, in.ID, StateFailed, false},
		{"installed after failing", 0, in.ID, StateInstalled, true},
		{"unknown instruction", 0, "ins-nope", StateStarted, true},
		{"another agent's instruction", 1, in.ID, StateFailed, true},
	} {
		if err := f.progress(tc.agent, tc.instruction, tc.state); (err != nil) != tc.wantErr || (err != nil && !conflict(err)) {
			t.Errorf("%s: err = %v, want conflict %v", tc.name, err, tc.wantErr)
		}
	}
	if _, err := f.pools.Act(f.ctx, "org", f.pool.ID, j.ID, "retry"); err != nil {
		t.Fatal(err)
	}
	if err := f.progress(0, in.ID, StateFailed); !conflict(err) {
		t.Errorf("report on the attempt before a retry: %v, want conflict", err)
	}
	f.tick()
	again := f.heartbeat(0, oldVersion)
	if again == nil || again.Attempt != 2 || again.ID == in.ID {
		t.Fatalf("retry instruction %+v, want attempt 2 with a new id", again)
	}
}

func TestTransition(t *testing.T) {
	tests := []struct {
		current, state, want string
		ok                   bool
	}{
		{inprog, StateStarted, inprog, true},
		{inprog, StateInstalled, pending, true},
		{inprog, StateFailed, failed, true},
		{pending, StateStarted, pending, true},
		{pending, StateInstalled, pending, true},
		{pending, StateFailed, failed, true},
		{success, StateInstalled, success, true},
		{success, StateFailed, success, false},
		{failed, StateFailed, failed, true},
		{failed, StateStarted, failed, false},
		{sched, StateStarted, sched, false},
		{cancel, StateInstalled, cancel, false},
	}
	for _, tc := range tests {
		if got, ok := transition(tc.current, tc.state); got != tc.want || ok != tc.ok {
			t.Errorf("transition(%s, %s) = %s, %v; want %s, %v", tc.current, tc.state, got, ok, tc.want, tc.ok)
		}
	}
}

func TestAdvanceRunsWhatFallsDueOnTheWay(t *testing.T) {
	f := newFixture(t, 2)
	sc := &schedule.Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 120}
	j := f.job(sc, true, 0, 1)
	open := time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC) // 03:00 EDT
	next, ok, err := f.eng.NextDue(f.ctx, f.clock.Now())
	f.must(err)
	if !ok || !next.Equal(open) {
		t.Fatalf("NextDue = %s, %v; want the window at %s", next, ok, open)
	}
	// Nobody heartbeats: at 03:00 the first agent starts, at 03:30 it times out, which fails the job.
	f.must(f.jobs.Advance(f.ctx, open.Add(24*time.Hour)))
	got := f.get(j.ID)
	if got.Status != agentpool.StatusFailed || got.Agents[0].Status != agentpool.StatusFailed ||
		got.Agents[1].Status != agentpool.StatusCancelled {
		t.Fatalf("after the jump: %s %+v", got.Status, got.Agents)
	}
	if timedOut := open.Add(30 * time.Minute); !got.Agents[0].ChangedAt.Equal(timedOut) || !got.Schedule.LastUpdated.Equal(timedOut) {
		t.Errorf("failed at %s, lastUpdated %s; want both %s", got.Agents[0].ChangedAt, got.Schedule.LastUpdated, timedOut)
	}
	if !f.clock.Now().Equal(open.Add(24 * time.Hour)) {
		t.Errorf("clock at %s", f.clock.Now())
	}
	if _, ok, _ := f.eng.NextDue(f.ctx, f.clock.Now()); ok {
		t.Error("a finished job is still due")
	}
	if err := f.jobs.Advance(f.ctx, open); !errors.Is(err, clock.ErrBackwards) {
		t.Errorf("moving back: %v", err)
	}
}

func TestRealClockCannotBeMoved(t *testing.T) {
	f := newFixture(t, 0)
	eng := jobs.New(jobs.Options{Store: f.store, Clock: clock.Real{}, Lease: LeaseName, Interval: time.Second})
	eng.Register(New(Options{Store: f.store, Clock: clock.Real{}, Config: Config{UpdateTimeout: time.Minute}}).Kind())
	if err := eng.Advance(f.ctx, time.Now().Add(time.Hour)); !errors.Is(err, jobs.ErrRealClock) {
		t.Errorf("Advance: %v", err)
	}
	if _, err := eng.AdvanceBy(f.ctx, time.Hour); !errors.Is(err, jobs.ErrRealClock) {
		t.Errorf("AdvanceBy: %v", err)
	}
}

func TestOnlyTheLeaderTicks(t *testing.T) {
	f := newFixture(t, 1)
	j := f.job(nil, false, 0)
	other := f.runner(New(Options{Store: f.store, Clock: f.clock, Config: f.eng.cfg}))
	f.must(f.jobs.TickIfLeader(f.ctx))
	f.must(f.store.SavePoolUpdate(f.ctx, resetFirst(f.get(j.ID))))
	f.must(other.TickIfLeader(f.ctx))
	if got := f.get(j.ID).Agents[0].Status; got != agentpool.StatusScheduled {
		t.Fatalf("a process without the lease ticked: agent %s", got)
	}
	f.jobs.Release()
	f.must(other.TickIfLeader(f.ctx))
	if got := f.get(j.ID).Agents[0].Status; got != agentpool.StatusInProgress {
		t.Fatalf("the lease was given up but the other process did not tick: agent %s", got)
	}
}

func TestOneInstructionAtATime(t *testing.T) {
	f := newFixture(t, 1)
	first := f.job(nil, false, 0)
	f.advance(time.Second) // the agent's turn comes in the first job
	second := f.job(nil, false, 0)
	f.tick() // and in the second
	in := f.heartbeat(0, oldVersion)
	if in == nil || in.JobID != first.ID {
		t.Fatalf("instruction %+v, want the older job's", in)
	}
	if again := f.heartbeat(0, oldVersion); again != nil {
		t.Fatalf("second instruction %+v while the first is under way", again)
	}
	f.must(f.progress(0, in.ID, StateInstalled))
	if f.heartbeat(0, newVersion) != nil {
		t.Fatal("instruction after the update")
	}
	for _, tc := range []struct {
		id, msg string
	}{{first.ID, agentpool.MsgSucceeded}, {second.ID, agentpool.MsgCurrent}} {
		j := f.get(tc.id)
		if j.Status != agentpool.StatusSuccess || j.Agents[0].Message != tc.msg {
			t.Errorf("job %s: %s %+v, want Success with %q", tc.id, j.Status, j.Agents[0], tc.msg)
		}
	}
}

func TestRegisteringOnTheTargetVersionCompletesTheUpdate(t *testing.T) {
	f := newFixture(t, 1)
	j := f.job(nil, false, 0)
	f.tick()
	in := f.heartbeat(0, oldVersion)
	f.must(f.progress(0, in.ID, StateInstalled))
	// The reinstalled agent comes back with a fresh registration instead of its old credential.
	reg, err := f.eng.Register(f.ctx, f.registrar(), f.agents[0].Name, newVersion)
	f.must(err)
	if reg.AgentID != f.agents[0].ID {
		t.Fatalf("registered as %s, want the existing agent %s", reg.AgentID, f.agents[0].ID)
	}
	if got := f.get(j.ID); got.Status != agentpool.StatusSuccess || got.Agents[0].Status != agentpool.StatusSuccess {
		t.Fatalf("after registering on %s: %s %+v", newVersion, got.Status, got.Agents)
	}
}
