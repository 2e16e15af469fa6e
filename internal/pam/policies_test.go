package pam

import (
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

func labelPolicy(name, rgID string, active bool) SecurityPolicy {
	return SecurityPolicy{Name: name, Active: active, ResourceGroupID: rgID, Rules: []PolicyRule{{Name: "prod servers",
		ResourceType: ServerBasedResource, Servers: []ServerSelector{{Kind: SelectServerLabel, Labels: map[string]string{"env": "prod"},
			AccountSelector: AccountsNone}}, Privileges: grant(PrivilegePasswordCheckoutSSH)}}}
}

func TestSecurityPolicies(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		sec := f.member("sec", RoleSecurityAdmin)
		owners, err := f.svc.CreateGroup(f.ctx, team, "owners", nil)
		f.must(err)
		ops, err := f.svc.CreateGroup(f.ctx, team, "ops", nil)
		f.must(err)
		rg := f.newResourceGroup(team, "prod", owners.ID)
		other := f.newResourceGroup(team, "dev")
		proj := f.newProject(rg.ID, "web")
		owner := f.member("own")
		f.must(f.svc.AddMember(f.ctx, team, "owners", "own"))
		delegate := f.member("del") // a delegated security admin of prod
		if _, err := f.svc.SetSecurityAdminGroups(f.ctx, team, rg.ID, []string{"del-group"}); err != nil {
			t.Fatal(err)
		}
		if roles, err := f.svc.Roles(f.ctx, team, delegate.UserID); err != nil || !strings.Contains(strings.Join(roles, ","), RoleDelegatedSecurityAdmin) {
			t.Fatalf("the delegate's roles %v %v", roles, err)
		}

		created, err := f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: labelPolicy("ssh", rg.ID, true), GroupIDs: []string{ops.ID}})
		f.must(err)
		if len(created.ID) != 36 || len(created.Groups) != 1 || created.Groups[0].Name != "ops" {
			t.Fatalf("created %+v", created)
		}
		got, err := f.svc.SecurityPolicy(f.ctx, delegate, created.ID)
		f.must(err)
		if got.Rules[0].Servers[0].Labels["env"] != "prod" || !got.Rules[0].Privileges[0].Granted {
			t.Fatalf("read %+v", got)
		}
		_, err = f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: labelPolicy("ssh", rg.ID, true)})
		f.wantFault(err, fault.Conflict, "ssh")

		// A delegated security admin manages only its resource groups' policies; elsewhere it
		// is refused as one without the role. An owner (delegated resource admin) manages none.
		const role = "Missing capability: role"
		_, err = f.svc.CreateSecurityPolicy(f.ctx, delegate, PolicyInput{Policy: labelPolicy("dev", other.ID, true)})
		f.wantFault(err, fault.Unauthorized, role)
		devPolicy, err := f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: labelPolicy("dev", other.ID, true)})
		f.must(err)
		_, err = f.svc.SecurityPolicy(f.ctx, delegate, devPolicy.ID)
		f.wantFault(err, fault.Unauthorized, role)
		f.wantFault(f.svc.DeleteSecurityPolicy(f.ctx, delegate, devPolicy.ID), fault.Unauthorized, role)
		f.wantFault(f.svc.UpdateSecurityPolicy(f.ctx, delegate, created.ID, PolicyInput{Policy: labelPolicy("ssh", other.ID, true)}),
			fault.Unauthorized, role)
		_, err = f.svc.SecurityPolicy(f.ctx, owner, created.ID)
		f.wantFault(err, fault.Unauthorized, role)

		// Invalid policies name the field and store nothing.
		bad := labelPolicy("bad", rg.ID, true)
		bad.Rules[0].OverrideCheckoutSeconds = ptr(10)
		_, err = f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: bad})
		f.wantFault(err, fault.Invalid, "rules[0].override_checkout_duration_in_seconds")
		_, err = f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: labelPolicy("bad", rg.ID, true), GroupIDs: []string{"nope"}})
		f.wantFault(err, fault.Invalid, "principals.user_groups: nope")
		_, err = f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: labelPolicy("bad", "nope", true)})
		f.wantFault(err, fault.Invalid, "resource_group")
		list, err := f.svc.ListSecurityPolicies(f.ctx, team, store.Page{})
		f.must(err)
		if len(list) != 2 || list[0].Name != "dev" || list[1].Name != "ssh" {
			t.Fatalf("list %+v", list)
		}

		// Evaluation: a member of ops holds the privilege on a prod server's account, until the
		// policy is made inactive.
		ann := f.member("ann")
		f.must(f.svc.AddMember(f.ctx, team, "ops", "ann"))
		f.must(f.svc.SetCheckoutSettings(f.ctx, sec, rg.ID, proj.ID, ServerAccounts, CheckoutSettingsInput{Required: ptr(true)}))
		acct := Account{TeamID: team, ResourceGroupID: rg.ID, ProjectID: proj.ID, ServerID: "s1",
			ServerLabels: map[string]string{"env": "prod"}, AccountID: "a1", AccountName: "root"}
		methods, err := f.svc.AccessMethods(f.ctx, ann.UserID, acct)
		f.must(err)
		if len(methods) != 1 || methods[0] != (AccessMethod{PrivilegePasswordCheckoutSSH, true, 900}) {
			t.Fatalf("methods %+v", methods)
		}
		none, err := f.svc.AccessMethods(f.ctx, delegate.UserID, acct)
		f.must(err)
		if len(none) != 0 {
			t.Fatalf("a user outside the policy's groups holds %+v", none)
		}
		f.must(f.svc.UpdateSecurityPolicy(f.ctx, sec, created.ID, PolicyInput{Policy: labelPolicy("ssh", rg.ID, false), GroupIDs: []string{ops.ID}}))
		methods, err = f.svc.AccessMethods(f.ctx, ann.UserID, acct)
		f.must(err)
		if len(methods) != 0 {
			t.Fatalf("an inactive policy granted %+v", methods)
		}
		f.must(f.svc.DeleteSecurityPolicy(f.ctx, sec, created.ID))
		_, err = f.svc.SecurityPolicy(f.ctx, sec, created.ID)
		f.wantFault(err, fault.NotFound, created.ID)
	})
}

