package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func seedTeams(t *testing.T, s store.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		must(t, s.CreateTeam(context.Background(), store.Team{ID: id, Name: "team " + id, CreatedAt: t0}))
	}
}

func seedUser(t *testing.T, s store.Store, team, id, name, typ string) store.OPAUser {
	t.Helper()
	u := store.OPAUser{ID: id, TeamID: team, Name: name, Type: typ, Status: store.UserActive, Email: name + "@example.com",
		FirstName: "First", LastName: "Last", CreatedAt: t0}
	must(t, s.CreateOPAUser(context.Background(), u))
	return u
}

func seedGroup(t *testing.T, s store.Store, team, id, name string, roles ...string) store.OPAGroup {
	t.Helper()
	g := store.OPAGroup{ID: id, TeamID: team, Name: name, Roles: roles, CreatedAt: t0}
	must(t, s.CreateOPAGroup(context.Background(), g))
	return g
}

// joined lists the names of items, comma-separated.
func joined[T any](items []T, name func(T) string) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = name(it)
	}
	return strings.Join(names, ",")
}

func userNames(us []store.OPAUser) string {
	return joined(us, func(u store.OPAUser) string { return u.Name })
}
func groupNames(gs []store.OPAGroup) string {
	return joined(gs, func(g store.OPAGroup) string { return g.Name })
}

func testOPAUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	for i, n := range []string{"carol", "alice", "bob", "dave"} {
		seedUser(t, s, "tm1", "u"+string(rune('1'+i)), n, store.UserHuman)
	}
	seedUser(t, s, "tm1", "s1", "robot", store.UserService)
	seedUser(t, s, "tm2", "x1", "alice", store.UserHuman) // same name, another team
	wantErr(t, s.CreateOPAUser(ctx, store.OPAUser{ID: "u9", TeamID: "tm1", Name: "alice", Type: store.UserHuman, Status: store.UserActive}), store.ErrConflict)

	page, err := s.ListOPAUsers(ctx, "tm1", store.UserHuman, store.Page{Limit: 3})
	must(t, err)
	if got := userNames(page); got != "alice,bob,carol" {
		t.Fatalf("first page %s", got)
	}
	page, err = s.ListOPAUsers(ctx, "tm1", store.UserHuman, store.Page{After: "carol", Limit: 3})
	must(t, err)
	if got := userNames(page); got != "dave" {
		t.Fatalf("second page %s", got)
	}
	page, err = s.ListOPAUsers(ctx, "tm1", "", store.Page{After: "carol", Descending: true})
	must(t, err)
	if got := userNames(page); got != "bob,alice" {
		t.Fatalf("backwards %s", got)
	}
	page, err = s.ListOPAUsers(ctx, "tm1", "", store.Page{Contains: "O"})
	must(t, err)
	if got := userNames(page); got != "bob,carol,robot" {
		t.Fatalf("contains o: %s", got)
	}
	page, err = s.ListOPAUsers(ctx, "tm1", "", store.Page{Contains: "%"})
	must(t, err)
	if len(page) != 0 {
		t.Fatalf("%% matched literally nothing, got %s", userNames(page))
	}
	page, err = s.ListOPAUsers(ctx, "tm1", store.UserService, store.Page{})
	must(t, err)
	if got := userNames(page); got != "robot" {
		t.Fatalf("service users %s", got)
	}

	u, err := s.GetOPAUserByName(ctx, "tm1", "alice")
	must(t, err)
	u.Status, u.DeletedAt, u.Email = store.UserDeleted, t0.Add(time.Hour), "new@example.com"
	must(t, s.UpdateOPAUser(ctx, u))
	got, err := s.GetOPAUser(ctx, "tm1", u.ID)
	must(t, err)
	if got != u {
		t.Fatalf("got %+v, want %+v", got, u)
	}
	// Another team cannot read or change it.
	_, err = s.GetOPAUser(ctx, "tm2", u.ID)
	wantErr(t, err, store.ErrNotFound)
	u.TeamID = "tm2"
	wantErr(t, s.UpdateOPAUser(ctx, u), store.ErrNotFound)
	page, err = s.ListOPAUsers(ctx, "tm2", "", store.Page{})
	must(t, err)
	if got := userNames(page); got != "alice" || page[0].ID != "x1" {
		t.Fatalf("other team lists %s", got)
	}
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

func testOPAKeysAndTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	robot := seedUser(t, s, "tm1", "s1", "robot", store.UserService)
	alice := seedUser(t, s, "tm1", "u1", "alice", store.UserHuman)
	for _, id := range []string{"k2", "k1", "k3"} {
		must(t, s.CreateOPAKey(ctx, store.OPAKey{ID: id, TeamID: "tm1", UserID: robot.ID, SecretHash: "h" + id, IssuedAt: t0}))
	}
	keys, err := s.ListOPAKeys(ctx, "tm1", robot.ID, store.Page{After: "k1", Limit: 1})
	must(t, err)
	if len(keys) != 1 || keys[0].ID != "k2" || keys[0].SecretHash != "hk2" || !keys[0].IssuedAt.Equal(t0) {
		t.Fatalf("keys %+v", keys)
	}
	// The bootstrap-era lookup finds the key, with its user's name.
	legacy, err := s.GetServiceUserKey(ctx, "tm1", "k1")
	must(t, err)
	if legacy.UserName != "robot" || legacy.SecretHash != "hk1" {
		t.Fatalf("legacy view %+v", legacy)
	}
	_, err = s.GetOPAKey(ctx, "tm2", "k1")
	wantErr(t, err, store.ErrNotFound)
	keys, err = s.ListOPAKeys(ctx, "tm2", robot.ID, store.Page{})
	must(t, err)
	if len(keys) != 0 {
		t.Fatalf("another team lists %d keys", len(keys))
	}

	for _, h := range []string{"t1", "t2"} {
		must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: h, TeamID: "tm1", KeyID: "k1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	}
	must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: "t3", TeamID: "tm1", KeyID: "k2", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	u, err := s.GetOPAUserByServiceToken(ctx, "t1", t0)
	must(t, err)
	if u.ID != robot.ID {
		t.Fatalf("token resolves to %+v", u)
	}
	_, err = s.GetOPAUserByServiceToken(ctx, "t1", t0.Add(time.Hour))
	wantErr(t, err, store.ErrNotFound)

	wantErr(t, s.DeleteOPAKey(ctx, "tm2", robot.ID, "k1"), store.ErrNotFound)
	must(t, s.DeleteOPAKey(ctx, "tm1", robot.ID, "k1"))
	for _, h := range []string{"t1", "t2"} {
		_, err = s.GetOPAUserByServiceToken(ctx, h, t0)
		wantErr(t, err, store.ErrNotFound)
	}
	_, err = s.GetOPAUserByServiceToken(ctx, "t3", t0)
	must(t, err)
	must(t, s.DeleteOPAUserServiceTokens(ctx, "tm1", robot.ID))
	_, err = s.GetOPAUserByServiceToken(ctx, "t3", t0)
	wantErr(t, err, store.ErrNotFound)

	must(t, s.CreateUserToken(ctx, store.UserToken{Hash: "ut1", TeamID: "tm1", UserID: alice.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	got, err := s.GetOPAUserByUserToken(ctx, "ut1", t0.Add(time.Minute))
	must(t, err)
	if got.ID != alice.ID {
		t.Fatalf("user token resolves to %+v", got)
	}
	_, err = s.GetOPAUserByUserToken(ctx, "ut1", t0.Add(time.Hour))
	wantErr(t, err, store.ErrNotFound)
	// Minting later forgets the expired token.
	must(t, s.CreateUserToken(ctx, store.UserToken{Hash: "ut2", TeamID: "tm1", UserID: alice.ID, CreatedAt: t0.Add(2 * time.Hour), ExpiresAt: t0.Add(3 * time.Hour)}))
	_, err = s.GetOPAUserByUserToken(ctx, "ut1", t0)
	wantErr(t, err, store.ErrNotFound)
}
