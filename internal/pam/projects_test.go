package pam

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

func (f *fixture) newResourceGroup(team, name string, owners ...string) ResourceGroup {
	f.t.Helper()
	refs := make([]GroupRef, len(owners))
	for i, id := range owners {
		refs[i] = GroupRef{ID: id, Type: GroupType}
	}
	rg, err := f.svc.CreateResourceGroup(f.ctx, team, ResourceGroupInput{Name: ptr(name), Description: ptr("about " + name), AdminGroups: &refs})
	f.must(err)
	return rg
}

func TestResourceGroups(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		owners, err := f.svc.CreateGroup(f.ctx, team, "owners", nil)
		f.must(err)
		foreign := f.newTeam("other")
		_, err = f.svc.CreateResourceGroup(f.ctx, team, ResourceGroupInput{Name: ptr("prod"),
			AdminGroups: &[]GroupRef{{ID: foreign.AdminGroup.ID, Type: GroupType}}})
		f.wantFault(err, fault.Invalid, "delegated_resource_admin_groups: "+foreign.AdminGroup.ID)
		rg := f.newResourceGroup(team, "prod", owners.ID)
		if len(rg.ID) != 36 || len(rg.AdminGroups) != 1 || rg.AdminGroups[0].Name != "owners" {
			f.t.Fatalf("created %+v", rg)
		}
		_, err = f.svc.CreateResourceGroup(f.ctx, team, ResourceGroupInput{Name: ptr("prod")})
		f.wantFault(err, fault.Conflict, "prod")

		// Owning a resource group makes the group's members delegated resource admins of it only.
		u, err := f.svc.CreateUser(f.ctx, team, NewUser{Name: "ann"})
		f.must(err)
		f.must(f.svc.AddMember(f.ctx, team, "owners", "ann"))
		dev := f.newResourceGroup(team, "dev")
		ann := Principal{TeamID: team, UserID: u.ID}
		roles, err := f.svc.Roles(f.ctx, team, u.ID)
		f.must(err)
		if fmt.Sprint(roles) != "[delegated_resource_admin end_user]" {
			f.t.Fatalf("owner's roles %v", roles)
		}
		g, err := f.svc.Group(f.ctx, team, "owners")
		f.must(err)
		if fmt.Sprint(g.Roles) != "[delegated_resource_admin]" {
			f.t.Fatalf("owner group's roles %v", g.Roles)
		}
		for id, want := range map[string]bool{rg.ID: true, dev.ID: false} {
			can, err := f.svc.CanAdminResourceGroup(f.ctx, ann, id)
			f.must(err)
			if can != want {
				f.t.Fatalf("ann administers %s: %v, want %v", id, can, want)
			}
		}
		admin := Principal{TeamID: team, UserID: f.team.ServiceUser.ID}
		if can, err := f.svc.CanAdminResourceGroup(f.ctx, admin, dev.ID); err != nil || !can {
			f.t.Fatalf("a resource admin cannot administer dev: %v %v", can, err)
		}
		seen, err := f.svc.ListResourceGroupsFor(f.ctx, ann, store.Page{})
		f.must(err)
		if len(seen) != 1 || seen[0].ID != rg.ID {
			f.t.Fatalf("ann sees %+v", seen)
		}
		seen, err = f.svc.ListResourceGroupsFor(f.ctx, admin, store.Page{})
		f.must(err)
		if len(seen) != 2 {
			f.t.Fatalf("a resource admin sees %+v", seen)
		}
		owned, err := f.svc.AdministeredResourceGroups(f.ctx, ann)
		f.must(err)
		if fmt.Sprint(owned) != fmt.Sprint([]string{rg.ID}) {
			f.t.Fatalf("ann administers %v", owned)
		}
		_, err = f.svc.CanAdminResourceGroup(f.ctx, Principal{TeamID: foreign.Team.ID, UserID: foreign.ServiceUser.ID}, rg.ID)
		f.wantFault(err, fault.NotFound, rg.ID)

		// A merging update: the description alone changes; then the owners are cleared.
		updated, err := f.svc.UpdateResourceGroup(f.ctx, team, rg.ID, ResourceGroupInput{Description: ptr("")})
		f.must(err)
		if updated.Name != "prod" || updated.Description != "" || len(updated.AdminGroupIDs) != 1 {
			f.t.Fatalf("after update %+v", updated)
		}
		_, err = f.svc.UpdateResourceGroup(f.ctx, team, rg.ID, ResourceGroupInput{AdminGroups: &[]GroupRef{}})
		f.must(err)
		if can, _ := f.svc.CanAdminResourceGroup(f.ctx, ann, rg.ID); can {
			f.t.Fatal("ann still administers prod after its group stopped owning it")
		}
		_, err = f.svc.UpdateResourceGroup(f.ctx, team, rg.ID, ResourceGroupInput{Name: ptr("dev")})
		f.wantFault(err, fault.Conflict, "dev")

		list, err := f.svc.ListResourceGroups(f.ctx, team, store.Page{Limit: 1})
		f.must(err)
		if len(list) != 1 || list[0].Name != "dev" {
			f.t.Fatalf("first page %+v", list)
		}
		list, err = f.svc.ListResourceGroups(f.ctx, foreign.Team.ID, store.Page{})
		f.must(err)
		if len(list) != 0 {
			f.t.Fatalf("another team lists %+v", list)
		}
		_, err = f.svc.ResourceGroup(f.ctx, foreign.Team.ID, rg.ID)
		f.wantFault(err, fault.NotFound, rg.ID)
		f.wantFault(f.svc.DeleteResourceGroup(f.ctx, foreign.Team.ID, rg.ID), fault.NotFound, rg.ID)

		// A resource group holding projects cannot be deleted.
		p, err := f.svc.CreateProject(f.ctx, team, rg.ID, ProjectInput{Name: ptr("web")})
		f.must(err)
		f.wantFault(f.svc.DeleteResourceGroup(f.ctx, team, rg.ID), fault.Conflict, "projects")
		f.must(f.svc.DeleteProject(f.ctx, team, rg.ID, p.ID))
		f.must(f.svc.DeleteResourceGroup(f.ctx, team, rg.ID))
		_, err = f.svc.ResourceGroup(f.ctx, team, rg.ID)
		f.wantFault(err, fault.NotFound, rg.ID)
	})
}

