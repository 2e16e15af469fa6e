package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

// resetTeamFixture gives a team an admin group holding a service user with a key and a token,
// a human user in another group, a project with a server, and a checkout with due work.
func resetTeamFixture(t *testing.T, s store.Store, team string) {
	t.Helper()
	ctx := context.Background()
	svc := seedUser(t, s, team, team+"-svc", "svc", store.UserService)
	human := seedUser(t, s, team, team+"-human", "alice", store.UserHuman)
	admins := seedGroup(t, s, team, team+"-admins", "admins", "pam_admin")
	others := seedGroup(t, s, team, team+"-others", "others")
	must(t, s.AddOPAGroupMember(ctx, team, admins.ID, svc.ID))
	must(t, s.AddOPAGroupMember(ctx, team, others.ID, human.ID))
	must(t, s.CreateOPAKey(ctx, store.OPAKey{ID: team + "-key", TeamID: team, UserID: svc.ID, SecretHash: "h-" + team, IssuedAt: t0}))
	must(t, s.CreateServiceToken(ctx, store.ServiceToken{Hash: "tok-" + team, TeamID: team, KeyID: team + "-key", CreatedAt: t0, ExpiresAt: t0.Add(1e12)}))
	p := seedProject(t, s, seedResourceGroup(t, s, team, team+"-rg", "prod", others.ID), team+"-p", "web")
	seedServer(t, s, p, team+"-srv", "host-"+team)
	must(t, s.CreateCheckout(ctx, store.Checkout{AccountID: team + "-acct", ResourceType: "server_account_password_login",
		TeamID: team, ResourceGroupID: p.ResourceGroupID, ProjectID: p.ID, State: store.CheckoutAvailable}))
	must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "expiry", ID: team + "-acct@1000", DueAt: t0}))
}

func testResetTeam(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	resetTeamFixture(t, s, "tm1")
	resetTeamFixture(t, s, "tm2")

	must(t, s.InTx(ctx, func(q store.Queries) error { return q.ResetTeam(ctx, "tm1", "tm1-admins") }))

	users, err := s.ListOPAUsers(ctx, "tm1", "", store.Page{})
	must(t, err)
	if userNames(users) != "svc" {
		t.Errorf("tm1 users after reset %q, want the admin group's service user", userNames(users))
	}
	groups, err := s.ListOPAGroups(ctx, "tm1", store.Page{})
	must(t, err)
	if groupNames(groups) != "admins" {
		t.Errorf("tm1 groups after reset %q, want admins", groupNames(groups))
	}
	if _, err := s.GetOPAKey(ctx, "tm1", "tm1-key"); err != nil {
		t.Errorf("the kept service user's key: %v", err)
	}
	if _, err := s.GetOPAUserByServiceToken(ctx, "tok-tm1", t0); err != nil {
		t.Errorf("the kept key's token: %v", err)
	}
	rgs, err := s.ListResourceGroups(ctx, "tm1", store.Page{})
	must(t, err)
	if len(rgs) != 0 {
		t.Errorf("tm1 resource groups after reset %+v", rgs)
	}
	_, err = s.GetCheckout(ctx, "tm1", "tm1-acct")
	wantErr(t, err, store.ErrNotFound)
	// Only tm2's due work is left.
	items, err := claimAll(ctx, s, "expiry")
	must(t, err)
	if len(items) != 1 || items[0].ID != "tm2-acct@1000" {
		t.Errorf("work items after resetting tm1: %+v, want tm2's only", items)
	}
	// tm2 is untouched.
	users, err = s.ListOPAUsers(ctx, "tm2", "", store.Page{})
	must(t, err)
	if userNames(users) != "alice,svc" {
		t.Errorf("tm2 users %q", userNames(users))
	}
	if _, err := s.GetCheckout(ctx, "tm2", "tm2-acct"); err != nil {
		t.Errorf("tm2 checkout: %v", err)
	}

	t.Run("delete team", func(t *testing.T) {
		must(t, s.InTx(ctx, func(q store.Queries) error { return q.DeleteTeam(ctx, "tm2") }))
		_, err := s.GetTeamByName(ctx, "team tm2")
		wantErr(t, err, store.ErrNotFound)
		_, err = s.GetOPAKey(ctx, "tm2", "tm2-key")
		wantErr(t, err, store.ErrNotFound)
	})
}

// claimAll claims every item of kind due by far in the future.
func claimAll(ctx context.Context, s store.Store, kind string) ([]store.WorkItem, error) {
	var out []store.WorkItem
	err := s.InTx(ctx, func(q store.Queries) error {
		var err error
		out, err = q.ClaimWorkItems(ctx, kind, "test", t0.Add(1e15), t0, t0.Add(1e12), 100)
		return err
	})
	return out, err
}

func testResetIsAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1")
	resetTeamFixture(t, s, "tm1")
	seedOrg(t, s, "org1")
	seedPool(t, s, "org1", "p1", "AD")
	boom := errors.New("boom")
	err := s.InTx(ctx, func(q store.Queries) error {
		if err := q.ResetTeam(ctx, "tm1", "tm1-admins"); err != nil {
			return err
		}
		if err := q.ResetOrg(ctx, "org1", true); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, err, boom)
	users, err := s.ListOPAUsers(ctx, "tm1", "", store.Page{})
	must(t, err)
	if len(users) != 2 {
		t.Errorf("a failed reset left users %q", userNames(users))
	}
	if _, err := s.GetPool(ctx, "org1", "p1"); err != nil {
		t.Errorf("a failed reset took the pool: %v", err)
	}
}

func testResetOrg(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, org := range []string{"org1", "org2"} {
		seedOrg(t, s, org)
		p := seedPool(t, s, org, org+"-p", "AD")
		seedAgent(t, s, p, org+"-a", t0)
		seedJob(t, s, p, org+"-j", org+"-a")
		must(t, s.CreateAPIToken(ctx, store.APIToken{ID: org + "-admin", OrgID: org, Name: "admin", Hash: "adm-" + org, Admin: true, CreatedAt: t0}))
		must(t, s.CreateAPIToken(ctx, store.APIToken{ID: org + "-plain", OrgID: org, Name: "plain", Hash: "pl-" + org, CreatedAt: t0}))
		must(t, s.CreateRegistrationToken(ctx, store.RegistrationToken{ID: org + "-rt", OrgID: org, PoolID: p.ID, Hash: "rt-" + org, CreatedAt: t0}))
	}
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.ResetOrg(ctx, "org1", true) }))
	if _, err := s.GetAPITokenByHash(ctx, "adm-org1"); err != nil {
		t.Errorf("the admin token after a reset keeping it: %v", err)
	}
	_, err := s.GetAPITokenByHash(ctx, "pl-org1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetPool(ctx, "org1", "org1-p")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetRegistrationTokenByHash(ctx, "rt-org1")
	wantErr(t, err, store.ErrNotFound)
	if _, err := s.GetOrg(ctx, "org1"); err != nil {
		t.Errorf("the org itself: %v", err)
	}
	for _, h := range []string{"adm-org2", "pl-org2"} {
		if _, err := s.GetAPITokenByHash(ctx, h); err != nil {
			t.Errorf("org2's token %s: %v", h, err)
		}
	}
	if _, err := s.GetPoolUpdate(ctx, "org2-p", "org2-j"); err != nil {
		t.Errorf("org2's job: %v", err)
	}

	must(t, s.InTx(ctx, func(q store.Queries) error { return q.ResetOrg(ctx, "org1", false) }))
	_, err = s.GetAPITokenByHash(ctx, "adm-org1")
	wantErr(t, err, store.ErrNotFound)

	must(t, s.InTx(ctx, func(q store.Queries) error { return q.DeleteOrg(ctx, "org1") }))
	orgs, err := s.ListOrgs(ctx)
	must(t, err)
	if len(orgs) != 1 || orgs[0].ID != "org2" {
		t.Errorf("orgs after deleting org1: %+v", orgs)
	}
}

func testDeletePoolAndAgent(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedOrg(t, s, "org1")
	seedOrg(t, s, "org2")
	p := seedPool(t, s, "org1", "p1", "AD")
	other := seedPool(t, s, "org1", "p2", "AD")
	seedAgent(t, s, p, "a1", t0)
	seedAgent(t, s, p, "a2", t0.Add(1e9))
	seedJob(t, s, p, "j1", "a1", "a2")

	wantErr(t, s.DeleteAgent(ctx, "org2", "p1", "a1"), store.ErrNotFound) // another org's
	wantErr(t, s.DeleteAgent(ctx, "org1", "p2", "a1"), store.ErrNotFound) // another pool's
	must(t, s.DeleteAgent(ctx, "org1", "p1", "a1"))
	j, err := s.GetPoolUpdate(ctx, "p1", "j1")
	must(t, err)
	if len(j.Agents) != 1 || j.Agents[0].AgentID != "a2" {
		t.Errorf("the job after deleting a1 lists %+v, want a2 only", j.Agents)
	}

	wantErr(t, s.DeletePool(ctx, "org2", "p1"), store.ErrNotFound)
	must(t, s.DeletePool(ctx, "org1", "p1"))
	_, err = s.GetPoolUpdate(ctx, "p1", "j1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAgent(ctx, "org1", "a2")
	wantErr(t, err, store.ErrNotFound)
	if _, err := s.GetPool(ctx, "org1", other.ID); err != nil {
		t.Errorf("the other pool: %v", err)
	}
}
