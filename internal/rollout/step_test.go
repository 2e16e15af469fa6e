package rollout

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/store"
)

// fakeFacts answers advance's questions from fields.
type fakeFacts struct {
	continueOnError bool
	released        time.Time
	versions        map[string]string // agent id → version; default "3.20.0"
}

func (f fakeFacts) ContinueOnError(context.Context, *store.PoolUpdate) (bool, error) {
	return f.continueOnError, nil
}
func (f fakeFacts) ReleasedAt(context.Context, *store.PoolUpdate) (time.Time, error) {
	return f.released, nil
}
func (f fakeFacts) AgentVersion(_ context.Context, _ *store.PoolUpdate, id string) (string, error) {
	if v, ok := f.versions[id]; ok {
		return v, nil
	}
	return "3.20.0", nil
}

const (
	sched   = agentpool.StatusScheduled
	inprog  = agentpool.StatusInProgress
	pending = agentpool.StatusPendingCompletion
	success = agentpool.StatusSuccess
	failed  = agentpool.StatusFailed
	cancel  = agentpool.StatusCancelled
	paused  = agentpool.StatusPaused
)

// Monday 2026-03-09 03:00 in New York (EDT) is 07:00Z; the window lasts two hours.
var (
	mondayOpen = time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)
	weekly     = &store.Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 120}
	timeout    = 30 * time.Minute
)

// job builds a job whose agents a1, a2, … have the given statuses, each changed at changed.
func job(status string, schedule *store.Schedule, changed time.Time, agents ...string) store.PoolUpdate {
	j := store.PoolUpdate{ID: "ajd1", OrgID: "o", PoolID: "p", AgentType: "AD", Status: status, TargetVersion: "3.22.0",
		Enabled: true, UpdatedAt: changed}
	if schedule != nil {
		s := *schedule
		j.Schedule = &s
	}
	for i, st := range agents {
		j.Agents = append(j.Agents, store.PoolUpdateAgent{JobID: "ajd1", AgentID: "a" + string(rune('1'+i)), Position: i,
			Status: st, ChangedAt: changed})
	}
	return j
}

func statuses(j store.PoolUpdate) string {
	var b []string
	for _, a := range j.Agents {
		b = append(b, a.Status)
	}
	return j.Status + ":" + strings.Join(b, ",")
}

func TestAdvance(t *testing.T) {
	at := mondayOpen.Add(10 * time.Minute)
	windowed := func(status string, end time.Time, agents ...string) store.PoolUpdate {
		j := job(status, weekly, end.Add(-5*time.Minute), agents...) // the agents moved lately: no timeout
		j.WindowEnd = end
		return j
	}
	disabled := job(sched, weekly, mondayOpen.Add(-time.Hour), sched)
	disabled.Enabled = false
	tests := []struct {
		name  string
		job   store.PoolUpdate
		now   time.Time
		facts fakeFacts
		want  string // job status:agent statuses after advancing
	}{
		{"on demand starts the first agent", job(inprog, nil, at, sched, sched), at, fakeFacts{}, "InProgress:InProgress,Scheduled"},
		{"one at a time", job(inprog, nil, at, inprog, sched), at, fakeFacts{}, "InProgress:InProgress,Scheduled"},
		{"next after a success", job(inprog, nil, at, success, sched), at, fakeFacts{}, "InProgress:Success,InProgress"},
		{"pending blocks the next", job(inprog, nil, at, pending, sched), at, fakeFacts{}, "InProgress:PendingCompletion,Scheduled"},
		{"agent already current is skipped", job(inprog, nil, at, sched, sched), at,
			fakeFacts{versions: map[string]string{"a1": "3.22.0"}}, "InProgress:Success,InProgress"},
		{"all done", job(inprog, nil, at, success, success), at, fakeFacts{}, "Success:Success,Success"},
		{"failure stops the job", job(inprog, nil, at, failed, sched, sched), at, fakeFacts{}, "Failed:Failed,Cancelled,Cancelled"},
		{"failure skipped with continueOnError", job(inprog, nil, at, failed, sched), at, fakeFacts{continueOnError: true},
			"InProgress:Failed,InProgress"},
		{"continueOnError run ends Failed", job(inprog, nil, at, failed, success), at, fakeFacts{continueOnError: true}, "Failed:Failed,Success"},
		{"no timeout before its time", job(inprog, nil, at, inprog, sched), at.Add(timeout - time.Second), fakeFacts{},
			"InProgress:InProgress,Scheduled"},
		{"timeout fails the agent and the job", job(inprog, nil, at, pending, sched), at.Add(timeout), fakeFacts{},
			"Failed:Failed,Cancelled"},
		{"timeout with continueOnError goes on", job(inprog, nil, at, inprog, sched), at.Add(timeout),
			fakeFacts{continueOnError: true}, "InProgress:Failed,InProgress"},
		{"paused starts nobody", job(paused, nil, at, success, sched), at, fakeFacts{}, "Paused:Success,Scheduled"},
		{"paused in-flight times out", job(paused, nil, at, inprog, sched), at.Add(timeout), fakeFacts{}, "Failed:Failed,Cancelled"},
		{"cancelled lets the in-flight agent time out", job(cancel, nil, at, inprog, cancel), at.Add(timeout), fakeFacts{},
			"Cancelled:Failed,Cancelled"},
		{"window not open yet", job(sched, weekly, at, sched), mondayOpen.Add(-time.Minute), fakeFacts{}, "Scheduled:Scheduled"},
		{"window opens", job(sched, weekly, at, sched, sched), mondayOpen, fakeFacts{}, "InProgress:InProgress,Scheduled"},
		{"disabled schedule opens nothing", disabled, mondayOpen, fakeFacts{}, "Scheduled:Scheduled"},
		{"delay holds a new release back", job(sched, &store.Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York",
			Duration: 120, Delay: 2}, at, sched), mondayOpen, fakeFacts{released: mondayOpen.Add(-24 * time.Hour)}, "Scheduled:Scheduled"},
		{"window closes with agents queued", windowed(inprog, mondayOpen.Add(2*time.Hour), pending, sched),
			mondayOpen.Add(2 * time.Hour), fakeFacts{}, "Scheduled:PendingCompletion,Scheduled"},
		{"last agent finishes past the window", windowed(inprog, mondayOpen.Add(2*time.Hour), success, pending),
			mondayOpen.Add(2 * time.Hour), fakeFacts{}, "InProgress:Success,PendingCompletion"},
		{"between windows the last agent ends the run", job(sched, weekly, at, success, success), at, fakeFacts{}, "Success:Success,Success"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := tc.job
			before := statuses(j)
			due, isDue, err := dueAt(context.Background(), &j, tc.now, timeout, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			changed, err := advance(context.Background(), &j, tc.now, timeout, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			if got := statuses(j); got != tc.want {
				t.Errorf("after advance: %s, want %s", got, tc.want)
			}
			if changed != (statuses(j) != before || j.WindowEnd != tc.job.WindowEnd) {
				t.Errorf("advance reported changed=%v, statuses %s → %s", changed, before, statuses(j))
			}
			// dueAt must agree with advance, or the tick would work for nothing or miss work.
			if wantDue := changed; (isDue && !due.After(tc.now)) != wantDue {
				t.Errorf("dueAt = %s (%v) at %s, but advance changed=%v", due, isDue, tc.now, changed)
			}
		})
	}
}

