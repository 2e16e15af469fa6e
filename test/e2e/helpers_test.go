package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/store"
)

// Versions published by every fixture, newer than the built-in catalog, so that the pools'
// latest versions are known whatever that catalog holds.
const (
	latestGA     = "3.90.0"
	latestEA     = "3.91.0"
	agentVersion = "3.20.0"
)

// start runs a server whose background jobs do not tick during the test: the tests set job
// states themselves and must not race the rollout engine.
func start(t testing.TB, postgres bool) *apptest.Server {
	t.Helper()
	return apptest.Start(t, apptest.Options{Postgres: postgres, Configure: func(c *config.Config) {
		c.TickInterval = time.Hour
	}})
}

// publishReleases publishes latestGA and latestEA for AD agents, released an hour ago.
func publishReleases(t testing.TB, s *apptest.Server) {
	t.Helper()
	at := time.Now().Add(-time.Hour)
	for channel, v := range map[string]string{"GA": latestGA, "EA": latestEA} {
		if _, err := s.Client.PublishRelease(context.Background(), client.Release{AgentType: "AD", Channel: channel, Version: v, ReleasedAt: &at}); err != nil {
			t.Fatalf("publish %s %s: %v", channel, v, err)
		}
	}
}

// createPool creates a pool with n agents on agentVersion and returns the pool and agent ids.
func createPool(t testing.TB, s *apptest.Server, name, agentType string, n int) (string, []string) {
	t.Helper()
	ctx := context.Background()
	p, err := s.Client.CreatePool(ctx, name, agentType)
	if err != nil {
		t.Fatalf("create pool %s: %v", name, err)
	}
	agents := make([]string, n)
	for i := range agents {
		a, err := s.Client.CreateAgent(ctx, p.ID, fmt.Sprintf("%s-agent-%d", name, i+1), agentVersion)
		if err != nil {
			t.Fatalf("create agent: %v", err)
		}
		agents[i] = a.ID
	}
	return p.ID, agents
}

// closedSchedule opens a one-hour window every day twelve hours from now, so no window is open
// while a test runs.
func closedSchedule() map[string]any {
	hour := (time.Now().UTC().Hour() + 12) % 24
	return map[string]any{"cron": fmt.Sprintf("0 %d * * *", hour), "timezone": "UTC", "duration": 60, "delay": 0}
}

// jobBody is an AgentPoolUpdate request for AD agents; a nil schedule makes an on-demand job.
func jobBody(name string, enabled bool, schedule map[string]any, agents ...string) map[string]any {
	list := make([]map[string]string, len(agents))
	for i, id := range agents {
		list[i] = map[string]string{"id": id}
	}
	b := map[string]any{"name": name, "agentType": "AD", "enabled": enabled, "agents": list}
	if schedule != nil {
		b["schedule"] = schedule
	}
	return b
}

// update is the part of an AgentPoolUpdate response the lifecycle tests read.
type update struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Enabled bool   `json:"enabled"`
	Agents  []struct {
		ID           string `json:"id"`
		UpdateStatus string `json:"updateStatus"`
	} `json:"agents"`
}

// call sends an Agent Pools API request with the admin token through the validating client and
// returns the status and body.
func call(t testing.TB, s *apptest.Server, method, path string, body any) (int, []byte) {
	t.Helper()
	return callAs(t, s, apptest.AdminToken, method, path, body)
}

// callAs is call with another SSWS token.
func callAs(t testing.TB, s *apptest.Server, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// decode unmarshals a response body or fails the test.
func decode[T any](t testing.TB, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// snapshot is what the store holds about a job and its pool's agents.
type snapshot struct {
	Job    store.PoolUpdate
	Agents []store.Agent
}

func readSnapshot(t testing.TB, s *apptest.Server, poolID, jobID string) snapshot {
	t.Helper()
	ctx := context.Background()
	j, err := s.App.Store().GetPoolUpdate(ctx, poolID, jobID)
	if err != nil {
		t.Fatalf("stored job %s: %v", jobID, err)
	}
	agents, err := s.App.Store().ListAgents(ctx, []string{poolID})
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{Job: j, Agents: agents}
}

// setStoredJob changes a stored job the way the rollout engine would.
func setStoredJob(t testing.TB, s *apptest.Server, poolID, jobID string, change func(j *store.PoolUpdate)) {
	t.Helper()
	ctx := context.Background()
	err := s.App.Store().InTx(ctx, func(q store.Queries) error {
		j, err := q.GetPoolUpdate(ctx, poolID, jobID)
		if err != nil {
			return err
		}
		before := agentpool.Clone(j)
		change(&j)
		return agentpool.SaveJob(ctx, q, nil, before, j)
	})
	if err != nil {
		t.Fatalf("set stored job %s: %v", jobID, err)
	}
}

// finish ends a job as the rollout engine does: every agent updated (Success), or the first one
// failed and the rest cancelled (Failed, with continueOnError off).
func finish(status string) func(j *store.PoolUpdate) {
	return func(j *store.PoolUpdate) {
		now := time.Now()
		j.Status = status
		for i := range j.Agents {
			switch {
			case status == agentpool.StatusSuccess:
				agentpool.SetAgent(j, i, agentpool.StatusSuccess, agentpool.MsgSucceeded, now)
			case i == 0:
				agentpool.SetAgent(j, i, agentpool.StatusFailed, "Installer exited with code 1603.", now)
			default:
				agentpool.SetAgent(j, i, agentpool.StatusCancelled, agentpool.MsgCancelled, now)
			}
		}
	}
}
