package pam

import (
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func TestInOU(t *testing.T) {
	for _, tc := range []struct {
		dn, ou string
		want   bool
	}{
		{"CN=alice,OU=People,DC=corp,DC=example", "OU=People,DC=corp,DC=example", true},
		{"cn=alice, ou=people, dc=corp, dc=example", "OU=People,DC=corp,DC=example", true},
		{"CN=alice,OU=Staff,OU=People,DC=corp,DC=example", "OU=People,DC=corp,DC=example", true},
		{"CN=alice,OU=NotPeople,DC=corp,DC=example", "OU=People,DC=corp,DC=example", false},
		{"CN=alice,OU=People,DC=corp,DC=example", "", false},
	} {
		if got := inOU(tc.dn, tc.ou); got != tc.want {
			t.Errorf("inOU(%q, %q) = %v", tc.dn, tc.ou, got)
		}
	}
}

func TestADRulePlaces(t *testing.T) {
	r := ADRule{adRuleBody: adRuleBody{RuleType: ADIndividual, OrganizationalUnits: []string{"OU=A,DC=x", "OU=B,DC=x"},
		EnhancedFilters: [][]ADFieldFilter{{}, {{Field: "account_name", Operator: "STARTS_WITH", Value: "ADM-"}}}}}
	for _, tc := range []struct {
		e    ADEntry
		want bool
	}{
		{ADEntry{SAMAccountName: "alice", DistinguishedName: "CN=alice,OU=A,DC=x", AccountType: ADIndividual}, true},
		{ADEntry{SAMAccountName: "alice", DistinguishedName: "CN=alice,OU=A,DC=x", AccountType: ADShared}, false},
		{ADEntry{SAMAccountName: "bob", DistinguishedName: "CN=bob,OU=B,DC=x", AccountType: ADIndividual}, false},
		{ADEntry{SAMAccountName: "adm-bob", DistinguishedName: "CN=adm-bob,OU=B,DC=x", AccountType: ADIndividual}, true},
		{ADEntry{SAMAccountName: "carol", DistinguishedName: "CN=carol,OU=C,DC=x", AccountType: ADIndividual}, false},
	} {
		if got := r.places(tc.e); got != tc.want {
			t.Errorf("places(%+v) = %v", tc.e, got)
		}
	}
}

func TestRuleMatch(t *testing.T) {
	users := []store.OPAUser{{ID: "u1", Name: "alice", Email: "alice@x", FirstName: "Alice", LastName: "Liddell"},
		{ID: "u2", Name: "bob", Email: "shared@x"}, {ID: "u3", Name: "bobby", Email: "shared@x"}}
	partial := []ADPartialCondition{{Operator: "STARTS WITH", MatchValue: "adm-"}, {Operator: "ENDS WITH", MatchValue: "-a"}}
	for _, tc := range []struct {
		name     string
		settings ADRuleSettings
		e        ADEntry
		id, want string
	}{
		{"username by default", ADRuleSettings{Criteria: ADMatchingCriteria{Username: true}}, ADEntry{SAMAccountName: "ALICE"}, "u1", MatchExact},
		{"every criterion must hold", ADRuleSettings{Criteria: ADMatchingCriteria{Username: true, Email: true}},
			ADEntry{SAMAccountName: "alice", Email: "other@x"}, "", MatchNone},
		{"first and last name", ADRuleSettings{Criteria: ADMatchingCriteria{FirstAndLastName: true}},
			ADEntry{FirstName: "alice", LastName: "LIDDELL"}, "u1", MatchExact},
		{"display name", ADRuleSettings{Criteria: ADMatchingCriteria{DisplayName: true}}, ADEntry{DisplayName: "Alice Liddell"}, "u1", MatchExact},
		{"two users share the email", ADRuleSettings{Criteria: ADMatchingCriteria{Email: true}}, ADEntry{Email: "shared@x"}, "", MatchDuplicate},
		{"an empty email matches nobody", ADRuleSettings{Criteria: ADMatchingCriteria{Email: true}}, ADEntry{}, "", MatchNone},
		{"prefix", ADRuleSettings{Criteria: ADMatchingCriteria{Username: true}, AllowPartialMatches: true, Partial: partial},
			ADEntry{SAMAccountName: "adm-bob"}, "u2", MatchPartial},
		{"suffix", ADRuleSettings{Criteria: ADMatchingCriteria{Username: true}, AllowPartialMatches: true, Partial: partial},
			ADEntry{SAMAccountName: "alice-a"}, "u1", MatchPartial},
		{"partial not allowed", ADRuleSettings{Criteria: ADMatchingCriteria{Username: true}, Partial: partial},
			ADEntry{SAMAccountName: "adm-bob"}, "", MatchNone},
	} {
		id, status := tc.settings.ruleMatch(tc.e, users)
		if id != tc.id || status != tc.want {
			t.Errorf("%s: got %q %q, want %q %q", tc.name, id, status, tc.id, tc.want)
		}
	}
}

func TestADMatchOverrides(t *testing.T) {
	rule := ADMatch{RuleMatchUserID: "u1", RuleStatus: MatchExact}
	for _, tc := range []struct {
		m          ADMatch
		user, want string
	}{
		{rule, "u1", MatchExact},
		{ADMatch{RuleMatchUserID: "u1", RuleStatus: MatchExact, OverrideUserID: "u2"}, "u2", MatchManual},
		{ADMatch{RuleMatchUserID: "u1", RuleStatus: MatchExact, ForceNoMatch: true}, "", MatchNone},
		{ADMatch{}, "", MatchNone},
	} {
		if tc.m.UserID() != tc.user || tc.m.Status() != tc.want {
			t.Errorf("%+v: %q %q", tc.m, tc.m.UserID(), tc.m.Status())
		}
	}
}

func TestPasswordPolicyRotates(t *testing.T) {
	on := PasswordPolicy{EnablePeriodicRotation: true}
	include := on
	include.SelectorMode, include.RotationInclude = "INCLUDE", []string{"a"}
	exclude := on
	exclude.SelectorMode, exclude.RotationExclude = "EXCLUDE", []string{"a"}
	for _, tc := range []struct {
		p       PasswordPolicy
		a, b    bool
		explain string
	}{
		{PasswordPolicy{}, false, false, "rotation off"}, {on, true, true, "all"}, {include, true, false, "include"}, {exclude, false, true, "exclude"},
	} {
		if tc.p.Rotates("a") != tc.a || tc.p.Rotates("b") != tc.b {
			t.Errorf("%s: a %v b %v", tc.explain, tc.p.Rotates("a"), tc.p.Rotates("b"))
		}
	}
}