func TestAdvanceDetails(t *testing.T) {
	ctx := context.Background()
	at := mondayOpen.Add(10 * time.Minute)

	j := job(inprog, nil, at, sched)
	j.Agents[0].Attempt, j.Agents[0].InstructionID, j.Agents[0].Delivered = 1, "old", true
	if _, err := advance(ctx, &j, at, timeout, fakeFacts{}); err != nil {
		t.Fatal(err)
	}
	a := j.Agents[0]
	if a.Attempt != 2 || a.InstructionID == "old" || !strings.HasPrefix(a.InstructionID, instructionPrefix) || a.Delivered ||
		a.Message != agentpool.MsgUpdating || !a.ChangedAt.Equal(at) {
		t.Errorf("started agent %+v: want attempt 2, a new undelivered instruction, changed at %s", a, at)
	}

	j = job(inprog, nil, at, pending)
	if _, err := advance(ctx, &j, at.Add(timeout), timeout, fakeFacts{}); err != nil {
		t.Fatal(err)
	}
	if want := "Update timed out: the agent did not reconnect on version 3.22.0"; j.Agents[0].Message != want {
		t.Errorf("timeout message %q, want %q", j.Agents[0].Message, want)
	}

	j = job(sched, weekly, at, sched)
	if _, err := advance(ctx, &j, mondayOpen.Add(time.Minute), timeout, fakeFacts{}); err != nil {
		t.Fatal(err)
	}
	if !j.WindowEnd.Equal(mondayOpen.Add(2*time.Hour)) || !j.Schedule.LastUpdated.IsZero() {
		t.Errorf("window end %s (want %s), lastUpdated %s (want none)", j.WindowEnd, mondayOpen.Add(2*time.Hour), j.Schedule.LastUpdated)
	}
	end := mondayOpen.Add(30 * time.Minute)
	j.Agents[0].Status = success
	if _, err := advance(ctx, &j, end, timeout, fakeFacts{}); err != nil {
		t.Fatal(err)
	}
	if j.Status != success || !j.Schedule.LastUpdated.Equal(end) || !j.WindowEnd.IsZero() {
		t.Errorf("finished run: status %s lastUpdated %s windowEnd %s", j.Status, j.Schedule.LastUpdated, j.WindowEnd)
	}
}

func TestDueAt(t *testing.T) {
	ctx := context.Background()
	before := mondayOpen.Add(-24 * time.Hour)
	tests := []struct {
		name string
		job  store.PoolUpdate
		at   time.Time
		want time.Time // zero: nothing due
	}{
		{"next window", job(sched, weekly, before, sched), before, mondayOpen},
		{"window after the DST change opens at 03:00 EDT", job(sched, weekly, mondayOpen, sched), mondayOpen.Add(3 * time.Hour),
			time.Date(2026, 3, 16, 7, 0, 0, 0, time.UTC)},
		{"window end with agents queued", func() store.PoolUpdate {
			j := job(inprog, weekly, mondayOpen, inprog, sched)
			j.WindowEnd = mondayOpen.Add(20 * time.Minute)
			return j
		}(), mondayOpen, mondayOpen.Add(20 * time.Minute)},
		{"timeout before window end", func() store.PoolUpdate {
			j := job(inprog, weekly, mondayOpen, inprog, sched)
			j.WindowEnd = mondayOpen.Add(2 * time.Hour)
			return j
		}(), mondayOpen, mondayOpen.Add(timeout)},
		{"on demand waits for its agent", job(inprog, nil, mondayOpen, pending), mondayOpen, mondayOpen.Add(timeout)},
		{"paused and idle: never", job(paused, nil, mondayOpen, success, sched), mondayOpen, time.Time{}},
		{"finished: never", job(success, nil, mondayOpen, success), mondayOpen, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := dueAt(ctx, &tc.job, tc.at, timeout, fakeFacts{})
			if err != nil {
				t.Fatal(err)
			}
			if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
				t.Errorf("dueAt = %s, %v; want %s", got, ok, tc.want)
			}
		})
	}
}
