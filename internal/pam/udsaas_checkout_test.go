package pam

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

func TestServiceAccountAccessMethods(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		teamID := f.team.Team.ID
		rg, err := f.svc.CreateResourceGroup(f.ctx, teamID, ResourceGroupInput{Name: ptr("prod")})
		f.must(err)
		proj, err := f.svc.CreateProject(f.ctx, teamID, rg.ID, ProjectInput{Name: ptr("web")})
		f.must(err)
		_, err = f.svc.FeedUDAccounts(f.ctx, teamID, []ServiceAccountEntry{{ExternalID: "00u1", Name: "deploy", Username: "d@x", Managed: true}})
		f.must(err)
		staged, err := f.svc.ListStagedServiceAccounts(f.ctx, teamID, StagedQuery{}, store.Page{})
		f.must(err)
		id := staged[0].ID
		f.must(f.svc.AssignServiceAccount(f.ctx, teamID, id, proj.ID, true))
		target, err := udTarget.Lookup(f.ctx, f.svc.Store, teamID, id)
		f.must(err)
		if target.AppName != UDAppName || target.SettingsKey != id || target.Unmanaged || target.ProjectID != proj.ID {
			t.Fatalf("target %+v", target)
		}
		if _, err := saasTarget.Lookup(f.ctx, f.svc.Store, teamID, id); err == nil {
			t.Fatal("a UD account looked up as a SaaS one")
		}
		f.must(writeSettings(f.ctx, f.svc.Store, store.ProjectSettings{TeamID: teamID, ProjectID: proj.ID,
			Kind: settingsKind(UniversalDirectoryAccounts, settingsCheckout), ModifiedAt: t0},
			CheckoutSettings{Required: true, DurationSeconds: 1800, IncludeList: []string{id}}))
		user, err := f.svc.CreateServiceUser(f.ctx, teamID, "u")
		f.must(err)
		grp, err := f.svc.CreateGroup(f.ctx, teamID, "g", nil)
		f.must(err)
		f.must(f.svc.AddMember(f.ctx, teamID, "g", "u"))
		rule := serviceAccountRule(OktaAppBasedResource, SelectIndividualOktaAccount, id)
		rule.Privileges = grant(PrivilegeRevealPassword, PrivilegeUpdatePassword, PrivilegePrincipalAccountSSH)
		other := serviceAccountRule(ManagedSaaSAppBasedResource, SelectIndividualManagedSaaS, id) // another kind's rule
		other.Privileges = grant(PrivilegeRotatePassword)
		sec := f.member("sec", RoleSecurityAdmin)
		_, err = f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: SecurityPolicy{Name: "p", Active: true, ResourceGroupID: rg.ID,
			Rules: []PolicyRule{rule, other}}, GroupIDs: []string{grp.ID}})
		f.must(err)
		got, err := udTarget.AccessMethods(f.ctx, f.svc, user.ID, target)
		f.must(err)
		want := []AccessMethod{{PrivilegeRevealPassword, true, 1800}, {PrivilegeUpdatePassword, true, 1800}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}

