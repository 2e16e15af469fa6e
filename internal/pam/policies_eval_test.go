package pam

import (
	"reflect"
	"testing"
)

func grant(types ...string) []Privilege {
	out := make([]Privilege, len(types))
	for i, t := range types {
		out[i] = Privilege{Type: t, Granted: true}
	}
	return out
}

func serverRule(sel ServerSelector, override *int, privs ...string) PolicyRule {
	return PolicyRule{Name: "r", ResourceType: ServerBasedResource, Servers: []ServerSelector{sel}, Privileges: grant(privs...),
		OverrideCheckoutSeconds: override}
}

func TestEvaluate(t *testing.T) {
	acct := Account{TeamID: "t", ResourceGroupID: "rg", ProjectID: "p", ServerID: "s1",
		ServerLabels: map[string]string{"env": "prod", "os": "linux"}, AccountID: "a1", AccountName: "root"}
	onServer := ServerSelector{Kind: SelectIndividualServer, ServerID: "s1"}
	policy := func(active bool, rg string, rules ...PolicyRule) SecurityPolicy {
		return SecurityPolicy{ID: "sp", Active: active, ResourceGroupID: rg, Rules: rules}
	}
	noCheckout := DefaultCheckoutSettings()
	checkout := CheckoutSettings{Required: true, DurationSeconds: 3600}
	ssh := PrivilegePasswordCheckoutSSH
	tests := []struct {
		name     string
		policies []SecurityPolicy
		checkout CheckoutSettings
		want     []AccessMethod
	}{
		{"no policy", nil, noCheckout, []AccessMethod{}},
		{"individual server", []SecurityPolicy{policy(true, "rg", serverRule(onServer, nil, ssh))}, noCheckout,
			[]AccessMethod{{ssh, false, 900}}},
		{"inactive grants nothing", []SecurityPolicy{policy(false, "rg", serverRule(onServer, nil, ssh))}, checkout, []AccessMethod{}},
		{"another resource group", []SecurityPolicy{policy(true, "rg2", serverRule(onServer, nil, ssh))}, checkout, []AccessMethod{}},
		{"another server", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectIndividualServer, ServerID: "s2"}, nil, ssh))}, checkout, []AccessMethod{}},
		{"individual account", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectIndividualServerAccount, ServerID: "s1", AccountName: "root"}, nil, PrivilegeRevealPassword))},
			checkout, []AccessMethod{{PrivilegeRevealPassword, true, 3600}}},
		{"another account", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectIndividualServerAccount, ServerID: "s1", AccountName: "admin"}, nil, ssh))}, checkout, []AccessMethod{}},
		{"labels, every account", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectServerLabel, Labels: map[string]string{"env": "prod"}, AccountSelector: AccountsNone}, nil, ssh))},
			checkout, []AccessMethod{{ssh, true, 3600}}},
		{"labels, named account", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectServerLabel, Labels: map[string]string{"env": "prod"}, AccountSelector: AccountsUsername, Usernames: []string{"root"}}, nil, ssh))},
			checkout, []AccessMethod{{ssh, true, 3600}}},
		{"labels, other account", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectServerLabel, Labels: map[string]string{"env": "prod"}, AccountSelector: AccountsUsername, Usernames: []string{"admin"}}, nil, ssh))}, checkout, []AccessMethod{}},
		{"a label differs", []SecurityPolicy{policy(true, "rg", serverRule(ServerSelector{Kind: SelectServerLabel, Labels: map[string]string{"env": "prod", "os": "windows"}, AccountSelector: AccountsNone}, nil, ssh))}, checkout, []AccessMethod{}},
		{"override lengthens", []SecurityPolicy{policy(true, "rg", serverRule(onServer, ptr(7200), ssh))}, checkout, []AccessMethod{{ssh, true, 7200}}},
		{"longest of two rules", []SecurityPolicy{policy(true, "rg", serverRule(onServer, ptr(1800), ssh), serverRule(onServer, nil, ssh, PrivilegeRotatePassword))},
			checkout, []AccessMethod{{ssh, true, 3600}, {PrivilegeRotatePassword, true, 3600}}},
		{"excluded account needs no checkout", []SecurityPolicy{policy(true, "rg", serverRule(onServer, nil, ssh))},
			CheckoutSettings{Required: true, DurationSeconds: 900, ExcludeList: []string{"root"}}, []AccessMethod{{ssh, false, 900}}},
		{"a privilege set false", []SecurityPolicy{policy(true, "rg", PolicyRule{ResourceType: ServerBasedResource, Servers: []ServerSelector{onServer},
			Privileges: []Privilege{{Type: ssh, Granted: false}}})}, checkout, []AccessMethod{}},
		{"other resource types ignored", []SecurityPolicy{policy(true, "rg", PolicyRule{ResourceType: "secret_based_resource", Privileges: grant("secret")})}, checkout, []AccessMethod{}},
		{"all server privileges", []SecurityPolicy{policy(true, "rg", serverRule(onServer, nil, PrivilegeUpdatePassword, PrivilegePasswordCheckoutRDP, PrivilegePrincipalAccountSSH))}, noCheckout,
			[]AccessMethod{{PrivilegePasswordCheckoutRDP, false, 900}, {PrivilegePrincipalAccountSSH, false, 900}, {PrivilegeUpdatePassword, false, 900}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Evaluate(tc.policies, acct, tc.checkout); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// BenchmarkEvaluate decides on one account against 30 active policies of 30 label rules each.
func BenchmarkEvaluate(b *testing.B) {
	acct := Account{ResourceGroupID: "rg", ServerID: "s1", ServerLabels: map[string]string{"env": "prod", "os": "linux"}, AccountName: "root"}
	var policies []SecurityPolicy
	for i := 0; i < 30; i++ {
		p := SecurityPolicy{Active: true, ResourceGroupID: "rg"}
		for j := 0; j < 30; j++ {
			p.Rules = append(p.Rules, serverRule(ServerSelector{Kind: SelectServerLabel, Labels: map[string]string{"env": "prod", "tier": "web"},
				AccountSelector: AccountsUsername, Usernames: []string{"admin", "root"}}, nil, PrivilegePasswordCheckoutSSH))
		}
		policies = append(policies, p)
	}
	policies[29].Rules[29].Servers[0].Labels = map[string]string{"env": "prod"}
	for b.Loop() {
		if len(Evaluate(policies, acct, DefaultCheckoutSettings())) != 1 {
			b.Fatal("no access")
		}
	}
}
