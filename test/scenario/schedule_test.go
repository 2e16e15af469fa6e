package scenario

import (
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

// mondaysAroundDST returns 03:00 New York time on the Mondays just before and just after the
// next daylight-saving change that is at least two days away: the virtual clock starts at the
// real time and cannot go back, so the scenario uses the next change, whichever it is.
func mondaysAroundDST(t *testing.T, now time.Time) (before, after time.Time) {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := now
	for range 4 {
		_, change := at.In(ny).ZoneBounds() // changes happen on a Sunday, at 02:00 local
		sunday := change.In(ny)
		before = time.Date(sunday.Year(), sunday.Month(), sunday.Day()-6, 3, 0, 0, 0, ny)
		after = time.Date(sunday.Year(), sunday.Month(), sunday.Day()+1, 3, 0, 0, 0, ny)
		if before.After(now.Add(48 * time.Hour)) {
			return before.UTC(), after.UTC()
		}
		at = change
	}
	t.Fatal("no daylight-saving change found in New York")
	return
}

func TestScheduledJobRunsInWindowsAcrossDST(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		// Agents stay silent across the jumps below; a long timeout keeps the queued ones alive.
		e := newEnvTimeout(t, pg, 4*time.Hour)
		c, err := e.s.Client.GetClock(e.ctx)
		if err != nil || !c.Virtual {
			t.Fatalf("clock %+v, %v", c, err)
		}
		before, after := mondaysAroundDST(t, c.Now)
		if before.Hour() == after.Hour() {
			t.Fatalf("03:00 New York is %s before and %s after the change: no offset change", before, after)
		}
		t.Logf("windows open at %s and %s (03:00 in New York)", before, after)
		e.setClock(before.Add(-26 * time.Hour))
		poolID, a := e.pool("dc", 4)
		j := e.createJob(poolID, map[string]any{"cron": "0 3 * * MON", "timezone": "America/New_York", "duration": 120}, a...)
		e.expect(poolID, j.ID, sched, sched, sched, sched, sched)

		// Nothing starts before the window.
		e.setClock(before.Add(-time.Minute))
		nobodyGets(t, a...)
		e.expect(poolID, j.ID, sched, sched, sched, sched, sched)

		// 03:00 local: the window opens.
		e.setClock(before)
		a[0].update(opensAt(t, a[0], before))
		a[1].update(a[1].heartbeat())
		e.setClock(before.Add(110 * time.Minute))
		third := a[2].heartbeat()
		if third == nil {
			t.Fatal("no instruction for the third agent inside the window")
		}
		if err := a[2].report(third, client.ProgressStarted, ""); err != nil {
			t.Fatal(err)
		}

		// 05:00 local: the window closes with an agent queued; the one in flight finishes.
		e.setClock(before.Add(120 * time.Minute))
		e.expect(poolID, j.ID, sched, success, success, inprog, sched)
		a[2].update(third)
		u := e.expect(poolID, j.ID, sched, success, success, success, sched)
		if u.Schedule == nil || u.Schedule.LastUpdated != "" {
			t.Fatalf("schedule %+v: lastUpdated must wait for the run to end", u.Schedule)
		}
		nobodyGets(t, a[3])

		// A week later, after the change, the window opens at 03:00 local again: another UTC hour.
		e.setClock(after.Add(-time.Minute))
		nobodyGets(t, a[3])
		e.expect(poolID, j.ID, sched, success, success, success, sched)
		e.setClock(after)
		a[3].update(opensAt(t, a[3], after))
		u = e.expect(poolID, j.ID, success, success, success, success, success)
		if want := after.Format("2006-01-02T15:04:05.000Z"); u.Schedule == nil || u.Schedule.LastUpdated != want {
			t.Fatalf("schedule %+v, want lastUpdated %s", u.Schedule, want)
		}
	})
}

// opensAt checks the window is open at want: the agent's heartbeat, stamped with keyward's
// clock, brings it an instruction, which it returns.
func opensAt(t *testing.T, a *agent, want time.Time) *client.Instruction {
	t.Helper()
	res, err := a.api.Heartbeat(a.e.ctx, client.HeartbeatRequest{Version: a.version, Healthy: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Now.Equal(want) || res.Instruction == nil {
		t.Fatalf("heartbeat at %s brought %+v; want an instruction at %s", res.Now, res.Instruction, want)
	}
	return res.Instruction
}
