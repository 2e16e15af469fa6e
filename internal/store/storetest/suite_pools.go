package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testPools(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	seedOrg(t, s, "org2")
	for _, id := range []string{"p3", "p1", "p2", "p4"} {
		seedPool(t, s, "org1", id, "AD")
	}
	seedPool(t, s, "org1", "p5", "LDAP")
	seedPool(t, s, "org2", "p6", "AD")
	wantErr(t, s.CreatePool(ctx, store.Pool{ID: "p7", OrgID: "org1", Name: "pool p1", Type: "AD"}), store.ErrConflict)

	page, err := s.ListPools(ctx, "org1", "AD", "", 3)
	must(t, err)
	if ids := poolIDs(page); ids != "p1,p2,p3" {
		t.Fatalf("first page %s", ids)
	}
	page, err = s.ListPools(ctx, "org1", "AD", "p3", 3)
	must(t, err)
	if ids := poolIDs(page); ids != "p4" {
		t.Fatalf("second page %s", ids)
	}
	page, err = s.ListPools(ctx, "org1", "LDAP", "", 3)
	must(t, err)
	if ids := poolIDs(page); ids != "p5" {
		t.Fatalf("LDAP %s", ids)
	}
	p, err := s.GetPool(ctx, "org1", "p2")
	must(t, err)
	if p.Name != "pool p2" || p.Type != "AD" {
		t.Fatalf("got %+v", p)
	}
	_, err = s.GetPool(ctx, "org2", "p2")
	wantErr(t, err, store.ErrNotFound)
}

func poolIDs(ps []store.Pool) string {
	out := ""
	for i, p := range ps {
		if i > 0 {
			out += ","
		}
		out += p.ID
	}
	return out
}

func testPoolSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	seedPool(t, s, "org1", "p1", "AD")
	_, err := s.GetPoolSettings(ctx, "p1")
	wantErr(t, err, store.ErrNotFound)
	must(t, s.PutPoolSettings(ctx, store.PoolSettings{PoolID: "p1", AgentType: "AD", ReleaseChannel: "EA", ContinueOnError: true}))
	must(t, s.PutPoolSettings(ctx, store.PoolSettings{PoolID: "p1", AgentType: "AD", ReleaseChannel: "GA", ContinueOnError: true}))
	got, err := s.GetPoolSettings(ctx, "p1")
	must(t, err)
	if got.ReleaseChannel != "GA" || !got.ContinueOnError {
		t.Fatalf("got %+v", got)
	}
}

func testAgents(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	p1 := seedPool(t, s, "org1", "p1", "AD")
	p2 := seedPool(t, s, "org1", "p2", "AD")
	seedAgent(t, s, p1, "a2", t0.Add(time.Second))
	a1 := seedAgent(t, s, p1, "a1", t0.Add(2*time.Second))
	seedAgent(t, s, p2, "a3", t0)
	wantErr(t, s.CreateAgent(ctx, store.Agent{ID: "a4", OrgID: "org1", PoolID: "p1", Name: "agent a1", Type: "AD"}), store.ErrConflict)

	list, err := s.ListAgents(ctx, []string{"p1", "p2"})
	must(t, err)
	if len(list) != 3 || list[0].ID != "a2" || list[1].ID != "a1" || list[2].ID != "a3" {
		t.Fatalf("order %+v", list)
	}
	a1.Version, a1.LastConnection, a1.CredentialHash = "3.22.0", t0.Add(time.Hour), "cred"
	a1.Healthy, a1.HealthMessage, a1.UpdateStatus, a1.UpdateMessage = false, "ldap down", "Scheduled", "Queued for update."
	must(t, s.UpdateAgent(ctx, a1))
	got, err := s.GetAgentByCredential(ctx, "cred")
	must(t, err)
	if got != a1 {
		t.Fatalf("got %+v\nwant %+v", got, a1)
	}
	got, err = s.GetAgentByName(ctx, "p1", "agent a1")
	must(t, err)
	if got.ID != "a1" {
		t.Fatalf("by name %+v", got)
	}
	_, err = s.GetAgentByCredential(ctx, "")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAgent(ctx, "org2", "a1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.UpdateAgent(ctx, store.Agent{ID: "missing"}), store.ErrNotFound)

	must(t, s.CreateRegistrationToken(ctx, store.RegistrationToken{ID: "r1", OrgID: "org1", PoolID: "p1", Hash: "rh", CreatedAt: t0}))
	rt, err := s.GetRegistrationTokenByHash(ctx, "rh")
	must(t, err)
	if rt.PoolID != "p1" {
		t.Fatalf("got %+v", rt)
	}
}

func testPoolsPage(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	seedOrg(t, s, "org2")
	p1 := seedPool(t, s, "org1", "p1", "AD")
	p2 := seedPool(t, s, "org1", "p2", "AD")
	seedPool(t, s, "org1", "p3", "AD")
	l1 := seedPool(t, s, "org1", "l1", "LDAP")
	seedPool(t, s, "org1", "r1", "Radius")
	o2 := seedPool(t, s, "org2", "p0", "AD")
	seedAgent(t, s, p1, "a2", t0.Add(time.Second))
	a1 := seedAgent(t, s, p1, "a1", t0.Add(2*time.Second))
	a1.Hidden, a1.LastConnection, a1.UpdateStatus, a1.CredentialHash = true, t0.Add(time.Hour), "Scheduled", "cred-a1"
	must(t, s.UpdateAgent(ctx, a1))
	a1.CredentialHash = "" // a page does not read it
	seedAgent(t, s, p2, "a3", t0)
	seedAgent(t, s, l1, "a4", t0)
	seedAgent(t, s, o2, "a5", t0)
	seedAgent(t, s, seedPool(t, s, "org1", "p4", "AD"), "a6", t0) // beyond the page: its agent is not read

	types := []string{"AD", "IWA", "LDAP", "Radius"}
	pools, agents, err := s.ListPoolsPage(ctx, "org1", types, map[string]string{}, 2)
	must(t, err)
	// Up to limit+1 pools of each type, in the order of types; agents of the first limit only.
	if ids := poolIDs(pools); ids != "p1,p2,p3,l1,r1" {
		t.Fatalf("pools %s", ids)
	}
	if pools[0] != p1 {
		t.Fatalf("pool %+v, want %+v", pools[0], p1)
	}
	var ids []string
	for _, a := range agents {
		ids = append(ids, a.ID)
	}
	if fmt.Sprint(ids) != "[a2 a1 a3 a4]" {
		t.Fatalf("agents %v", ids)
	}
	if agents[1] != a1 {
		t.Fatalf("agent %+v, want %+v", agents[1], a1)
	}

	pools, agents, err = s.ListPoolsPage(ctx, "org1", []string{"AD"}, map[string]string{"AD": "p2"}, 2)
	must(t, err)
	if ids := poolIDs(pools); ids != "p3,p4" || len(agents) != 1 || agents[0].ID != "a6" {
		t.Fatalf("after p2: pools %s, agents %+v", ids, agents)
	}
	pools, agents, err = s.ListPoolsPage(ctx, "org2", []string{"LDAP"}, map[string]string{}, 5)
	must(t, err)
	if len(pools) != 0 || len(agents) != 0 {
		t.Fatalf("org2 LDAP: %+v %+v", pools, agents)
	}
}
