package fuzz

import (
	"encoding/json"
	"testing"
)

// state is what the APIs list, without what changes by itself as time passes (operational
// status, last connection): two dumps differ only if a request changed something.
func (f *fixture) state(t *testing.T) string {
	t.Helper()
	f.dumps++
	var pools []struct {
		ID, Name, Type string
		Agents         []struct{ ID, Name, Version, UpdateStatus, UpdateMessage string }
	}
	f.get(t, "/api/v1/agentPools?limitPerPoolType=200", &pools)
	dump := map[string]any{"pools": pools}
	for _, p := range pools {
		var jobs []struct {
			ID, Name, Status, Reason, TargetVersion, AgentType string
			Enabled, NotifyAdmin                               bool
			SortOrder                                          int
			Schedule                                           json.RawMessage
			Agents                                             []struct{ ID, UpdateStatus, UpdateMessage string }
		}
		f.get(t, "/api/v1/agentPools/"+p.ID+"/updates", &jobs)
		var settings json.RawMessage
		f.get(t, "/api/v1/agentPools/"+p.ID+"/updates/settings", &settings)
		dump["jobs "+p.ID], dump["settings "+p.ID] = jobs, settings
	}
	var releases json.RawMessage
	f.get(t, "/keyward/v1/releases", &releases)
	dump["releases"] = releases
	b, err := json.Marshal(dump)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) get(t *testing.T, path string, v any) {
	t.Helper()
	st, body := f.do(t, "GET", path, f.creds["admin"], "", nil)
	if st != 200 || json.Unmarshal(body, v) != nil {
		t.Fatalf("GET %s: %d %.300s", path, st, body)
	}
}
