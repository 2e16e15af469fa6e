package rollout

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/schedule"
)

// A job that fails while an agent is still updating (continueOnError turned off mid-run) lets
// that agent finish: it still times out, instead of staying InProgress for ever and blocking
// the agent's instructions in every other job.
func TestFailedJobLetsItsInFlightAgentTimeOut(t *testing.T) {
	f := newFixture(t, 3)
	setContinue := func(v bool) {
		_, err := f.pools.UpdateSettings(f.ctx, "org", f.pool.ID, agentpool.SettingsInput{AgentType: "AD", ContinueOnError: &v})
		f.must(err)
	}
	setContinue(true)
	j := f.job(nil, false, 0, 1, 2)
	f.tick()
	in := f.heartbeat(0, oldVersion)
	if in == nil {
		t.Fatal("no instruction for the first agent")
	}
	f.must(f.progress(0, in.ID, StateFailed))
	if got := f.get(j.ID); got.Agents[1].Status != agentpool.StatusInProgress {
		t.Fatalf("second agent %s, want it started", got.Agents[1].Status)
	}
	setContinue(false)
	f.tick()
	if got := f.get(j.ID); got.Status != agentpool.StatusFailed || got.Agents[1].Status != agentpool.StatusInProgress {
		t.Fatalf("job %s, second agent %s; want Failed with the second agent still updating", got.Status, got.Agents[1].Status)
	}
	f.advance(31 * time.Minute)
	if got := f.get(j.ID); got.Agents[1].Status != agentpool.StatusFailed || got.Agents[1].Message != timeoutMessage(newVersion) {
		t.Fatalf("second agent %s %q after the timeout, want it timed out", got.Agents[1].Status, got.Agents[1].Message)
	}
}

// A jump whose request ends on the way stops there: it must not move the clock past work it
// did not do.
func TestAdvanceStopsWhenItsContextEnds(t *testing.T) {
	f := newFixture(t, 2)
	sc := &schedule.Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 120}
	j := f.job(sc, true, 0, 1)
	open := time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)
	start := f.clock.Now()
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	if err := f.jobs.Advance(ctx, open.Add(24*time.Hour)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Advance with an ended context: %v, want context.Canceled", err)
	}
	if !f.clock.Now().Equal(start) {
		t.Fatalf("clock moved to %s past the window at %s without opening it", f.clock.Now(), open)
	}
	f.must(f.jobs.Advance(f.ctx, open.Add(24*time.Hour)))
	if got := f.get(j.ID); got.Agents[0].Status != agentpool.StatusFailed || !got.Agents[0].ChangedAt.Equal(open.Add(30*time.Minute)) {
		t.Fatalf("first agent %s at %s, want it timed out in the window", got.Agents[0].Status, got.Agents[0].ChangedAt)
	}
}

// TestAdvanceStopsWhenTheJobsCannotBeRead: a jump that cannot see the jobs must not move the clock
// past work it cannot see.
func TestAdvanceStopsWhenTheJobsCannotBeRead(t *testing.T) {
	f := newFixture(t, 1)
	start := f.clock.Now()
	f.store.Close()
	if err := f.jobs.Advance(f.ctx, start.Add(24*time.Hour)); err == nil {
		t.Fatal("Advance over a closed store succeeded")
	}
	if !f.clock.Now().Equal(start) {
		t.Fatalf("clock moved to %s though no job could be read", f.clock.Now())
	}
}