func TestPolicyCheckNamesFields(t *testing.T) {
	base := func(change func(*SecurityPolicy)) SecurityPolicy {
		p := labelPolicy("p", "rg", true)
		change(&p)
		return p
	}
	tests := map[string]SecurityPolicy{
		"name":                     base(func(p *SecurityPolicy) { p.Name = "" }),
		"resource_group":           base(func(p *SecurityPolicy) { p.ResourceGroupID = "" }),
		"rules[0].resource_type":   base(func(p *SecurityPolicy) { p.Rules[0].ResourceType = "moon" }),
		"rules[0].privileges[0]":   base(func(p *SecurityPolicy) { p.Rules[0].Privileges = grant("secret") }),
		"rules[0].privileges":      base(func(p *SecurityPolicy) { p.Rules[0].Privileges = nil }),
		"selectors[0].selector_ty": base(func(p *SecurityPolicy) { p.Rules[0].Servers[0].Kind = "planet" }),
		"selector.server":          base(func(p *SecurityPolicy) { p.Rules[0].Servers[0] = ServerSelector{Kind: SelectIndividualServer} }),
		"selector.username": base(func(p *SecurityPolicy) {
			p.Rules[0].Servers[0] = ServerSelector{Kind: SelectIndividualServerAccount, ServerID: "s"}
		}),
		"account_selector.usernam": base(func(p *SecurityPolicy) { p.Rules[0].Servers[0].AccountSelector = AccountsUsername }),
		"conditions[0].condition_": base(func(p *SecurityPolicy) { p.Rules[0].Conditions = []Condition{{Type: "weather"}} }),
	}
	for field, p := range tests {
		cs := p.check(nil)
		if len(cs) == 0 || !strings.Contains(cs[0], field) {
			t.Errorf("%s: causes %q", field, cs)
		}
	}
	if cs := labelPolicy("p", "rg", true).check([]string{"g"}); len(cs) != 0 {
		t.Errorf("a valid policy: %q", cs)
	}
}

func TestListSecurityPoliciesNamesEachPolicysGroups(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		sec := f.member("sec", RoleSecurityAdmin)
		rg := f.newResourceGroup(team, "prod")
		var ids []string
		for _, name := range []string{"ops", "dbas", "web"} {
			g, err := f.svc.CreateGroup(f.ctx, team, name, nil)
			f.must(err)
			ids = append(ids, g.ID)
		}
		for name, groups := range map[string][]string{"a": {ids[0], ids[1]}, "b": {ids[1], ids[2]}, "c": nil} {
			_, err := f.svc.CreateSecurityPolicy(f.ctx, sec, PolicyInput{Policy: labelPolicy(name, rg.ID, true), GroupIDs: groups})
			f.must(err)
		}
		list, err := f.svc.ListSecurityPolicies(f.ctx, team, store.Page{})
		f.must(err)
		got := map[string][]string{}
		for _, p := range list {
			for _, g := range p.Groups {
				got[p.Name] = append(got[p.Name], g.Name)
			}
			slices.Sort(got[p.Name])
		}
		if len(list) != 3 || strings.Join(got["a"], ",") != "dbas,ops" || strings.Join(got["b"], ",") != "dbas,web" || len(got["c"]) != 0 {
			t.Fatalf("groups %v of %d policies", got, len(list))
		}
	})
}
