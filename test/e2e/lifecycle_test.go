package e2e

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/store"
)

// origin is a job status an action is tried from, reached the way a job reaches it: through the
// API, or for the ends of a rollout by setting the stored job as the rollout engine would.
type origin struct {
	name      string
	status    string
	scheduled bool     // a job with a schedule (whose window is closed), else an on-demand job
	then      []string // lifecycle actions applied after creating the job
	finish    string   // the status a rollout ended in
}

var origins = []origin{
	{name: "Scheduled", status: "Scheduled", scheduled: true},
	{name: "InProgress", status: "InProgress"},
	{name: "Paused", status: "Paused", then: []string{"pause"}},
	{name: "Paused-scheduled", status: "Paused", scheduled: true, then: []string{"pause"}},
	{name: "Success", status: "Success", finish: "Success"},
	{name: "Failed", status: "Failed", finish: "Failed"},
	{name: "Failed-scheduled", status: "Failed", scheduled: true, finish: "Failed"},
	{name: "Cancelled", status: "Cancelled", scheduled: true, then: []string{"stop"}},
}

// allowed is the lifecycle table of DESIGN.md and docs/agent-pools.md: for each action, the
// origins it is allowed from and the status it leaves the job in ("" for delete). From any other
// origin the action is refused. Resuming or retrying a job with a schedule waits for its next
// window; an update queues the agents again, so a finished or cancelled job starts over, and a
// paused job stays paused.
var allowed = map[string]map[string]string{
	"activate":   {"Scheduled": "Scheduled"},
	"deactivate": {"Scheduled": "Scheduled"},
	"pause":      {"Scheduled": "Paused", "InProgress": "Paused"},
	"resume":     {"Paused": "InProgress", "Paused-scheduled": "Scheduled"},
	"retry":      {"Failed": "InProgress", "Failed-scheduled": "Scheduled"},
	"stop":       {"Scheduled": "Cancelled", "InProgress": "Cancelled", "Paused": "Cancelled", "Paused-scheduled": "Cancelled"},
	"update": {"Scheduled": "Scheduled", "Paused": "Paused", "Paused-scheduled": "Paused",
		"Success": "InProgress", "Failed": "InProgress", "Failed-scheduled": "Scheduled", "Cancelled": "Scheduled"},
	"delete": {"Scheduled": "", "Paused": "", "Paused-scheduled": "", "Success": "", "Failed": "", "Failed-scheduled": "",
		"Cancelled": ""},
}

// agentAfter is what an allowed action does to one agent's progress in the job.
func agentAfter(action, status string) string {
	switch {
	case action == "update":
		return "Scheduled"
	case action == "stop" && status == "Scheduled":
		return "Cancelled"
	case action == "retry" && (status == "Failed" || status == "Cancelled"):
		return "Scheduled" // the failed agent and those its failure cancelled
	}
	return status
}

func TestLifecycle(t *testing.T) {
	s := start(t, false)
	publishReleases(t, s)
	pools := 0
	for _, action := range []string{"activate", "deactivate", "pause", "resume", "retry", "stop", "update", "delete"} {
		for _, o := range origins {
			pools++
			pool := fmt.Sprintf("directory-%d", pools)
			t.Run(action+"/from-"+o.name, func(t *testing.T) {
				poolID, agents := createPool(t, s, pool, "AD", 2)
				enabled := action != "activate"
				jobID := prepare(t, s, o, poolID, agents, enabled)
				path := "/api/v1/agentPools/" + poolID + "/updates/" + jobID
				before := readSnapshot(t, s, poolID, jobID)
				var status int
				var body []byte
				switch action {
				case "update":
					var sched map[string]any
					if o.scheduled {
						sched = closedSchedule()
					}
					status, body = call(t, s, http.MethodPost, path, jobBody("Renamed", true, sched, agents...))
				case "delete":
					status, body = call(t, s, http.MethodDelete, path, nil)
				default:
					status, body = call(t, s, http.MethodPost, path+"/"+action, nil)
				}
				want, ok := allowed[action][o.name]
				switch {
				case !ok:
					checkRefused(t, s, action, o.status, status, body, before)
				case action == "delete":
					checkDeleted(t, s, path, status, before)
				default:
					checkApplied(t, s, action, want, enabled, status, body, before)
				}
			})
		}
	}
}

