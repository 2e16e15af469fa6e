package pam

import (
	"encoding/json"
	"reflect"
	"testing"
)

func adRule(selector string, privs ...string) PolicyRule {
	return PolicyRule{Name: "ad", ResourceType: ActiveDirectoryBasedResource, Privileges: grant(privs...),
		Selector: json.RawMessage(`{"_type":"active_directory_based_resource","selectors":[{"selector_type":"active_directory","selector":` +
			selector + `}]}`)}
}

func TestEvaluateAD(t *testing.T) {
	shared := ADAccount{ID: "a1", ResourceGroupID: "rg", ProjectID: "p",
		adAccountBody: adAccountBody{ADEntry: ADEntry{SID: "S-1", SAMAccountName: "svc-backup", AccountType: ADShared}}}
	mine := ADAccount{ID: "a2", ResourceGroupID: "rg", ProjectID: "p",
		adAccountBody: adAccountBody{ADEntry: ADEntry{SID: "S-2", SAMAccountName: "adm-alice", AccountType: ADIndividual},
			Match: ADMatch{RuleMatchUserID: "u1"}}}
	policy := func(rules ...PolicyRule) []SecurityPolicy {
		return []SecurityPolicy{{Active: true, ResourceGroupID: "rg", Rules: rules}}
	}
	reveal, rotate := PrivilegeRevealPassword, PrivilegeRotatePassword
	checkout := CheckoutSettings{Required: true, DurationSeconds: 1800, ExcludeList: []string{`corp.example\S-9`}}
	tests := []struct {
		name     string
		policies []SecurityPolicy
		user     string
		acct     ADAccount
		want     []AccessMethod
	}{
		{"shared by name and domain", policy(adRule(`{"shared_accounts":{"by_matching_names":["SVC-BACKUP"],"by_domain":["Corp.Example"]}}`, reveal, rotate)),
			"u1", shared, []AccessMethod{{reveal, true, 1800}, {rotate, true, 1800}}},
		{"shared in another domain", policy(adRule(`{"shared_accounts":{"by_domain":["other.example"]}}`, reveal)), "u1", shared, []AccessMethod{}},
		{"shared by id", policy(adRule(`{"shared_accounts":{"specific_accounts":[{"shared_account":{"id":"a1"}}]}}`, reveal)), "u9", shared,
			[]AccessMethod{{reveal, true, 1800}}},
		{"shared selector with no filter picks nothing", policy(adRule(`{"shared_accounts":{}}`, reveal)), "u1", shared, []AccessMethod{}},
		{"individual of the user", policy(adRule(`{"individual_accounts":{"by_condition":{"account_name_format":"STARTS_WITH","value":"adm-"}}}`, reveal)),
			"u1", mine, []AccessMethod{{reveal, true, 1800}}},
		{"individual of another user", policy(adRule(`{"individual_accounts":{}}`, reveal)), "u2", mine, []AccessMethod{}},
		{"individual failing the condition", policy(adRule(`{"individual_accounts":{"by_condition":{"account_name_format":"ENDS_WITH","value":"-x"}}}`, reveal)),
			"u1", mine, []AccessMethod{}},
		{"server privileges are not AD's", policy(adRule(`{"shared_accounts":{"by_domain":["corp.example"]}}`, PrivilegePrincipalAccountSSH)),
			"u1", shared, []AccessMethod{}},
		{"another resource group", []SecurityPolicy{{Active: true, ResourceGroupID: "rg2",
			Rules: []PolicyRule{adRule(`{"shared_accounts":{"by_domain":["corp.example"]}}`, reveal)}}}, "u1", shared, []AccessMethod{}},
		{"a server rule picks no AD account", policy(serverRule(ServerSelector{Kind: SelectIndividualServer, ServerID: "s1"}, nil, reveal)),
			"u1", shared, []AccessMethod{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EvaluateAD(tt.policies, tt.user, tt.acct, "corp.example", checkout); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestADRuleValidation(t *testing.T) {
	ok := adRule(`{"shared_accounts":{"by_domain":["corp.example"]}}`, PrivilegeRevealPassword)
	if cs := ok.check("rules[0]"); len(causes(cs...)) != 0 {
		t.Fatalf("a valid AD rule: %v", cs)
	}
	for name, r := range map[string]PolicyRule{
		"no selectors":     {Name: "ad", ResourceType: ActiveDirectoryBasedResource, Privileges: grant(PrivilegeRevealPassword), Selector: json.RawMessage(`{"selectors":[]}`)},
		"not an object":    {Name: "ad", ResourceType: ActiveDirectoryBasedResource, Privileges: grant(PrivilegeRevealPassword), Selector: json.RawMessage(`[1]`)},
		"server privilege": adRule(`{"shared_accounts":{}}`, PrivilegePrincipalAccountSSH),
		"wrong selector type": {Name: "ad", ResourceType: ActiveDirectoryBasedResource, Privileges: grant(PrivilegeRevealPassword),
			Selector: json.RawMessage(`{"selectors":[{"selector_type":"server_label","selector":{}}]}`)},
	} {
		if cs := causes(r.check("rules[0]")...); len(cs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}
