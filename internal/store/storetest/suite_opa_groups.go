package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func seedGroup(t *testing.T, s store.Store, team, id, name string, roles ...string) store.OPAGroup {
	t.Helper()
	g := store.OPAGroup{ID: id, TeamID: team, Name: name, Roles: roles, CreatedAt: t0}
	must(t, s.CreateOPAGroup(context.Background(), g))
	return g
}

func groupNames(gs []store.OPAGroup) string {
	return joined(gs, func(g store.OPAGroup) string { return g.Name })
}

func testOPAGroups(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	alice := seedUser(t, s, "tm1", "u1", "alice", store.UserHuman)
	bob := seedUser(t, s, "tm1", "u2", "bob", store.UserHuman)
	mallory := seedUser(t, s, "tm2", "u3", "mallory", store.UserHuman)
	admins := seedGroup(t, s, "tm1", "g1", "admins", "pam_admin", "resource_admin")
	ops := seedGroup(t, s, "tm1", "g2", "ops", "security_admin")
	foreign := seedGroup(t, s, "tm2", "g3", "admins", "pam_admin")
	wantErr(t, s.CreateOPAGroup(ctx, store.OPAGroup{ID: "g4", TeamID: "tm1", Name: "ops"}), store.ErrConflict)

	got, err := s.GetOPAGroupByName(ctx, "tm1", "admins")
	must(t, err)
	if got.ID != "g1" || strings.Join(got.Roles, ",") != "pam_admin,resource_admin" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("got %+v", got)
	}
	must(t, s.UpdateOPAGroupRoles(ctx, "tm1", ops.ID, []string{"end_user"}))
	got, err = s.GetOPAGroupByName(ctx, "tm1", "ops")
	must(t, err)
	if strings.Join(got.Roles, ",") != "end_user" {
		t.Fatalf("roles after update %v", got.Roles)
	}

	must(t, s.AddOPAGroupMember(ctx, "tm1", admins.ID, alice.ID))
	must(t, s.AddOPAGroupMember(ctx, "tm1", admins.ID, alice.ID)) // idempotent
	must(t, s.AddOPAGroupMember(ctx, "tm1", admins.ID, bob.ID))
	must(t, s.AddOPAGroupMember(ctx, "tm1", ops.ID, alice.ID))
	// Members and groups of another team are out of reach.
	wantErr(t, s.AddOPAGroupMember(ctx, "tm1", admins.ID, mallory.ID), store.ErrNotFound)
	wantErr(t, s.AddOPAGroupMember(ctx, "tm2", foreign.ID, alice.ID), store.ErrNotFound)
	wantErr(t, s.AddOPAGroupMember(ctx, "tm2", admins.ID, mallory.ID), store.ErrNotFound)

	members, err := s.ListOPAGroupMembers(ctx, "tm1", admins.ID, store.Page{Descending: true})
	must(t, err)
	if got := userNames(members); got != "bob,alice" {
		t.Fatalf("members %s", got)
	}
	groups, err := s.ListOPAUserGroups(ctx, "tm1", alice.ID, store.Page{})
	must(t, err)
	if got := groupNames(groups); got != "admins,ops" {
		t.Fatalf("alice's groups %s", got)
	}
	groups, err = s.ListOPAUserGroups(ctx, "tm2", alice.ID, store.Page{})
	must(t, err)
	if len(groups) != 0 {
		t.Fatalf("another team sees alice's groups: %s", groupNames(groups))
	}
	wantErr(t, s.RemoveOPAGroupMember(ctx, "tm2", admins.ID, alice.ID), store.ErrNotFound)
	must(t, s.RemoveOPAGroupMember(ctx, "tm1", admins.ID, alice.ID))
	wantErr(t, s.RemoveOPAGroupMember(ctx, "tm1", admins.ID, alice.ID), store.ErrNotFound)

	byID, err := s.ListOPAGroupsByID(ctx, "tm1", []string{"g3", "g2", "g1", "nope"})
	must(t, err)
	if got := groupNames(byID); got != "admins,ops" {
		t.Fatalf("by id %s", got)
	}
	page, err := s.ListOPAGroups(ctx, "tm1", store.Page{After: "admins", Limit: 5})
	must(t, err)
	if got := groupNames(page); got != "ops" {
		t.Fatalf("after admins %s", got)
	}

	// Another team can neither read, change nor delete the group.
	_, err = s.GetOPAGroupByName(ctx, "tm2", "ops")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.UpdateOPAGroupRoles(ctx, "tm2", ops.ID, nil), store.ErrNotFound)
	wantErr(t, s.DeleteOPAGroup(ctx, "tm2", ops.ID), store.ErrNotFound)

	must(t, s.DeleteOPAGroup(ctx, "tm1", ops.ID))
	groups, err = s.ListOPAUserGroups(ctx, "tm1", alice.ID, store.Page{})
	must(t, err)
	if len(groups) != 0 {
		t.Fatalf("a deleted group keeps its members: %s", groupNames(groups))
	}
}
