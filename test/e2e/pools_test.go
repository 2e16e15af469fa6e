package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/okta/okta-sdk-golang/v6/okta"

	"github.com/keyward/keyward/internal/apptest"
)

// fixture is an org seeded for the SDK tests: one pool with agents that jobs are made of, and
// more pools of several types so that listing them takes several pages.
type fixture struct {
	poolID, poolName string
	agents           []string
	pools            map[string]string // id → type, every pool of the org
}

// Pools per type beyond the main AD pool; with pageLimit 2 the AD pools take four pages.
var extraPools = map[string]int{"AD": 6, "LDAP": 5, "Radius": 3}

const pageLimit = 2

func seed(t *testing.T, s *apptest.Server) fixture {
	t.Helper()
	publishReleases(t, s)
	f := fixture{poolName: "corp.example.com", pools: map[string]string{}}
	f.poolID, f.agents = createPool(t, s, f.poolName, "AD", 3)
	f.pools[f.poolID] = "AD"
	for typ, n := range extraPools {
		for i := range n {
			id, _ := createPool(t, s, fmt.Sprintf("%s-directory-%d", typ, i+1), typ, 1)
			f.pools[id] = typ
		}
	}
	return f
}

// listAllPools reads every page of listAgentPools through the SDK's pagination, checking that no
// page holds more than limit pools of a type, and returns the pools and the number of pages.
func listAllPools(t *testing.T, api okta.AgentPoolsAPI, limit int32, poolType string) ([]okta.AgentPool, int) {
	t.Helper()
	req := api.ListAgentPools(context.Background()).LimitPerPoolType(limit)
	if poolType != "" {
		req = req.PoolType(poolType)
	}
	page, resp, err := req.Execute()
	sdkOK(t, "listAgentPools", resp, err, 200)
	var all []okta.AgentPool
	for pages := 1; ; pages++ {
		perType := map[string]int32{}
		for _, p := range page {
			if perType[p.GetType()]++; perType[p.GetType()] > limit {
				t.Fatalf("page %d holds more than %d pools of type %s", pages, limit, p.GetType())
			}
		}
		all = append(all, page...)
		if !resp.HasNextPage() {
			return all, pages
		}
		if pages == 50 {
			t.Fatal("listAgentPools: more than 50 pages; the next links do not end")
		}
		page = nil
		resp, err = resp.Next(&page)
		sdkOK(t, "listAgentPools next page", resp, err, 200)
	}
}

func checkPoolPages(t *testing.T, api okta.AgentPoolsAPI, f fixture) {
	tests := []struct {
		poolType  string
		wantPages int
	}{{"", 4}, {"LDAP", 3}, {"Radius", 2}, {"MFA", 1}}
	for _, tc := range tests {
		pools, pages := listAllPools(t, api, pageLimit, tc.poolType)
		if pages != tc.wantPages {
			t.Errorf("poolType %q: %d pages, want %d", tc.poolType, pages, tc.wantPages)
		}
		seen := map[string]int{}
		for _, p := range pools {
			seen[p.GetId()]++
			if typ, ok := f.pools[p.GetId()]; !ok || typ != p.GetType() {
				t.Errorf("poolType %q: unexpected pool %s of type %s", tc.poolType, p.GetId(), p.GetType())
			}
		}
		for id, typ := range f.pools {
			want := 0
			if tc.poolType == "" || tc.poolType == typ {
				want = 1
			}
			if seen[id] != want {
				t.Errorf("poolType %q: pool %s (%s) seen %d times, want %d", tc.poolType, id, typ, seen[id], want)
			}
		}
	}
}

// checkMainPool checks how listAgentPools shows the main pool and its agents.
func checkMainPool(t *testing.T, api okta.AgentPoolsAPI, f fixture) {
	pools, resp, err := api.ListAgentPools(context.Background()).PoolType("AD").LimitPerPoolType(10).Execute()
	sdkOK(t, "listAgentPools", resp, err, 200)
	var main *okta.AgentPool
	for i := range pools {
		if pools[i].GetId() == f.poolID {
			main = &pools[i]
		}
	}
	if main == nil {
		t.Fatalf("pool %s missing from %d AD pools", f.poolID, len(pools))
	}
	if main.GetName() != f.poolName || main.GetOperationalStatus() != "OPERATIONAL" || len(main.Agents) != len(f.agents) {
		t.Fatalf("pool = %s %s %s with %d agents", main.GetName(), main.GetType(), main.GetOperationalStatus(), len(main.Agents))
	}
	var ids []string
	for _, a := range main.Agents {
		ids = append(ids, a.GetId())
		if a.GetPoolId() != f.poolID || a.GetType() != "AD" || a.GetVersion() != agentVersion ||
			a.GetOperationalStatus() != "OPERATIONAL" || a.GetIsLatestGAedVersion() || a.GetLastConnection() <= 0 {
			b, _ := json.Marshal(a)
			t.Errorf("agent %s", b)
		}
	}
	// A pool lists its agents in no particular order.
	if slices.Sort(ids); !slices.Equal(ids, slices.Sorted(slices.Values(f.agents))) {
		t.Errorf("agents of pool %s = %v, want %v", f.poolID, ids, f.agents)
	}
}