// TestInitialRotationIsDueWork: an assignment's initial rotation runs as due work, a refusal of
// the directory is retried, and success marks the account SYNCED; periodic rotation follows the
// kind's policy and its include list.
func TestInitialRotationIsDueWork(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		box, err := secret.New(make([]byte, 32))
		f.must(err)
		f.svc.Box = box
		teamID := f.team.Team.ID
		rg, err := f.svc.CreateResourceGroup(f.ctx, teamID, ResourceGroupInput{Name: ptr("prod")})
		f.must(err)
		proj, err := f.svc.CreateProject(f.ctx, teamID, rg.ID, ProjectInput{Name: ptr("web")})
		f.must(err)
		_, err = f.svc.FeedUDAccounts(f.ctx, teamID, []ServiceAccountEntry{
			{ExternalID: "00u1", Name: "periodic", Username: "a@x", Managed: true}, {ExternalID: "00u2", Name: "once", Username: "b@x", Managed: true}})
		f.must(err)
		staged, err := f.svc.ListStagedServiceAccounts(f.ctx, teamID, StagedQuery{}, store.Page{})
		f.must(err)
		ids := map[string]string{}
		for _, a := range staged {
			ids[a.Name] = a.ID
		}
		pol := DefaultPasswordPolicy()
		pol.EnablePeriodicRotation, pol.PeriodicRotationSeconds, pol.SelectorMode, pol.RotationInclude = true, 86400, "INCLUDE", []string{ids["periodic"]}
		f.must(writeSettings(f.ctx, f.svc.Store, store.ProjectSettings{TeamID: teamID, ProjectID: proj.ID,
			Kind: settingsKind(UniversalDirectoryAccounts, settingsPassword), ModifiedAt: t0}, pol))
		f.must(f.svc.SetDirectoryFailure(f.ctx, teamID, "okta down"))
		for _, id := range ids {
			f.must(f.svc.AssignServiceAccount(f.ctx, teamID, id, proj.ID, false))
		}

		run := func(kind string, at time.Time, work func(context.Context, store.WorkItem, time.Time) error) int {
			t.Helper()
			items, err := f.svc.Store.ClaimWorkItems(f.ctx, kind, "test", at, at, at.Add(time.Minute), 10)
			f.must(err)
			for _, it := range items {
				f.must(work(f.ctx, it, at))
				f.must(f.svc.Store.FinishWorkItem(f.ctx, kind, it.ID, "test"))
			}
			return len(items)
		}
		if n := run(WorkInitialRotation, t0, f.svc.RotateInitially); n != 2 {
			t.Fatalf("%d initial rotations", n)
		}
		for _, id := range ids {
			c, err := f.svc.Store.GetCheckout(f.ctx, teamID, id)
			f.must(err)
			if c.State != store.CheckoutPendingCheckin || c.RotationFails != 1 || c.ErrorType != ErrorDirectoryRejected {
				t.Fatalf("after a refused initial rotation %+v", c)
			}
		}
		if due, err := f.svc.ServiceAccountsAwaitingRotation(f.ctx, teamID, store.Page{}); err != nil || len(due) != 2 {
			t.Fatalf("awaiting after a refusal %+v %v", due, err)
		}

		f.must(f.svc.SetDirectoryFailure(f.ctx, teamID, ""))
		if n := run(WorkRotationRetry, t0.Add(2*time.Minute), f.svc.RetryRotation); n != 2 {
			t.Fatalf("%d retries", n)
		}
		if due, err := f.svc.ServiceAccountsAwaitingRotation(f.ctx, teamID, store.Page{}); err != nil || len(due) != 0 {
			t.Fatalf("awaiting after the retries %+v %v", due, err)
		}
		first := map[string]string{}
		for name, id := range ids {
			a, err := f.svc.serviceAccount(f.ctx, teamID, store.ServiceAccountUD, id)
			f.must(err)
			if a.SyncStatus != SyncSynced {
				t.Fatalf("%s not synced %+v", name, a)
			}
			first[name], _, err = f.svc.DirectoryPassword(f.ctx, teamID, id)
			f.must(err)
			if err := pol.Password.Satisfies(first[name]); err != nil {
				t.Fatalf("%s's password: %v", name, err)
			}
		}

		if n := run(WorkPeriodicRotation, t0.Add(48*time.Hour), f.svc.RotatePeriodically); n != 1 {
			t.Fatalf("%d periodic rotations, want the included account's only", n)
		}
		for name, id := range ids {
			pw, _, err := f.svc.DirectoryPassword(f.ctx, teamID, id)
			f.must(err)
			if (pw != first[name]) != (name == "periodic") {
				t.Fatalf("%s rotated: %t", name, pw != first[name])
			}
		}
	})
}
