package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

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
	if legacy.UserName != "robot" || legacy.UserID != robot.ID || legacy.SecretHash != "hk1" {
		t.Fatalf("legacy view %+v", legacy)
	}
	// A key stored before keys had users is listed under user "" until it is given one.
	must(t, s.CreateServiceUserKey(ctx, store.ServiceUserKey{ID: "old", TeamID: "tm1", UserName: "robot", SecretHash: "ho", CreatedAt: t0}))
	keys, err = s.ListOPAKeys(ctx, "tm1", "", store.Page{})
	must(t, err)
	if len(keys) != 1 || keys[0].ID != "old" {
		t.Fatalf("legacy keys %+v", keys)
	}
	wantErr(t, s.SetOPAKeyUser(ctx, "tm2", "old", robot.ID), store.ErrNotFound)
	must(t, s.SetOPAKeyUser(ctx, "tm1", "old", robot.ID))
	keys, err = s.ListOPAKeys(ctx, "tm1", robot.ID, store.Page{})
	must(t, err)
	if len(keys) != 4 {
		t.Fatalf("robot's keys after adoption %+v", keys)
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
