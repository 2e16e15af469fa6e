package opa

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/pam"
)

// TestPolicyDiscriminators checks that a body without the `_type`s (as the spec's own examples
// are) is read and shown with them, and that a `_type` contradicting its type is refused.
func TestPolicyDiscriminators(t *testing.T) {
	const body = `{"name":"p","active":true,"principals":{"user_groups":[{"id":"g1"}]},"resource_group":{"id":"rg"},
	"rules":[{"name":"r","resource_type":"server_based_resource",
	  "resource_selector":{"selectors":[{"selector_type":"individual_server_account","selector":{"server_id":{"id":"s1"},"username":"root"}}]},
	  "privileges":[{"privilege_type":"reveal_password","privilege_value":{"reveal_password":true}}],
	  "conditions":[{"condition_type":"gateway","condition_value":{"traffic_forwarding":true}}]}]}`
	var sp securityPolicy
	if err := json.Unmarshal([]byte(body), &sp); err != nil {
		t.Fatal(err)
	}
	in, err := sp.input()
	if err != nil {
		t.Fatal(err)
	}
	r := in.Policy.Rules[0]
	if len(r.Servers) != 1 || r.Servers[0].ServerID != "s1" || r.Servers[0].AccountName != "root" || !r.Privileges[0].Granted {
		t.Fatalf("read %+v", r)
	}
	out, err := json.Marshal(policyOf(pam.SecurityPolicy{ID: "sp", Rules: in.Policy.Rules}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"_type":"server_based_resource"`, `"_type":"individual_server_account"`,
		`"_type":"reveal_password"`, `"_type":"gateway"`, `"security_policy_id":"sp"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("shown without %s: %s", want, out)
		}
	}

	for field, bad := range map[string]string{
		"rules[0].privileges[0].privilege_value":                 strings.Replace(body, `{"reveal_password":true}`, `{"_type":"rotate_password","reveal_password":true}`, 1),
		"rules[0].privileges[0].privilege_value.reveal_password": strings.Replace(body, `{"reveal_password":true}`, `{}`, 1),
		"rules[0].resource_selector.selectors[0].selector._type": strings.Replace(body, `"selector":{`, `"selector":{"_type":"server_label",`, 1),
		"rules[0].conditions[0].condition_value":                 strings.Replace(body, `{"traffic_forwarding":true}`, `[]`, 1),
		"active":                                                 strings.Replace(body, `"active":true,`, ``, 1),
	} {
		var sp securityPolicy
		if err := json.Unmarshal([]byte(bad), &sp); err != nil {
			t.Fatalf("%s: %v", field, err)
		}
		if _, err := sp.input(); err == nil || !strings.Contains(err.Error(), field+":") {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

// TestPolicySelectorOfWrongKind checks that a selector field of the wrong JSON kind (a server id
// given as a string, not {"id": …}) is refused naming its path and the kind expected, without Go's
// type names.
func TestPolicySelectorOfWrongKind(t *testing.T) {
	const body = `{"name":"p","active":true,"principals":{"user_groups":[{"id":"g1"}]},"resource_group":{"id":"rg"},
	"rules":[{"name":"r","resource_type":"server_based_resource",
	  "resource_selector":{"selectors":[{"selector_type":"individual_server_account","selector":{"server_id":"s1","username":"root"}}]},
	  "privileges":[{"privilege_type":"reveal_password","privilege_value":{"reveal_password":true}}]}]}`
	var sp securityPolicy
	if err := json.Unmarshal([]byte(body), &sp); err != nil {
		t.Fatal(err)
	}
	_, err := sp.input()
	if err == nil {
		t.Fatal("a string server_id was accepted")
	}
	const want = "rules[0].resource_selector.selectors.selector.server_id: must be an object"
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "Go struct") || strings.Contains(msg, "opa.") {
		t.Fatalf("refused with %q, want it to name %q", msg, want)
	}
}
