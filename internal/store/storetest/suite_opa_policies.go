package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testProjectSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	rg := seedResourceGroup(t, s, "tm1", "r1", "prod")
	seedProject(t, s, rg, "p1", "web")
	_, err := s.GetProjectSettings(ctx, "tm1", "p1", "server_checkout")
	wantErr(t, err, store.ErrNotFound)

	put := store.ProjectSettings{TeamID: "tm1", ProjectID: "p1", Kind: "server_checkout", Body: []byte(`{"a":1}`), ModifiedAt: t0}
	must(t, s.PutProjectSettings(ctx, put))
	put.Body, put.ModifiedAt = []byte(`{"a":2}`), t0.Add(time.Hour)
	must(t, s.PutProjectSettings(ctx, put))
	must(t, s.PutProjectSettings(ctx, store.ProjectSettings{TeamID: "tm1", ProjectID: "p1", Kind: "server_password", Body: []byte(`{}`), ModifiedAt: t0}))
	got, err := s.GetProjectSettings(ctx, "tm1", "p1", "server_checkout")
	must(t, err)
	if string(got.Body) != `{"a":2}` || !got.ModifiedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("got %+v", got)
	}

	// Another team can neither read nor overwrite it.
	_, err = s.GetProjectSettings(ctx, "tm2", "p1", "server_checkout")
	wantErr(t, err, store.ErrNotFound)
	seedTeams(t, s, "tm3")
	wantErr(t, s.PutProjectSettings(ctx, store.ProjectSettings{TeamID: "tm2", ProjectID: "p1", Kind: "server_checkout", Body: []byte(`{}`)}), store.ErrNotFound)
	got, err = s.GetProjectSettings(ctx, "tm1", "p1", "server_checkout")
	must(t, err)
	if string(got.Body) != `{"a":2}` {
		t.Fatalf("overwritten by another team: %s", got.Body)
	}

	// The settings go with their project.
	must(t, s.DeleteProject(ctx, "tm1", "r1", "p1"))
	_, err = s.GetProjectSettings(ctx, "tm1", "p1", "server_password")
	wantErr(t, err, store.ErrNotFound)
}

func testSecurityPolicies(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	seedResourceGroup(t, s, "tm1", "r1", "prod")
	seedResourceGroup(t, s, "tm2", "r2", "prod")
	seedGroup(t, s, "tm1", "g1", "ops")
	seedGroup(t, s, "tm1", "g2", "dev")
	seedGroup(t, s, "tm2", "g3", "ops")
	pol := func(team, id, name, rg string, groups ...string) store.SecurityPolicy {
		return store.SecurityPolicy{ID: id, TeamID: team, Name: name, Description: "about " + name, Active: true,
			ResourceGroupID: rg, GroupIDs: groups, Body: []byte(`{"rules":[]}`), CreatedAt: t0}
	}
	must(t, s.CreateSecurityPolicy(ctx, pol("tm1", "sp1", "alpha", "r1", "g1", "g2")))
	must(t, s.CreateSecurityPolicy(ctx, pol("tm1", "sp2", "beta", "r1", "g2")))
	must(t, s.CreateSecurityPolicy(ctx, pol("tm1", "sp3", "gamma", "r1")))
	must(t, s.CreateSecurityPolicy(ctx, pol("tm2", "sp9", "alpha", "r2", "g3")))
	wantErr(t, s.CreateSecurityPolicy(ctx, pol("tm1", "sp4", "beta", "r1")), store.ErrConflict)

	got, err := s.GetSecurityPolicy(ctx, "tm1", "sp1")
	must(t, err)
	if got.Name != "alpha" || !got.Active || got.ResourceGroupID != "r1" || !slices.Equal(got.GroupIDs, []string{"g1", "g2"}) ||
		string(got.Body) != `{"rules":[]}` || !got.CreatedAt.Equal(t0) {
		t.Fatalf("got %+v", got)
	}
	page, err := s.ListSecurityPolicies(ctx, "tm1", store.Page{After: "alpha", Limit: 1})
	must(t, err)
	if len(page) != 1 || page[0].ID != "sp2" || !slices.Equal(page[0].GroupIDs, []string{"g2"}) {
		t.Fatalf("page %+v", page)
	}
	page, err = s.ListSecurityPolicies(ctx, "tm1", store.Page{Contains: "ABOUT GAM"})
	must(t, err)
	if len(page) != 1 || page[0].ID != "sp3" {
		t.Fatalf("contains matches the description: %+v", page)
	}
	of, err := s.ListSecurityPoliciesOfGroups(ctx, "tm1", []string{"g2"})
	must(t, err)
	if len(of) != 2 || of[0].ID != "sp1" || of[1].ID != "sp2" {
		t.Fatalf("policies of g2: %+v", of)
	}

	got.Name, got.Active, got.GroupIDs, got.Body = "alpha2", false, []string{"g1"}, []byte(`{"rules":[1]}`)
	must(t, s.UpdateSecurityPolicy(ctx, got))
	again, err := s.GetSecurityPolicy(ctx, "tm1", "sp1")
	must(t, err)
	if again.Name != "alpha2" || again.Active || !slices.Equal(again.GroupIDs, []string{"g1"}) || string(again.Body) != `{"rules":[1]}` {
		t.Fatalf("after update %+v", again)
	}
	got.Name = "beta"
	wantErr(t, s.UpdateSecurityPolicy(ctx, got), store.ErrConflict)

	// Another team cannot read, change or delete it, nor find it through its groups.
	_, err = s.GetSecurityPolicy(ctx, "tm2", "sp1")
	wantErr(t, err, store.ErrNotFound)
	foreign := pol("tm2", "sp1", "x", "r2")
	wantErr(t, s.UpdateSecurityPolicy(ctx, foreign), store.ErrNotFound)
	wantErr(t, s.DeleteSecurityPolicy(ctx, "tm2", "sp1"), store.ErrNotFound)
	of, err = s.ListSecurityPoliciesOfGroups(ctx, "tm2", []string{"g1", "g2"})
	must(t, err)
	if len(of) != 0 {
		t.Fatalf("another team's policies: %+v", of)
	}
	list, err := s.ListSecurityPolicies(ctx, "tm2", store.Page{})
	must(t, err)
	if len(list) != 1 || list[0].ID != "sp9" {
		t.Fatalf("tm2 list %+v", list)
	}

	must(t, s.DeleteSecurityPolicy(ctx, "tm1", "sp1"))
	_, err = s.GetSecurityPolicy(ctx, "tm1", "sp1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteSecurityPolicy(ctx, "tm1", "sp1"), store.ErrNotFound)
}
