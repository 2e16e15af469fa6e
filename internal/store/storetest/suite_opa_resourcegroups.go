package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func seedResourceGroup(t *testing.T, s store.Store, team, id, name string, admins ...string) store.ResourceGroup {
	t.Helper()
	rg := store.ResourceGroup{ID: id, TeamID: team, Name: name, Description: "about " + name, AdminGroupIDs: admins, CreatedAt: t0}
	must(t, s.CreateResourceGroup(context.Background(), rg))
	return rg
}

func rgNames(rgs []store.ResourceGroup) string {
	return joined(rgs, func(rg store.ResourceGroup) string { return rg.Name })
}

func testResourceGroups(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	seedGroup(t, s, "tm1", "g1", "owners")
	seedGroup(t, s, "tm1", "g2", "others")
	rg := seedResourceGroup(t, s, "tm1", "r2", "prod", "g2", "g1")
	seedResourceGroup(t, s, "tm1", "r1", "dev")
	seedResourceGroup(t, s, "tm1", "r3", "staging", "g2")
	seedResourceGroup(t, s, "tm2", "r4", "prod") // same name, another team
	wantErr(t, s.CreateResourceGroup(ctx, store.ResourceGroup{ID: "r5", TeamID: "tm1", Name: "dev"}), store.ErrConflict)

	got, err := s.GetResourceGroup(ctx, "tm1", "r2")
	must(t, err)
	if got.Name != "prod" || got.Description != "about prod" || strings.Join(got.AdminGroupIDs, ",") != "g1,g2" {
		t.Fatalf("got %+v", got)
	}
	list, err := s.ListResourceGroups(ctx, "tm1", store.Page{Limit: 2})
	must(t, err)
	if rgNames(list) != "dev,prod" || len(list[1].AdminGroupIDs) != 2 {
		t.Fatalf("by name %s %+v", rgNames(list), list)
	}
	list, err = s.ListResourceGroups(ctx, "tm1", store.Page{OrderByID: true, Descending: true, After: "r3"})
	must(t, err)
	if rgNames(list) != "prod,dev" {
		t.Fatalf("by id, descending %s", rgNames(list))
	}
	list, err = s.ListResourceGroups(ctx, "tm1", store.Page{Contains: "ST"})
	must(t, err)
	if rgNames(list) != "staging" {
		t.Fatalf("contains %s", rgNames(list))
	}
	list, err = s.ListResourceGroups(ctx, "tm1", store.Page{IDs: []string{"r3", "r1", "r4"}})
	must(t, err)
	if rgNames(list) != "dev,staging" {
		t.Fatalf("by ids %s", rgNames(list))
	}
	list, err = s.ListResourceGroups(ctx, "tm1", store.Page{IDs: []string{}})
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("no ids: %s", rgNames(list))
	}
	owned, err := s.ListResourceGroupIDsOwnedBy(ctx, "tm1", []string{"g2"})
	must(t, err)
	if strings.Join(owned, ",") != "r2,r3" {
		t.Fatalf("owned by g2: %v", owned)
	}
	admins, err := s.ListOPAAdminGroupIDs(ctx, "tm1", []string{"g1", "g2", "g9"})
	must(t, err)
	if strings.Join(admins, ",") != "g1,g2" {
		t.Fatalf("admin groups %v", admins)
	}

	rg.Name, rg.Description, rg.AdminGroupIDs = "production", "", []string{"g1"}
	must(t, s.UpdateResourceGroup(ctx, rg))
	got, err = s.GetResourceGroup(ctx, "tm1", "r2")
	must(t, err)
	if got.Name != "production" || got.Description != "" || strings.Join(got.AdminGroupIDs, ",") != "g1" {
		t.Fatalf("after update %+v", got)
	}
	// Delegated security admin groups are kept apart from the owners and survive an update.
	must(t, s.SetResourceGroupSecurityAdmins(ctx, "tm1", "r2", []string{"g2", "g1"}))
	must(t, s.SetResourceGroupSecurityAdmins(ctx, "tm1", "r3", []string{"g2"}))
	wantErr(t, s.SetResourceGroupSecurityAdmins(ctx, "tm2", "r2", []string{"g1"}), store.ErrNotFound)
	must(t, s.UpdateResourceGroup(ctx, rg))
	got, err = s.GetResourceGroup(ctx, "tm1", "r2")
	must(t, err)
	if strings.Join(got.SecurityAdminGroupIDs, ",") != "g1,g2" || strings.Join(got.AdminGroupIDs, ",") != "g1" {
		t.Fatalf("security admins %+v", got)
	}
	secured, err := s.ListResourceGroupIDsSecuredBy(ctx, "tm1", []string{"g2", "g9"})
	must(t, err)
	if strings.Join(secured, ",") != "r2,r3" {
		t.Fatalf("secured by g2: %v", secured)
	}
	must(t, s.SetResourceGroupSecurityAdmins(ctx, "tm1", "r3", nil))
	if secured, err = s.ListResourceGroupIDsSecuredBy(ctx, "tm2", []string{"g2"}); err != nil || len(secured) != 0 {
		t.Fatalf("another team: %v %v", secured, err)
	}
	// Deleting a group drops it from the resource groups it owned.
	must(t, s.DeleteOPAGroup(ctx, "tm1", "g1"))
	got, err = s.GetResourceGroup(ctx, "tm1", "r2")
	must(t, err)
	if len(got.AdminGroupIDs) != 0 || strings.Join(got.SecurityAdminGroupIDs, ",") != "g2" {
		t.Fatalf("deleted group still owns: %+v", got)
	}

	// Another team cannot read, change or delete it.
	_, err = s.GetResourceGroup(ctx, "tm2", "r2")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.UpdateResourceGroup(ctx, store.ResourceGroup{ID: "r2", TeamID: "tm2", Name: "stolen"}), store.ErrNotFound)
	wantErr(t, s.DeleteResourceGroup(ctx, "tm2", "r2"), store.ErrNotFound)
	list, err = s.ListResourceGroups(ctx, "tm2", store.Page{})
	must(t, err)
	if rgNames(list) != "prod" {
		t.Fatalf("other team lists %s", rgNames(list))
	}

	p := seedProject(t, s, got, "p1", "web")
	wantErr(t, s.DeleteResourceGroup(ctx, "tm1", "r2"), store.ErrConflict)
	must(t, s.DeleteProject(ctx, "tm1", "r2", p.ID))
	must(t, s.DeleteResourceGroup(ctx, "tm1", "r2"))
	_, err = s.GetResourceGroup(ctx, "tm1", "r2")
	wantErr(t, err, store.ErrNotFound)
}
