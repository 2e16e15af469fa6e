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
