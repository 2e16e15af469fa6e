package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func seedJob(t *testing.T, s store.Store, p store.Pool, id string, agents ...string) store.PoolUpdate {
	t.Helper()
	j := store.PoolUpdate{ID: id, OrgID: p.OrgID, PoolID: p.ID, Name: "job " + id, AgentType: p.Type, Status: "Scheduled",
		TargetVersion: "3.22.0", Enabled: true, CreatedAt: t0, UpdatedAt: t0}
	for i, a := range agents {
		j.Agents = append(j.Agents, store.PoolUpdateAgent{JobID: id, AgentID: a, Position: i, Status: "Scheduled",
			Message: "Queued for update.", ChangedAt: t0})
	}
	must(t, s.CreatePoolUpdate(context.Background(), j))
	return j
}

func testJobs(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	p := seedPool(t, s, "org1", "p1", "AD")
	seedAgent(t, s, p, "a1", t0)
	seedAgent(t, s, p, "a2", t0.Add(time.Second))
	j := seedJob(t, s, p, "j1", "a2", "a1")
	j.Schedule = &store.Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 120, Delay: 1}
	j.Status, j.WindowEnd, j.UpdatedAt = "InProgress", t0.Add(2*time.Hour), t0.Add(time.Minute)
	j.Agents[0].Status, j.Agents[0].Attempt, j.Agents[0].InstructionID, j.Agents[0].Delivered = "InProgress", 1, "i1", true
	must(t, s.SavePoolUpdate(ctx, j))
	j.Version++

	got, err := s.GetPoolUpdate(ctx, "p1", "j1")
	must(t, err)
	if !reflect.DeepEqual(got, j) {
		t.Fatalf("got  %+v\nwant %+v", got, j)
	}
	if got.Agents[0].AgentID != "a2" || got.Agents[1].AgentID != "a1" {
		t.Fatalf("agent order %+v", got.Agents)
	}
	seedJob(t, s, p, "j2", "a1")
	list, err := s.ListPoolUpdates(ctx, "p1")
	must(t, err)
	if len(list) != 2 || len(list[0].Agents) != 2 || len(list[1].Agents) != 1 {
		t.Fatalf("list %+v", list)
	}
	running, err := s.ListPoolUpdatesByStatus(ctx, "InProgress", "Paused")
	must(t, err)
	if len(running) != 1 || running[0].ID != "j1" {
		t.Fatalf("by status %+v", running)
	}
	ja, err := s.FindPoolUpdateAgent(ctx, "i1")
	must(t, err)
	if ja.JobID != "j1" || ja.AgentID != "a2" || ja.Attempt != 1 {
		t.Fatalf("find %+v", ja)
	}
	rows, err := s.ListPoolUpdateAgentsByAgent(ctx, "a1")
	must(t, err)
	if len(rows) != 2 || rows[0].JobID != "j1" || rows[0].Position != 1 || rows[1].JobID != "j2" || rows[1].AgentID != "a1" {
		t.Fatalf("by agent %+v", rows)
	}
	rows, err = s.ListPoolUpdateAgentsByAgent(ctx, "nobody")
	if err != nil || len(rows) != 0 {
		t.Fatalf("by unknown agent %+v, %v", rows, err)
	}
	busy, err := s.ListPoolUpdatesWithAgentStatus(ctx, "InProgress", "InProgress", "PendingCompletion")
	must(t, err)
	if len(busy) != 1 || busy[0].ID != "j1" || len(busy[0].Agents) != 2 {
		t.Fatalf("with agent status %+v", busy)
	}
	queued, err := s.ListPoolUpdatesWithAgentStatus(ctx, "Scheduled", "Scheduled")
	must(t, err)
	if len(queued) != 1 || queued[0].ID != "j2" || len(queued[0].Agents) != 1 {
		t.Fatalf("scheduled jobs with queued agents %+v", queued)
	}
	none, err := s.ListPoolUpdatesWithAgentStatus(ctx, "Paused", "InProgress")
	if err != nil || len(none) != 0 {
		t.Fatalf("paused jobs with agents in progress %+v, %v", none, err)
	}
	_, err = s.FindPoolUpdateAgent(ctx, "")
	wantErr(t, err, store.ErrNotFound)

	must(t, s.DeletePoolUpdate(ctx, "p1", "j1"))
	_, err = s.GetPoolUpdate(ctx, "p1", "j1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeletePoolUpdate(ctx, "p1", "j1"), store.ErrNotFound)
	_, err = s.FindPoolUpdateAgent(ctx, "i1")
	wantErr(t, err, store.ErrNotFound)
}

// testJobAgentsReplaced saves a job whose agent list changed: rows are updated, added, moved and
// removed as the saved job says.
func testJobAgentsReplaced(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	p := seedPool(t, s, "org1", "p1", "AD")
	for i, id := range []string{"a1", "a2", "a3"} {
		seedAgent(t, s, p, id, t0.Add(time.Duration(i)*time.Second))
	}
	j := seedJob(t, s, p, "j1", "a1", "a2")
	j.Agents[1].Status, j.Agents[1].InstructionID, j.Agents[1].Attempt = "InProgress", "i2", 1
	must(t, s.SavePoolUpdate(ctx, j))
	j.Version++
	j.Agents = []store.PoolUpdateAgent{
		{JobID: "j1", AgentID: "a3", Position: 0, Status: "Scheduled", Message: "Queued for update.", ChangedAt: t0.Add(time.Hour)},
		{JobID: "j1", AgentID: "a2", Position: 1, Status: "Scheduled", Message: "Queued for update.", ChangedAt: t0.Add(time.Hour)},
	}
	must(t, s.SavePoolUpdate(ctx, j))
	j.Version++
	got, err := s.GetPoolUpdate(ctx, "p1", "j1")
	must(t, err)
	if !reflect.DeepEqual(got, j) {
		t.Fatalf("got  %+v\nwant %+v", got, j)
	}
	_, err = s.FindPoolUpdateAgent(ctx, "i2")
	wantErr(t, err, store.ErrNotFound)
	rows, err := s.ListPoolUpdateAgentsByAgent(ctx, "a1")
	if err != nil || len(rows) != 0 {
		t.Fatalf("removed agent's rows %+v, %v", rows, err)
	}
}

func testJobVersionConflict(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	p := seedPool(t, s, "org1", "p1", "AD")
	seedAgent(t, s, p, "a1", t0)
	j := seedJob(t, s, p, "j1", "a1")
	stale := j
	j.Status = "Paused"
	must(t, s.SavePoolUpdate(ctx, j))
	stale.Status = "Cancelled"
	wantErr(t, s.SavePoolUpdate(ctx, stale), store.ErrStale)
	got, err := s.GetPoolUpdate(ctx, "p1", "j1")
	must(t, err)
	if got.Status != "Paused" || got.Version != 1 {
		t.Fatalf("got %+v", got)
	}
}
