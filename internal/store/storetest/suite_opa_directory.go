package storetest

import (
	"context"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func testADDirectories(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "web")
	c := store.ADConnection{ID: "c1", TeamID: "tm1", Domain: "corp.example", AppInstanceID: "0oa1", Status: "connected",
		SyncStatus: "NOT_SYNCED", Directory: []byte(`[]`), RuleSettings: []byte(`{}`), CreatedAt: t0}
	must(t, s.CreateADConnection(ctx, c))
	wantErr(t, s.CreateADConnection(ctx, store.ADConnection{ID: "c2", TeamID: "tm1", Domain: "corp.example", CreatedAt: t0}),
		store.ErrConflict)
	c.Status, c.SyncStatus, c.Directory = "disconnected", "SYNC_COMPLETED", []byte(`[{"sid":"S-1"}]`)
	must(t, s.UpdateADConnection(ctx, c))
	if got, err := s.GetADConnection(ctx, "tm1", "c1"); err != nil || got.Status != "disconnected" ||
		string(got.Directory) != `[{"sid":"S-1"}]` || !got.CreatedAt.Equal(t0) {
		t.Fatalf("connection %+v %v", got, err)
	}

	a := store.ADAccount{ID: "a1", TeamID: "tm1", ConnectionID: "c1", SID: "S-1", UPN: "Alice@Corp.example",
		ResourceGroupID: p.ResourceGroupID, ProjectID: p.ID, Body: []byte(`{"x":1}`), SyncedAt: t0}
	must(t, s.PutADAccount(ctx, a))
	must(t, s.PutADAccount(ctx, store.ADAccount{ID: "a2", TeamID: "tm1", ConnectionID: "c1", SID: "S-2", UPN: "bob@corp.example",
		Body: []byte(`{}`), SyncedAt: t0}))
	wantErr(t, s.PutADAccount(ctx, store.ADAccount{ID: "a3", TeamID: "tm1", ConnectionID: "c1", SID: "S-1", Body: []byte(`{}`)}),
		store.ErrConflict)
	a.Body = []byte(`{"x":2}`)
	must(t, s.PutADAccount(ctx, a))
	if got, err := s.GetADAccount(ctx, "tm1", "a1"); err != nil || string(got.Body) != `{"x":2}` || got.ProjectID != "p1" {
		t.Fatalf("account %+v %v", got, err)
	}
	inProject, err := s.ListADAccounts(ctx, "tm1", store.ADAccountFilter{ProjectID: "p1", UPNContains: "ALICE"}, store.Page{})
	must(t, err)
	if len(inProject) != 1 || inProject[0].ID != "a1" {
		t.Fatalf("project accounts %+v", inProject)
	}
	if all, err := s.ListADAccounts(ctx, "tm1", store.ADAccountFilter{ConnectionID: "c1"}, store.Page{After: "a1"}); err != nil ||
		len(all) != 1 || all[0].ID != "a2" {
		t.Fatalf("page after a1: %+v %v", all, err)
	}

	r := store.ADRule{ID: "u1", TeamID: "tm1", ConnectionID: "c1", Name: "admins", Priority: 2, ResourceGroupID: "r1",
		ProjectID: "p1", Body: []byte(`{}`)}
	must(t, s.CreateADRule(ctx, r))
	must(t, s.CreateADRule(ctx, store.ADRule{ID: "u2", TeamID: "tm1", ConnectionID: "c1", Name: "users", Priority: 1,
		ResourceGroupID: "r1", ProjectID: "p1", Body: []byte(`{}`)}))
	wantErr(t, s.CreateADRule(ctx, store.ADRule{ID: "u3", TeamID: "tm1", ConnectionID: "c1", Name: "admins", Priority: 3,
		ResourceGroupID: "r1", ProjectID: "p1", Body: []byte(`{}`)}), store.ErrConflict)
	rules, err := s.ListADRules(ctx, "tm1", "c1")
	must(t, err)
	if len(rules) != 2 || rules[0].ID != "u2" {
		t.Fatalf("rules by priority %+v", rules)
	}
	r.Priority = 1
	must(t, s.UpdateADRule(ctx, r))

	t.Run("another team cannot read it", func(t *testing.T) {
		_, err := s.GetADConnection(ctx, "tm2", "c1")
		wantErr(t, err, store.ErrNotFound)
		_, err = s.GetADAccount(ctx, "tm2", "a1")
		wantErr(t, err, store.ErrNotFound)
		_, err = s.GetADRule(ctx, "tm2", "c1", "u1")
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.UpdateADConnection(ctx, store.ADConnection{ID: "c1", TeamID: "tm2"}), store.ErrNotFound)
		wantErr(t, s.PutADAccount(ctx, store.ADAccount{ID: "a1", TeamID: "tm2", ConnectionID: "c1", Body: []byte(`{}`)}), store.ErrNotFound)
		wantErr(t, s.DeleteADAccount(ctx, "tm2", "a1"), store.ErrNotFound)
		wantErr(t, s.DeleteADRule(ctx, "tm2", "c1", "u1"), store.ErrNotFound)
		for _, f := range []store.ADAccountFilter{{}, {ConnectionID: "c1"}} {
			if l, err := s.ListADAccounts(ctx, "tm2", f, store.Page{}); err != nil || len(l) != 0 {
				t.Fatalf("tm2 sees %+v %v", l, err)
			}
		}
		if l, err := s.ListADConnections(ctx, "tm2", store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 sees %+v %v", l, err)
		}
	})
	must(t, s.DeleteADRule(ctx, "tm1", "c1", "u1"))
	must(t, s.DeleteADAccount(ctx, "tm1", "a2"))
	if l, err := s.ListADConnections(ctx, "tm1", store.Page{}); err != nil || len(l) != 1 {
		t.Fatalf("connections %+v %v", l, err)
	}
}