func TestProjects(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		rg := f.newResourceGroup(team, "prod")
		p, err := f.svc.CreateProject(f.ctx, team, rg.ID, ProjectInput{Name: ptr("web"), GatewaySelector: ptr("REGION=WEST-EU"),
			RequirePreauthForCreds: ptr(true), SharedAdminUserName: ptr("Server.Admin")})
		f.must(err)
		if len(p.ID) != 36 || p.ResourceGroupID != rg.ID || p.TeamID != team || p.SSHCertificateType != DefaultSSHCertificateType ||
			p.NextUnixUID != 60001 || p.NextUnixGID != 63001 || !p.RequirePreauthForCreds || p.ActiveResourceCount != 0 {
			f.t.Fatalf("created %+v", p)
		}

		// Invalid input stores nothing.
		for _, in := range []ProjectInput{
			{Name: ptr("bad name")}, {Name: ptr("x"), NextUnixUID: ptr(70000)}, {Name: ptr("x"), SSHCertificateType: ptr("DSA")},
		} {
			_, err := f.svc.CreateProject(f.ctx, team, rg.ID, in)
			f.wantFault(err, fault.Invalid, "")
		}
		_, err = f.svc.CreateProject(f.ctx, team, rg.ID, ProjectInput{Name: ptr("web")})
		f.wantFault(err, fault.Conflict, "web")
		_, err = f.svc.CreateProject(f.ctx, team, "no-such-group", ProjectInput{Name: ptr("x")})
		f.wantFault(err, fault.NotFound, "no-such-group")
		list, err := f.svc.ListProjects(f.ctx, team, rg.ID, store.Page{})
		f.must(err)
		if len(list) != 1 {
			f.t.Fatalf("after refused creates: %+v", list)
		}

		// A PUT sending only gateway_selector keeps every other field.
		got, err := f.svc.UpdateProject(f.ctx, team, rg.ID, p.ID, ProjectInput{GatewaySelector: ptr("TEAM=MARKETING")})
		f.must(err)
		want := p.Project
		want.GatewaySelector = "TEAM=MARKETING"
		stored, err := f.svc.Project(f.ctx, team, rg.ID, p.ID)
		f.must(err)
		if !reflect.DeepEqual(got.Project, want) || !reflect.DeepEqual(stored.Project, want) {
			f.t.Fatalf("after update %+v, stored %+v", got, stored)
		}
		// Fields sent as false or "" are set.
		_, err = f.svc.UpdateProject(f.ctx, team, rg.ID, p.ID, ProjectInput{RequirePreauthForCreds: ptr(false), SharedAdminUserName: ptr("")})
		f.must(err)
		stored, err = f.svc.Project(f.ctx, team, rg.ID, p.ID)
		f.must(err)
		if stored.RequirePreauthForCreds || stored.SharedAdminUserName != "" || stored.GatewaySelector != "TEAM=MARKETING" {
			f.t.Fatalf("after clearing %+v", stored)
		}
		_, err = f.svc.UpdateProject(f.ctx, team, rg.ID, p.ID, ProjectInput{NextUnixGID: ptr(99)})
		f.wantFault(err, fault.Invalid, "next_unix_gid")

		// Another team, or another resource group, cannot reach it.
		other := f.newTeam("other").Team.ID
		_, err = f.svc.Project(f.ctx, other, rg.ID, p.ID)
		f.wantFault(err, fault.NotFound, p.ID)
		_, err = f.svc.ListProjects(f.ctx, other, rg.ID, store.Page{})
		f.wantFault(err, fault.NotFound, rg.ID)
		dev := f.newResourceGroup(team, "dev")
		_, err = f.svc.UpdateProject(f.ctx, team, dev.ID, p.ID, ProjectInput{})
		f.wantFault(err, fault.NotFound, p.ID)
		f.wantFault(f.svc.DeleteProject(f.ctx, other, rg.ID, p.ID), fault.NotFound, p.ID)

		// Paging by name, with the filter.
		for i := 0; i < 5; i++ {
			_, err := f.svc.CreateProject(f.ctx, team, rg.ID, ProjectInput{Name: ptr(fmt.Sprintf("p%d", i))})
			f.must(err)
		}
		page, err := f.svc.ListProjects(f.ctx, team, rg.ID, store.Page{After: "p1", Limit: 2})
		f.must(err)
		if len(page) != 2 || page[0].Name != "p2" || page[1].Name != "p3" {
			f.t.Fatalf("page %+v", page)
		}
		page, err = f.svc.ListProjects(f.ctx, team, rg.ID, store.Page{Contains: "WE"})
		f.must(err)
		if len(page) != 1 || page[0].ID != p.ID {
			f.t.Fatalf("contains WE %+v", page)
		}

		f.must(f.svc.DeleteProject(f.ctx, team, rg.ID, p.ID))
		_, err = f.svc.Project(f.ctx, team, rg.ID, p.ID)
		f.wantFault(err, fault.NotFound, p.ID)
		// Its name is free again.
		_, err = f.svc.CreateProject(f.ctx, team, rg.ID, ProjectInput{Name: ptr("web")})
		f.must(err)
	})
}
