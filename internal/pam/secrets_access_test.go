package pam

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

// secretRule is a secret-based rule selecting "folder:id" or "secret:id" and granting flags.
func secretRule(flags string, selectors ...string) PolicyRule {
	var sels []string
	for _, s := range selectors {
		kind, id, _ := strings.Cut(s, ":")
		sels = append(sels, fmt.Sprintf(`{"selector_type":%q,"selector":{"_type":%q,%q:{"id":%q}}}`, kind, kind, kind, id))
	}
	value := map[string]any{"_type": PrivilegeSecret}
	for _, f := range strings.Fields(flags) {
		value[f] = true
	}
	raw, _ := json.Marshal(value)
	return PolicyRule{Name: "r", ResourceType: SecretBasedResource,
		Selector:   json.RawMessage(`{"_type":"secret_based_resource","selectors":[` + strings.Join(sels, ",") + `]}`),
		Privileges: []Privilege{{Type: PrivilegeSecret, Value: raw}}}
}

func secretPolicy(active bool, rg string, rules ...PolicyRule) SecurityPolicy {
	return SecurityPolicy{ID: "p", Active: active, ResourceGroupID: rg, Rules: rules}
}

func TestEvaluateSecret(t *testing.T) {
	// top ⊃ mid ⊃ {leaf folder, s1 secret}; other is a separate top-level folder.
	inLeaf := SecretItemRef{ResourceGroupID: "rg", ID: "s1", Kind: store.SecretKeyValue, Path: []string{"top", "mid"}}
	mid := SecretItemRef{ResourceGroupID: "rg", ID: "mid", Kind: store.SecretFolder, Path: []string{"top"}}
	top := SecretItemRef{ResourceGroupID: "rg", ID: "top", Kind: store.SecretFolder}
	none := SecretPrivileges{}
	cases := []struct {
		name     string
		policies []SecurityPolicy
		item     SecretItemRef
		want     SecretPrivileges
	}{
		{"no policies", nil, inLeaf, none},
		{"folder selector reaches items at any depth", []SecurityPolicy{secretPolicy(true, "rg", secretRule("list secret_reveal", "secret_folder:top"))},
			inLeaf, SecretPrivileges{List: true, SecretReveal: true}},
		{"folder selector picks the folder itself", []SecurityPolicy{secretPolicy(true, "rg", secretRule("folder_update", "secret_folder:mid"))},
			mid, SecretPrivileges{FolderUpdate: true}},
		{"folder selector does not reach up", []SecurityPolicy{secretPolicy(true, "rg", secretRule("folder_update", "secret_folder:mid"))},
			top, none},
		{"secret selector picks only that secret", []SecurityPolicy{secretPolicy(true, "rg", secretRule("secret_reveal", "secret:s1"))},
			inLeaf, SecretPrivileges{SecretReveal: true}},
		{"secret selector does not pick its folder", []SecurityPolicy{secretPolicy(true, "rg", secretRule("secret_reveal", "secret:s1"))},
			mid, none},
		{"secret selector does not pick a folder of that id", []SecurityPolicy{secretPolicy(true, "rg", secretRule("list", "secret:mid"))},
			mid, none},
		{"folder selector naming a secret picks nothing", []SecurityPolicy{secretPolicy(true, "rg", secretRule("list", "secret_folder:s1"))},
			inLeaf, none},
		{"rules and policies add up", []SecurityPolicy{
			secretPolicy(true, "rg", secretRule("list", "secret_folder:top"), secretRule("secret_delete", "secret:s1")),
			secretPolicy(true, "rg", secretRule("secret_update", "secret_folder:mid", "secret_folder:other")),
		}, inLeaf, SecretPrivileges{List: true, SecretDelete: true, SecretUpdate: true}},
		{"inactive policy grants nothing", []SecurityPolicy{secretPolicy(false, "rg", secretRule("list", "secret_folder:top"))}, inLeaf, none},
		{"another resource group grants nothing", []SecurityPolicy{secretPolicy(true, "rg2", secretRule("list", "secret_folder:top"))}, inLeaf, none},
		{"server rules grant nothing here", []SecurityPolicy{secretPolicy(true, "rg",
			serverRule(ServerSelector{Kind: SelectIndividualServer, ServerID: "top"}, nil, PrivilegeRevealPassword))}, top, none},
		{"false flags grant nothing", []SecurityPolicy{secretPolicy(true, "rg", secretRule("", "secret_folder:top"))}, inLeaf, none},
		{"unreadable selector grants nothing", []SecurityPolicy{secretPolicy(true, "rg", PolicyRule{ResourceType: SecretBasedResource,
			Selector: json.RawMessage(`{"selectors":[{"selector_type":"secret_folder","selector":{}}]}`), Privileges: secretRule("list").Privileges})}, top, none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := EvaluateSecret(c.policies, c.item); got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestSecretTargets(t *testing.T) {
	policies := []SecurityPolicy{
		secretPolicy(true, "rg", secretRule("list", "secret_folder:b", "secret:a"), secretRule("", "secret_folder:granting-nothing")),
		secretPolicy(true, "rg", secretRule("secret_reveal", "secret:a")),
		secretPolicy(false, "rg", secretRule("list", "secret_folder:inactive")),
		secretPolicy(true, "rg2", secretRule("list", "secret_folder:elsewhere")),
	}
	if got := strings.Join(secretTargets(policies, "rg"), ","); got != "a,b" {
		t.Fatalf("targets %q", got)
	}
}

func TestCheckSecretValue(t *testing.T) {
	for raw, want := range map[string]string{
		`{"password":"pw","user":"u"}`: "",
		`{}`:                           "secret_jwe: the secret must hold 1 to 64 keys",
		`["a"]`:                        "secret_jwe: must encrypt",
		`{"a":1}`:                      "secret_jwe: must encrypt",
		`null`:                         "secret_jwe: must encrypt",
		`{"":"x"}`:                     "secret_jwe: a key must not be empty",
		`{"a":"` + strings.Repeat("x", 5000) + `"}`: "secret_jwe: the secret may hold at most 4096 bytes",
	} {
		if got := checkSecretValue([]byte(raw)); !strings.HasPrefix(got, want) || (want == "") != (got == "") {
			t.Errorf("checkSecretValue(%.40s) = %q, want %q", raw, got, want)
		}
	}
}
