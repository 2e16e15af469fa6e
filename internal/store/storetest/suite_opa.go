package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testTeamsAndKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	must(t, s.CreateTeam(ctx, store.Team{ID: "tm1", Name: "acme", CreatedAt: t0}))
	wantErr(t, s.CreateTeam(ctx, store.Team{ID: "tm2", Name: "acme", CreatedAt: t0}), store.ErrConflict)
	team, err := s.GetTeamByName(ctx, "acme")
	must(t, err)
	if team.ID != "tm1" {
		t.Fatalf("got %+v", team)
	}
	k := store.ServiceUserKey{ID: "key1", TeamID: "tm1", UserName: "svc", SecretHash: "sh",
		Roles: []string{"resource_admin", "security_admin"}, CreatedAt: t0}
	must(t, s.CreateServiceUserKey(ctx, k))
	got, err := s.GetServiceUserKey(ctx, "tm1", "key1")
	must(t, err)
	if got.SecretHash != "sh" || got.UserID != "" || len(got.Roles) != 2 || got.Roles[1] != "security_admin" {
		t.Fatalf("got %+v", got)
	}
	must(t, s.CreateTeam(ctx, store.Team{ID: "tm2", Name: "other", CreatedAt: t0}))
	must(t, s.CreateTeam(ctx, store.Team{ID: "tm3", Name: "beta", CreatedAt: t0}))
	teams, err := s.ListTeams(ctx)
	must(t, err)
	if len(teams) != 3 || teams[0].Name != "acme" || teams[1].Name != "beta" || teams[2].ID != "tm2" || !teams[2].CreatedAt.Equal(t0) {
		t.Fatalf("teams %+v", teams)
	}
	_, err = s.GetServiceUserKey(ctx, "tm2", "key1")
	wantErr(t, err, store.ErrNotFound)

	tok := store.ServiceToken{Hash: "th", TeamID: "tm1", KeyID: "key1", Roles: []string{"resource_admin"},
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	must(t, s.CreateServiceToken(ctx, tok))
	gotTok, err := s.GetServiceToken(ctx, "th", t0.Add(59*time.Minute))
	must(t, err)
	if gotTok.TeamID != "tm1" || len(gotTok.Roles) != 1 || !gotTok.ExpiresAt.Equal(tok.ExpiresAt) {
		t.Fatalf("got %+v", gotTok)
	}
	_, err = s.GetServiceToken(ctx, "th", t0.Add(time.Hour))
	wantErr(t, err, store.ErrNotFound)
	// Minting a token later forgets the expired one.
	must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: "th2", TeamID: "tm1", KeyID: "key1", CreatedAt: t0.Add(2 * time.Hour), ExpiresAt: t0.Add(3 * time.Hour)}))
	_, err = s.GetServiceToken(ctx, "th", t0)
	wantErr(t, err, store.ErrNotFound)
}
