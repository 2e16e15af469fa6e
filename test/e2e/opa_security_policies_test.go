package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
)

// TestOPASecurityPolicies drives the five security policy operations over HTTP on each store:
// create with every server selector, read back with the `_type`s the schema requires, list and
// filter, replace, refuse invalid input naming the field, and delete.
func TestOPASecurityPolicies(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		ops, err := o.svc.CreateGroup(ctx, o.team.Team.ID, "ops", nil)
		noErr(t, err)
		override := 1800
		in := client.SecurityPolicy{Name: "prod ssh", Description: "checkout on prod", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: ops.ID, Type: "user_group"}}},
			ResourceGroup: &client.NamedObject{ID: o.rg.ID},
			Rules: []client.SecurityPolicyRule{{Name: "prod servers", ResourceType: "server_based_resource",
				ResourceSelector: client.ServerSelector(client.ServerLabels(map[string]string{"env": "prod"}, "root"),
					client.IndividualServer("6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"),
					client.IndividualServerAccount("6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b", "admin")),
				Privileges: []client.SecurityPolicyPrivilege{client.Grant("password_checkout_ssh"), client.Grant("reveal_password"),
					client.Grant("principal_account_ssh")},
				OverrideCheckoutDurationInSeconds: &override,
				Conditions:                        []json.RawMessage{json.RawMessage(`{"condition_type":"mfa","condition_value":{"re_auth_frequency_in_seconds":3600,"acr_values":"urn:okta:loa:2fa:any"}}`)}}}}
		created, err := sec.CreateSecurityPolicy(ctx, in)
		noErr(t, err)
		got, err := sec.GetSecurityPolicy(ctx, created.ID)
		noErr(t, err)
		rule := got.Rules[0]
		if got.Name != "prod ssh" || !got.Active || got.Principals.UserGroups[0].Name != "ops" || got.ResourceGroup.ID != o.rg.ID ||
			*rule.OverrideCheckoutDurationInSeconds != 1800 || len(rule.Privileges) != 3 || rule.Privileges[1].PrivilegeValue["reveal_password"] != true ||
			*rule.SecurityPolicyID != created.ID {
			t.Fatalf("read %+v", got)
		}
		var sel struct {
			Type      string `json:"_type"`
			Selectors []struct {
				SelectorType string         `json:"selector_type"`
				Selector     map[string]any `json:"selector"`
			} `json:"selectors"`
		}
		noErr(t, json.Unmarshal(rule.ResourceSelector, &sel))
		if sel.Type != "server_based_resource" || len(sel.Selectors) != 3 || sel.Selectors[0].Selector["_type"] != "server_label" ||
			sel.Selectors[2].Selector["username"] != "admin" {
			t.Fatalf("selector %s", rule.ResourceSelector)
		}
		if !strings.Contains(string(rule.Conditions[0]), `"_type":"mfa"`) {
			t.Fatalf("condition %s", rule.Conditions[0])
		}

		in.Name, in.Active = "prod ssh (off)", false
		noErr(t, sec.UpdateSecurityPolicy(ctx, created.ID, in))
		in.Name = "dev"
		_, err = sec.CreateSecurityPolicy(ctx, in)
		noErr(t, err)
		list, err := sec.ListSecurityPolicies(ctx, client.ListOptions{Count: 1})
		noErr(t, err)
		if len(list) != 2 || list[0].Name != "dev" || list[1].Name != "prod ssh (off)" || list[1].Active {
			t.Fatalf("list %+v", list)
		}
		filtered, err := sec.ListSecurityPolicies(ctx, client.ListOptions{Contains: "(OFF"})
		noErr(t, err)
		if len(filtered) != 1 || filtered[0].ID != created.ID {
			t.Fatalf("filtered %+v", filtered)
		}

		for field, change := range map[string]func(*client.SecurityPolicy){
			"rules[0].override_checkout_duration_in_seconds": func(p *client.SecurityPolicy) { v := 60; p.Rules[0].OverrideCheckoutDurationInSeconds = &v },
			"rules[0].privileges[0].privilege_type": func(p *client.SecurityPolicy) {
				p.Rules[0].Privileges = []client.SecurityPolicyPrivilege{client.Grant("secret")}
			},
			"principals.user_groups": func(p *client.SecurityPolicy) { p.Principals.UserGroups = []client.NamedObject{{ID: "nope"}} },
			"resource_selector.selectors[0].selector.username": func(p *client.SecurityPolicy) {
				p.Rules[0].ResourceSelector = client.ServerSelector(client.IndividualServerAccount("s", ""))
			},
		} {
			bad := in
			bad.Name, bad.Rules = "bad", []client.SecurityPolicyRule{in.Rules[0]}
			change(&bad)
			_, err := sec.CreateSecurityPolicy(ctx, bad)
			wantStatus(t, err, http.StatusBadRequest, field)
		}
		list, err = sec.ListSecurityPolicies(ctx, client.ListOptions{})
		noErr(t, err)
		if len(list) != 2 {
			t.Fatalf("a refused policy was stored: %+v", list)
		}

		noErr(t, sec.DeleteSecurityPolicy(ctx, created.ID))
		list, err = sec.ListSecurityPolicies(ctx, client.ListOptions{})
		noErr(t, err)
		if len(list) != 1 || list[0].Name != "dev" {
			t.Fatalf("after delete %+v", list)
		}
		// An end user cannot manage policies.
		user := o.client("ann", nil)
		wantStatus(t, user.DeleteSecurityPolicy(ctx, list[0].ID), http.StatusUnauthorized, "")
	})
}
