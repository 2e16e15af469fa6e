package e2e

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// orgState is everything the store holds about one pool that another org might disturb.
type orgState struct {
	Snap     snapshot
	Jobs     []store.PoolUpdate
	Settings store.PoolSettings
}

func readOrgState(t *testing.T, s *apptest.Server, poolID, jobID string) orgState {
	t.Helper()
	ctx := context.Background()
	jobs, err := s.App.Store().ListPoolUpdates(ctx, poolID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.App.Store().GetPoolSettings(ctx, poolID)
	if err != nil {
		t.Fatal(err)
	}
	return orgState{Snap: readSnapshot(t, s, poolID, jobID), Jobs: jobs, Settings: st}
}

// secondOrg creates another org in the server's store with an admin API token of its own.
func secondOrg(t *testing.T, s *apptest.Server) (orgID, token string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	org := store.Org{ID: ids.New(ids.Org), Name: "other", CreatedAt: now}
	if err := s.App.Store().CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	token = "00other-org-admin-token-0123456789"
	if err := s.App.Store().CreateAPIToken(ctx, store.APIToken{ID: ids.New(ids.Token), OrgID: org.ID, Name: "admin",
		Hash: ids.Hash(token), Admin: true, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return org.ID, token
}

// TestOrgIsolation checks that an org cannot see or change another org's pools, jobs and agents:
// every Agent Pools operation (and every admin operation naming a pool) on the first org's ids,
// made with the second org's token, answers 404 and leaves the store as it was.
func TestOrgIsolation(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			publishReleases(t, s)
			poolID, agents := createPool(t, s, "corp.example.com", "AD", 2)
			if st, _ := call(t, s, http.MethodPost, "/api/v1/agentPools/"+poolID+"/updates/settings",
				map[string]any{"agentType": "AD", "releaseChannel": "EA"}); st != 201 {
				t.Fatalf("settings: %d", st)
			}
			st, body := call(t, s, http.MethodPost, "/api/v1/agentPools/"+poolID+"/updates", jobBody("Monthly", true, closedSchedule(), agents...))
			if st != 201 {
				t.Fatalf("create job: %d %s", st, body)
			}
			jobID := decode[update](t, body).ID
			before := readOrgState(t, s, poolID, jobID)

			_, other := secondOrg(t, s)
			otherPool, otherAgents := createPoolAs(t, s, other, "other.example.com")

			pool := "/api/v1/agentPools/" + poolID
			job := pool + "/updates/" + jobID
			// Okta lists the updates of a pool it does not know as empty (200 []), not 404.
			if st, body := callAs(t, s, other, "GET", pool+"/updates", nil); st != 200 || strings.TrimSpace(string(body)) != "[]" {
				t.Errorf("GET %s/updates: %d %s, want 200 []", pool, st, body)
			}
			ops := []struct{ method, path string }{
				{"POST", pool + "/updates"},
				{"GET", pool + "/updates/settings"},
				{"POST", pool + "/updates/settings"},
				{"GET", job},
				{"POST", job},
				{"DELETE", job},
				{"POST", job + "/activate"},
				{"POST", job + "/deactivate"},
				{"POST", job + "/pause"},
				{"POST", job + "/resume"},
				{"POST", job + "/retry"},
				{"POST", job + "/stop"},
				// The other org's own pool with the first org's job id.
				{"GET", "/api/v1/agentPools/" + otherPool + "/updates/" + jobID},
				{"POST", "/api/v1/agentPools/" + otherPool + "/updates/" + jobID},
				{"DELETE", "/api/v1/agentPools/" + otherPool + "/updates/" + jobID},
				{"POST", "/api/v1/agentPools/" + otherPool + "/updates/" + jobID + "/stop"},
				// Admin operations naming the first org's pool.
				{"POST", "/keyward/v1/agentPools/" + poolID + "/agents"},
				{"POST", "/keyward/v1/agentPools/" + poolID + "/registrationTokens"},
			}
			for _, op := range ops {
				var b any
				if op.method == "POST" {
					b = map[string]any{"name": "x", "agentType": "AD", "enabled": true, "releaseChannel": "BETA", "version": "3.20.0",
						"agents": []map[string]string{{"id": agents[0]}}}
				}
				st, body := callAs(t, s, other, op.method, op.path, b)
				if st != 404 {
					t.Errorf("%s %s: %d %s, want 404", op.method, op.path, st, body)
					continue
				}
				if e := decode[oktaError](t, body); e.ErrorCode != "E0000007" {
					t.Errorf("%s %s: %s, want E0000007", op.method, op.path, body)
				}
			}

			// Listing shows only the caller's own pools.
			st, body = callAs(t, s, other, "GET", "/api/v1/agentPools", nil)
			listed := decode[[]struct{ ID string }](t, body)
			if st != 200 || len(listed) != 1 || listed[0].ID != otherPool {
				t.Errorf("listAgentPools as the other org: %d %s", st, body)
			}
			// The other org cannot put the first org's agents into a job of its own pool.
			st, body = callAs(t, s, other, "POST", "/api/v1/agentPools/"+otherPool+"/updates",
				jobBody("Steal", true, nil, append([]string{otherAgents[0]}, agents...)...))
			if st != 400 {
				t.Errorf("job with the first org's agents: %d %s, want 400", st, body)
			}

			if after := readOrgState(t, s, poolID, jobID); !reflect.DeepEqual(before, after) {
				t.Errorf("the other org changed the first org's pool:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// createPoolAs creates, with token, a pool with one agent.
func createPoolAs(t *testing.T, s *apptest.Server, token, name string) (string, []string) {
	t.Helper()
	st, body := callAs(t, s, token, "POST", "/keyward/v1/agentPools", map[string]string{"name": name, "type": "AD"})
	if st != 201 {
		t.Fatalf("create pool: %d %s", st, body)
	}
	p := decode[struct{ ID string }](t, body)
	st, body = callAs(t, s, token, "POST", "/keyward/v1/agentPools/"+p.ID+"/agents", map[string]string{"name": "a1", "version": agentVersion})
	if st != 201 {
		t.Fatalf("create agent: %d %s", st, body)
	}
	return p.ID, []string{decode[struct{ ID string }](t, body).ID}
}
