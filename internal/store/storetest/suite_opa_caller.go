package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// callerString shows what GetOPACaller read, for comparing.
func callerString(c store.OPACaller) string {
	out := fmt.Sprintf("%s service=%v key=%s roles=%s user=%s/%s %s", c.TeamID, c.Service, c.KeyID,
		strings.Join(c.TokenRoles, ","), c.UserName, c.UserID, c.UserStatus)
	for _, g := range c.Groups {
		out += fmt.Sprintf(" [%s %s owns=%v secures=%v]", g.ID, strings.Join(g.Roles, ","), g.Owns, g.Secures)
	}
	return out
}

func testOPACaller(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	robot := seedUser(t, s, "tm1", "s1", "robot", store.UserService)
	alice := seedUser(t, s, "tm1", "u1", "alice", store.UserHuman)
	seedUser(t, s, "tm2", "u9", "mallory", store.UserHuman)
	admins := seedGroup(t, s, "tm1", "g1", "admins", "pam_admin", "resource_admin")
	owners := seedGroup(t, s, "tm1", "g2", "owners")
	guards := seedGroup(t, s, "tm1", "g3", "guards")
	seedGroup(t, s, "tm1", "g4", "idle", "security_admin")
	seedGroup(t, s, "tm2", "g5", "foreign", "pam_admin")
	seedResourceGroup(t, s, "tm1", "r1", "prod", owners.ID)
	must(t, s.SetResourceGroupSecurityAdmins(ctx, "tm1", "r1", []string{guards.ID}))
	for _, g := range []string{admins.ID, owners.ID, guards.ID} {
		must(t, s.AddOPAGroupMember(ctx, "tm1", g, robot.ID))
	}
	must(t, s.AddOPAGroupMember(ctx, "tm1", owners.ID, alice.ID))
	must(t, s.CreateOPAKey(ctx, store.OPAKey{ID: "k1", TeamID: "tm1", UserID: robot.ID, SecretHash: "hk1", IssuedAt: t0}))
	must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: "st1", TeamID: "tm1", KeyID: "k1", Roles: []string{"end_user"},
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	must(t, s.CreateUserToken(ctx, store.UserToken{Hash: "ut1", TeamID: "tm1", UserID: alice.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	must(t, s.CreateServiceUserKey(ctx, store.ServiceUserKey{ID: "old", TeamID: "tm1", UserName: "legacy", SecretHash: "ho",
		Roles: []string{"pam_admin"}, CreatedAt: t0}))
	must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: "st2", TeamID: "tm1", KeyID: "old", Roles: []string{"pam_admin"},
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))

	want := func(team, hash string, now time.Time, want string) {
		t.Helper()
		c, err := s.GetOPACaller(ctx, "team "+team, hash, now)
		if want == "" {
			wantErr(t, err, store.ErrNotFound)
			return
		}
		must(t, err)
		if got := callerString(c); got != want {
			t.Fatalf("caller of %s at %s:\n got  %s\n want %s", hash, team, got, want)
		}
	}
	now := t0.Add(time.Minute)
	want("tm1", "st1", now, "tm1 service=true key=k1 roles=end_user user=robot/s1 ACTIVE"+
		" [g1 pam_admin,resource_admin owns=false secures=false] [g2  owns=true secures=false] [g3  owns=false secures=true]")
	want("tm1", "ut1", now, "tm1 service=false key= roles= user=/u1 ACTIVE [g2  owns=true secures=false]")
	want("tm1", "st2", now, "tm1 service=true key=old roles=pam_admin user=legacy/ ")
	// Another team's name, an unknown or expired token: nothing.
	want("tm2", "st1", now, "")
	want("tm2", "ut1", now, "")
	want("tm1", "nope", now, "")
	want("tm1", "st1", t0.Add(time.Hour), "")
	want("tm1", "ut1", t0.Add(time.Hour), "")

	// A disabled user is read with its status; its groups are still listed (the caller decides).
	alice.Status = store.UserDisabled
	must(t, s.UpdateOPAUser(ctx, alice))
	want("tm1", "ut1", now, "tm1 service=false key= roles= user=/u1 DISABLED [g2  owns=true secures=false]")
	// A group leaving a resource group's lists, a membership ending: read at once.
	must(t, s.SetResourceGroupSecurityAdmins(ctx, "tm1", "r1", nil))
	must(t, s.RemoveOPAGroupMember(ctx, "tm1", admins.ID, robot.ID))
	want("tm1", "st1", now, "tm1 service=true key=k1 roles=end_user user=robot/s1 ACTIVE"+
		" [g2  owns=true secures=false] [g3  owns=false secures=false]")
	// A deleted key's tokens stop at once.
	must(t, s.DeleteOPAKey(ctx, "tm1", robot.ID, "k1"))
	want("tm1", "st1", now, "")
}
