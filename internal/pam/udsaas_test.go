package pam

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

func serviceAccountRule(typ, selectorType, id string) PolicyRule {
	raw, _ := json.Marshal(map[string]any{"_type": typ, "selectors": []any{map[string]any{"selector_type": selectorType,
		"selector": map[string]any{"service_account": map[string]any{"id": id}}}}})
	return PolicyRule{Name: "r", ResourceType: typ, Selector: raw, Privileges: []Privilege{{Type: PrivilegeRevealPassword, Granted: true}}}
}

func TestServiceAccountSelectorsAreChecked(t *testing.T) {
	for _, c := range []struct {
		rule PolicyRule
		want string // "" for valid
	}{
		{serviceAccountRule(OktaAppBasedResource, SelectIndividualOktaAccount, "a1"), ""},
		{serviceAccountRule(ManagedSaaSAppBasedResource, SelectIndividualManagedSaaS, "a1"), ""},
		{serviceAccountRule(OktaAppBasedResource, SelectIndividualManagedSaaS, "a1"), "rules[0].resource_selector.selectors[0].selector_type"},
		{serviceAccountRule(UnmanagedSaaSAppBasedResource, SelectIndividualUnmanagedSaaS, ""), "selectors[0].selector.service_account.id"},
		{PolicyRule{Name: "r", ResourceType: OktaAppBasedResource, Selector: json.RawMessage(`{"selectors":[]}`)}, "resource_selector.selectors"},
	} {
		cs := c.rule.checkServiceAccountSelector("rules[0]")
		if (c.want == "") != (len(cs) == 0) || (c.want != "" && !strings.Contains(strings.Join(cs, ";"), c.want)) {
			t.Errorf("%s: causes %v, want %q", c.rule.Selector, cs, c.want)
		}
	}
}

func TestSelectedAccountsFollowResourceTypeAndGroup(t *testing.T) {
	active := SecurityPolicy{Active: true, ResourceGroupID: "rg1", Rules: []PolicyRule{
		serviceAccountRule(OktaAppBasedResource, SelectIndividualOktaAccount, "ud1"),
		serviceAccountRule(ManagedSaaSAppBasedResource, SelectIndividualManagedSaaS, "saas1"),
	}}
	inactive := SecurityPolicy{ResourceGroupID: "rg1", Rules: []PolicyRule{serviceAccountRule(OktaAppBasedResource, SelectIndividualOktaAccount, "ud2")}}
	noPrivilege := serviceAccountRule(OktaAppBasedResource, SelectIndividualOktaAccount, "ud3")
	noPrivilege.Privileges[0].Granted = false
	active.Rules = append(active.Rules, noPrivilege)
	got := selectedAccounts([]SecurityPolicy{active, inactive})
	for _, c := range []struct {
		a    ServiceAccount
		rg   string
		want bool
	}{
		{ServiceAccount{ID: "ud1", Kind: store.ServiceAccountUD}, "rg1", true},
		{ServiceAccount{ID: "ud1", Kind: store.ServiceAccountUD}, "rg2", false},
		{ServiceAccount{ID: "ud2", Kind: store.ServiceAccountUD}, "rg1", false},
		{ServiceAccount{ID: "ud3", Kind: store.ServiceAccountUD}, "rg1", false},
		{ServiceAccount{ID: "saas1", Kind: store.ServiceAccountSaaS, Managed: true}, "rg1", true},
		{ServiceAccount{ID: "saas1", Kind: store.ServiceAccountSaaS}, "rg1", false}, // unmanaged: another resource type
	} {
		if g := got[resourceTypeOf(c.a)][c.rg][c.a.ID]; g != c.want {
			t.Errorf("%+v in %s: %t, want %t", c.a, c.rg, g, c.want)
		}
	}
	if !slices.Contains([]string{ManagedSaaSAppBasedResource}, resourceTypeOf(ServiceAccount{Kind: store.ServiceAccountSaaS, Managed: true})) {
		t.Error("a managed SaaS account is a managed SaaS-app resource")
	}
}

func TestAssignmentRequestsTheInitialRotation(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		teamID := f.team.Team.ID
		name := "prod"
		rg, err := f.svc.CreateResourceGroup(f.ctx, teamID, ResourceGroupInput{Name: &name})
		f.must(err)
		pname := "web"
		proj, err := f.svc.CreateProject(f.ctx, teamID, rg.ID, ProjectInput{Name: &pname})
		f.must(err)
		_, err = f.svc.FeedUDAccounts(f.ctx, teamID, []ServiceAccountEntry{
			{ExternalID: "00u1", Name: "rotated", Username: "a@x", Managed: true},
			{ExternalID: "00u2", Name: "skipped", Username: "b@x", Managed: true},
			{ExternalID: "00u3", Name: "unmanaged", Username: "c@x"}})
		f.must(err)
		staged, err := f.svc.ListStagedServiceAccounts(f.ctx, teamID, StagedQuery{}, store.Page{})
		f.must(err)
		ids := map[string]string{}
		for _, v := range staged {
			ids[v.Name] = v.ID
		}
		f.must(f.svc.AssignServiceAccount(f.ctx, teamID, ids["rotated"], proj.ID, false))
		f.must(f.svc.AssignServiceAccount(f.ctx, teamID, ids["skipped"], proj.ID, true))
		f.must(f.svc.AssignServiceAccount(f.ctx, teamID, ids["unmanaged"], proj.ID, false))
		due, err := f.svc.ServiceAccountsAwaitingRotation(f.ctx, teamID, store.Page{})
		f.must(err)
		if len(due) != 1 || due[0].ID != ids["rotated"] || !due[0].RotationDueAt.Equal(t0) || due[0].SkipRotation {
			t.Fatalf("awaiting rotation %+v", due)
		}
		skipped, err := f.svc.serviceAccount(f.ctx, teamID, store.ServiceAccountUD, ids["skipped"])
		f.must(err)
		if !skipped.SkipRotation || !skipped.RotationDueAt.IsZero() || skipped.ProjectID != proj.ID || skipped.ResourceGroupID != rg.ID {
			t.Fatalf("skipped %+v", skipped)
		}
		f.must(f.svc.ServiceAccountRotated(f.ctx, teamID, ids["rotated"]))
		due, err = f.svc.ServiceAccountsAwaitingRotation(f.ctx, teamID, store.Page{})
		f.must(err)
		rotated, err := f.svc.serviceAccount(f.ctx, teamID, store.ServiceAccountUD, ids["rotated"])
		f.must(err)
		if len(due) != 0 || rotated.SyncStatus != SyncSynced {
			t.Fatalf("after the rotation: due %+v, account %+v", due, rotated)
		}
		f.wantFault(f.svc.AssignServiceAccount(f.ctx, teamID, ids["rotated"], "b3c5e0a1-1111-4222-8333-444455556666", false), fault.NotFound, "")
	})
}
