package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestJobInputEdges sends update-job bodies at the edges of what is valid, on each store: each is
// either stored whole (201) or refused whole (400 with Okta's code), never a server error, and a
// refused body leaves the pool without a job.
func TestJobInputEdges(t *testing.T) {
	many := make([]map[string]string, 10000)
	for i := range many {
		many[i] = map[string]string{"id": fmt.Sprintf("a53%017d", i)}
	}
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			publishReleases(t, s)
			poolID, agents := createPool(t, s, "corp.example.com", "AD", 2)
			valid := func(change func(b map[string]any)) map[string]any {
				b := jobBody("Monthly", false, closedSchedule(), agents...)
				change(b)
				return b
			}
			cases := []struct {
				name   string
				body   any
				status int
				code   string
			}{
				{"negative sortOrder", valid(func(b map[string]any) { b["sortOrder"] = -3 }), 201, ""},
				{"sortOrder at the int32 limit", valid(func(b map[string]any) { b["sortOrder"] = 2147483647 }), 201, ""},
				{"sortOrder beyond int32", valid(func(b map[string]any) { b["sortOrder"] = 2147483648 }), 400, "E0000001"},
				{"sortOrder below int32", valid(func(b map[string]any) { b["sortOrder"] = -2147483649 }), 400, "E0000001"},
				{"sortOrder beyond int64", json.RawMessage(`{"name":"x","agentType":"AD","sortOrder":1e30,"agents":[{"id":"` + agents[0] + `"}]}`), 400, "E0000003"},
				{"null agent entry", valid(func(b map[string]any) { b["agents"] = []any{nil} }), 400, "E0000001"},
				{"null agents", valid(func(b map[string]any) { b["agents"] = nil }), 400, "E0000001"},
				{"10000 unknown agents", valid(func(b map[string]any) { b["agents"] = many }), 400, "E0000001"},
				{"delay 31", valid(func(b map[string]any) { b["schedule"].(map[string]any)["delay"] = 31 }), 400, "E0000001"},
				{"unicode name", valid(func(b map[string]any) { b["name"] = "Mise à jour 日本 🚀" }), 201, ""},
				{"NUL in name", valid(func(b map[string]any) { b["name"] = "a\x00b" }), 400, "E0000001"},
				{"NUL in reason", valid(func(b map[string]any) { b["reason"] = "a\x00b" }), 400, "E0000001"},
			}
			for _, c := range cases {
				st, body := call(t, s, http.MethodPost, "/api/v1/agentPools/"+poolID+"/updates", c.body)
				if st != c.status {
					t.Errorf("%s: %d %.300s, want %d", c.name, st, body, c.status)
					continue
				}
				if st == 201 {
					u := decode[update](t, body)
					if c.name == "unicode name" && u.Name != "Mise à jour 日本 🚀" {
						t.Errorf("%s: stored name %q", c.name, u.Name)
					}
					// Free the agents for the next scheduled job.
					if st, b := call(t, s, http.MethodDelete, "/api/v1/agentPools/"+poolID+"/updates/"+u.ID, nil); st != 204 {
						t.Fatalf("%s: delete: %d %s", c.name, st, b)
					}
					continue
				}
				e := decode[oktaError](t, body)
				if e.ErrorCode != c.code {
					t.Errorf("%s: %s, want %s", c.name, body, c.code)
				}
				if c.name == "10000 unknown agents" && (len(e.ErrorCauses) != 1 || !strings.Contains(e.ErrorCauses[0].ErrorSummary, "at most 1000")) {
					t.Errorf("%s: causes %v, want one naming the limit", c.name, e.ErrorCauses)
				}
				if _, b := call(t, s, http.MethodGet, "/api/v1/agentPools/"+poolID+"/updates", nil); strings.TrimSpace(string(b)) != "[]" {
					t.Errorf("%s: a refused job was stored: %s", c.name, b)
				}
			}
		})
	}
}

// TestNULInPathOrCursor checks that ids no record can have (a NUL byte in the path or in the
// paging cursor) answer as unknown ids do, not as server errors, on each store.
func TestNULInPathOrCursor(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			poolID, _ := createPool(t, s, "corp.example.com", "AD", 1)
			cursor := base64.RawURLEncoding.EncodeToString([]byte(`{"AD":"0oa\u0000"}`))
			for _, c := range []struct {
				method, path string
				body         any
				status       int
			}{
				// An id no record can have is refused as not found on every route, in the one path check,
				// even where a storable unknown pool's updates list as [] (docs/agent-pools.md).
				{"GET", "/api/v1/agentPools/0oa%00x/updates", nil, 404},
				{"GET", "/api/v1/agentPools/0oa%00x/updates/settings", nil, 404},
				{"GET", "/api/v1/agentPools/" + poolID + "/updates/ajd%00x", nil, 404},
				{"GET", "/api/v1/agentPools?after=" + cursor, nil, 400},
				{"POST", "/keyward/v1/agentPools", map[string]string{"name": "a\x00", "type": "AD"}, 400},
				{"POST", "/keyward/v1/agentPools/" + poolID + "/agents", map[string]string{"name": "a\x00", "version": agentVersion}, 400},
				{"POST", "/keyward/v1/apiTokens", map[string]string{"name": "a\x00"}, 400},
				{"POST", "/v1/teams/a%00b/service_token", map[string]string{"key_id": "k", "key_secret": "s"}, 401},
				{"POST", "/v1/teams/keyward/service_token", map[string]string{"key_id": "k\x00", "key_secret": "s"}, 401},
			} {
				if st, body := call(t, s, c.method, c.path, c.body); st != c.status {
					t.Errorf("%s %s: %d %s, want %d", c.method, c.path, st, body, c.status)
				}
			}
		})
	}
}

// TestDeleteKeepsAnotherJobsAgentStatus checks that deleting a finished job leaves alone the
// update status its agents show from a newer job, and clears it on agents no other job touched.
func TestDeleteKeepsAnotherJobsAgentStatus(t *testing.T) {
	s := start(t, false)
	publishReleases(t, s)
	poolID, agents := createPool(t, s, "corp.example.com", "AD", 2)
	updates := "/api/v1/agentPools/" + poolID + "/updates"
	st, body := call(t, s, http.MethodPost, updates, jobBody("First", false, nil, agents...))
	if st != 201 {
		t.Fatalf("create: %d %s", st, body)
	}
	first := decode[update](t, body).ID
	setStoredJob(t, s, poolID, first, finish("Success"))
	if st, body = call(t, s, http.MethodPost, updates, jobBody("Second", false, nil, agents[0])); st != 201 {
		t.Fatalf("create: %d %s", st, body)
	}
	if st, body = call(t, s, http.MethodDelete, updates+"/"+first, nil); st != 204 {
		t.Fatalf("delete: %d %s", st, body)
	}
	_, body = call(t, s, http.MethodGet, "/api/v1/agentPools", nil)
	pools := decode[[]struct {
		Agents []struct{ ID, UpdateStatus string }
	}](t, body)
	got := map[string]string{}
	for _, a := range pools[0].Agents {
		got[a.ID] = a.UpdateStatus
	}
	if got[agents[0]] != "Scheduled" || got[agents[1]] != "" {
		t.Errorf("update statuses after deleting the first job: %v; want %s Scheduled (second job), %s none", got, agents[0], agents[1])
	}
}
