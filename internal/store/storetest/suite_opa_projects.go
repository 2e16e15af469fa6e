package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func seedProject(t *testing.T, s store.Store, rg store.ResourceGroup, id, name string) store.Project {
	t.Helper()
	p := store.Project{ID: id, TeamID: rg.TeamID, ResourceGroupID: rg.ID, Name: name, SSHCertificateType: "CERT_TYPE_ED25519_01",
		NextUnixUID: 60001, NextUnixGID: 63001, CreatedAt: t0}
	must(t, s.CreateProject(context.Background(), p))
	return p
}

func testProjects(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	rg := seedResourceGroup(t, s, "tm1", "r1", "prod")
	other := seedResourceGroup(t, s, "tm1", "r2", "dev")
	foreign := seedResourceGroup(t, s, "tm2", "r3", "prod")
	for i := 0; i < 5; i++ {
		seedProject(t, s, rg, fmt.Sprintf("p%d", i), fmt.Sprintf("proj-%d", 4-i))
	}
	seedProject(t, s, other, "q1", "proj-0") // same name, another resource group
	seedProject(t, s, foreign, "x1", "proj-9")
	wantErr(t, s.CreateProject(ctx, store.Project{ID: "p9", TeamID: "tm1", ResourceGroupID: "r1", Name: "proj-1"}), store.ErrConflict)

	persistent, onDemand := false, int64(3600)
	p, err := s.GetProject(ctx, "tm1", "r1", "p0")
	must(t, err)
	if p.Name != "proj-4" || p.NextUnixUID != 60001 || p.PersistentServerUserAccounts != nil || p.UserOnDemandPeriod != nil {
		t.Fatalf("got %+v", p)
	}
	p.GatewaySelector, p.ForceSharedSSHUsers, p.RequirePreauthForCreds = "REGION=WEST-EU,TEAM=MARKETING", true, true
	p.CreateServerUsers, p.ServerAccountManagement, p.PersistentServerUserAccounts = true, true, &persistent
	p.SharedAdminUserName, p.SharedStandardUserName, p.UserOnDemandPeriod = "Server.Admin", "Server.User", &onDemand
	p.SSHCertificateType, p.NextUnixUID, p.NextUnixGID = "CERT_TYPE_RSA_01", 100, 65535
	must(t, s.UpdateProject(ctx, p))
	got, err := s.GetProject(ctx, "tm1", "r1", "p0")
	must(t, err)
	if got.GatewaySelector != p.GatewaySelector || !got.ForceSharedSSHUsers || !got.RequirePreauthForCreds || !got.CreateServerUsers ||
		!got.ServerAccountManagement || got.PersistentServerUserAccounts == nil || *got.PersistentServerUserAccounts ||
		got.UserOnDemandPeriod == nil || *got.UserOnDemandPeriod != 3600 || got.SharedAdminUserName != "Server.Admin" ||
		got.SharedStandardUserName != "Server.User" || got.SSHCertificateType != "CERT_TYPE_RSA_01" || got.NextUnixGID != 65535 ||
		got.NextUnixUID != 100 || !got.CreatedAt.Equal(t0) {
		t.Fatalf("after update %+v", got)
	}

	page, err := s.ListProjects(ctx, "tm1", "r1", store.Page{After: "proj-1", Limit: 2})
	must(t, err)
	if len(page) != 2 || page[0].Name != "proj-2" || page[1].Name != "proj-3" {
		t.Fatalf("page %+v", page)
	}
	page, err = s.ListProjects(ctx, "tm1", "r1", store.Page{Contains: "-4"})
	must(t, err)
	if len(page) != 1 || page[0].ID != "p0" {
		t.Fatalf("contains %+v", page)
	}

	// Another team, or another resource group, cannot reach it.
	_, err = s.GetProject(ctx, "tm2", "r1", "p0")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetProject(ctx, "tm1", "r2", "p0")
	wantErr(t, err, store.ErrNotFound)
	page, err = s.ListProjects(ctx, "tm2", "r1", store.Page{})
	must(t, err)
	if len(page) != 0 {
		t.Fatalf("another team lists %d projects", len(page))
	}
	stolen := p
	stolen.TeamID = "tm2"
	wantErr(t, s.UpdateProject(ctx, stolen), store.ErrNotFound)
	wantErr(t, s.DeleteProject(ctx, "tm2", "r1", "p0"), store.ErrNotFound)

	must(t, s.DeleteProject(ctx, "tm1", "r1", "p0"))
	_, err = s.GetProject(ctx, "tm1", "r1", "p0")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteProject(ctx, "tm1", "r1", "p0"), store.ErrNotFound)
}