// prepare creates a job of the pool's agents and brings it to o's status.
func prepare(t *testing.T, s *apptest.Server, o origin, poolID string, agents []string, enabled bool) string {
	t.Helper()
	var sched map[string]any
	if o.scheduled {
		sched = closedSchedule()
	}
	updates := "/api/v1/agentPools/" + poolID + "/updates"
	status, body := call(t, s, http.MethodPost, updates, jobBody("Nightly", enabled, sched, agents...))
	if status != http.StatusCreated {
		t.Fatalf("create job: %d %s", status, body)
	}
	id := decode[update](t, body).ID
	for _, action := range o.then {
		if status, body := call(t, s, http.MethodPost, updates+"/"+id+"/"+action, nil); status != http.StatusCreated {
			t.Fatalf("%s: %d %s", action, status, body)
		}
	}
	if o.finish != "" {
		setStoredJob(t, s, poolID, id, finish(o.finish))
	}
	if got := readSnapshot(t, s, poolID, id).Job.Status; got != o.status {
		t.Fatalf("prepared job is %s, want %s", got, o.status)
	}
	return id
}

func checkRefused(t *testing.T, s *apptest.Server, action, from string, status int, body []byte, before snapshot) {
	t.Helper()
	if status != http.StatusBadRequest {
		t.Fatalf("status %d %s, want 400", status, body)
	}
	e := decode[oktaError](t, body)
	if e.ErrorCode != "E0000001" || len(e.ErrorCauses) != 1 {
		t.Fatalf("error %s, want E0000001 with one cause", body)
	}
	if c := e.ErrorCauses[0].ErrorSummary; !strings.Contains(c, action) || !strings.Contains(c, "status is "+from) {
		t.Errorf("cause %q names neither the action %s nor the status %s", c, action, from)
	}
	if after := readSnapshot(t, s, before.Job.PoolID, before.Job.ID); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused %s changed the store:\nbefore %+v\nafter  %+v", action, before, after)
	}
}

func checkDeleted(t *testing.T, s *apptest.Server, path string, status int, before snapshot) {
	t.Helper()
	if status != http.StatusNoContent {
		t.Fatalf("status %d, want 204", status)
	}
	status, body := call(t, s, http.MethodGet, path, nil)
	if e := decode[oktaError](t, body); status != http.StatusNotFound || e.ErrorCode != "E0000007" {
		t.Errorf("GET after delete: %d %s, want 404 E0000007", status, body)
	}
	if _, err := s.App.Store().GetPoolUpdate(t.Context(), before.Job.PoolID, before.Job.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stored job after delete: %v, want %v", err, store.ErrNotFound)
	}
}

func checkApplied(t *testing.T, s *apptest.Server, action, want string, enabled bool, status int, body []byte, before snapshot) {
	t.Helper()
	if status != http.StatusCreated {
		t.Fatalf("status %d %s, want 201", status, body)
	}
	switch action {
	case "activate", "update":
		enabled = true
	case "deactivate":
		enabled = false
	}
	got := decode[update](t, body)
	stored := readSnapshot(t, s, before.Job.PoolID, before.Job.ID).Job
	if got.Status != want || stored.Status != want || got.Enabled != enabled || stored.Enabled != enabled {
		t.Errorf("answered status %s enabled %v, stored %s %v; want %s %v", got.Status, got.Enabled, stored.Status, stored.Enabled, want, enabled)
	}
	if action == "update" && (got.Name != "Renamed" || stored.Name != "Renamed") {
		t.Errorf("name answered %q, stored %q; want Renamed", got.Name, stored.Name)
	}
	if len(got.Agents) != len(before.Job.Agents) || len(stored.Agents) != len(before.Job.Agents) {
		t.Fatalf("%d agents answered, %d stored; want %d", len(got.Agents), len(stored.Agents), len(before.Job.Agents))
	}
	for i, a := range before.Job.Agents {
		w := agentAfter(action, a.Status)
		if got.Agents[i].ID != a.AgentID || got.Agents[i].UpdateStatus != w || stored.Agents[i].Status != w {
			t.Errorf("agent %s was %s: answered %s %s, stored %s; want %s", a.AgentID, a.Status,
				got.Agents[i].ID, got.Agents[i].UpdateStatus, stored.Agents[i].Status, w)
		}
	}
}
