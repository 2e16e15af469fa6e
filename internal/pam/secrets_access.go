package pam

import (
	"encoding/json"
	"slices"

	"github.com/keyward/keyward/internal/store"
)

// Secret-based rules: the resource type, its selector kinds and its one privilege type.
const (
	SecretBasedResource = "secret_based_resource"
	SelectSecretFolder  = "secret_folder"
	SelectSecret        = "secret"
	PrivilegeSecret     = "secret"
)

// SecretPrivileges are what a user may do with one secret folder or secret (the flags of the
// spec's SecurityPolicySecretPrivilege).
type SecretPrivileges struct {
	List         bool `json:"list"`
	FolderCreate bool `json:"folder_create"`
	FolderUpdate bool `json:"folder_update"`
	FolderDelete bool `json:"folder_delete"`
	SecretCreate bool `json:"secret_create"`
	SecretUpdate bool `json:"secret_update"`
	SecretReveal bool `json:"secret_reveal"`
	SecretDelete bool `json:"secret_delete"`
}

// Any reports whether any privilege is held.
func (p SecretPrivileges) Any() bool { return p != SecretPrivileges{} }

func (p SecretPrivileges) or(q SecretPrivileges) SecretPrivileges {
	return SecretPrivileges{p.List || q.List, p.FolderCreate || q.FolderCreate, p.FolderUpdate || q.FolderUpdate,
		p.FolderDelete || q.FolderDelete, p.SecretCreate || q.SecretCreate, p.SecretUpdate || q.SecretUpdate,
		p.SecretReveal || q.SecretReveal, p.SecretDelete || q.SecretDelete}
}

// secretSelector is one selector of a secret-based rule: a folder (and everything in it) or one
// secret, by id.
type secretSelector struct {
	Kind string
	ID   string
}

// secretResourceSelector is a secret-based rule's resource_selector as the spec shapes it.
type secretResourceSelector struct {
	Selectors []struct {
		SelectorType string `json:"selector_type"`
		Selector     struct {
			Folder *struct {
				ID string `json:"id"`
			} `json:"secret_folder"`
			Secret *struct {
				ID string `json:"id"`
			} `json:"secret"`
		} `json:"selector"`
	} `json:"selectors"`
}

// secretSelectors reads a secret-based rule's selectors; ok is false when they are not shaped
// as the spec says (such a rule grants nothing, and is refused when a policy is written).
func secretSelectors(raw json.RawMessage) (out []secretSelector, ok bool) {
	var rs secretResourceSelector
	if json.Unmarshal(raw, &rs) != nil || len(rs.Selectors) == 0 {
		return nil, false
	}
	for _, s := range rs.Selectors {
		sel := secretSelector{Kind: s.SelectorType}
		switch {
		case s.SelectorType == SelectSecretFolder && s.Selector.Folder != nil:
			sel.ID = s.Selector.Folder.ID
		case s.SelectorType == SelectSecret && s.Selector.Secret != nil:
			sel.ID = s.Selector.Secret.ID
		}
		if sel.ID == "" || !storable(sel.ID) {
			return nil, false
		}
		out = append(out, sel)
	}
	return out, true
}

// checkSecretSelector returns the cause against a secret-based rule's resource selector, ""
// when fine.
func checkSecretSelector(at string, raw json.RawMessage) string {
	if _, ok := secretSelectors(raw); !ok {
		return at + ".selectors: at least one selector is required, each a secret_folder or a secret with an id"
	}
	return ""
}

// secretRulePrivileges are the privileges a secret-based rule grants (its "secret" privileges'
// flags together).
func secretRulePrivileges(r PolicyRule) SecretPrivileges {
	var held SecretPrivileges
	for _, p := range r.Privileges {
		var flags SecretPrivileges
		if p.Type == PrivilegeSecret && json.Unmarshal(p.Value, &flags) == nil {
			held = held.or(flags)
		}
	}
	return held
}

// SecretItemRef places a secret folder or secret for evaluation: its resource group, its id and
// kind, and the ids of the folders above it, the top-level folder first.
type SecretItemRef struct {
	ResourceGroupID string
	ID              string
	Kind            string // store.SecretFolder or store.SecretKeyValue
	Path            []string
}

// EvaluateSecret is the decision, without I/O: the privileges the active policies (all already
// known to name one of the user's groups) grant on the item through their secret-based rules
// in its resource group. A secret_folder selector grants on that folder and on everything in
// it, at any depth; a secret selector on that one secret.
func EvaluateSecret(policies []SecurityPolicy, it SecretItemRef) SecretPrivileges {
	var held SecretPrivileges
	for _, r := range secretRules(policies, it.ResourceGroupID) {
		sels, _ := secretSelectors(r.Selector)
		if slices.ContainsFunc(sels, func(s secretSelector) bool { return s.picks(it) }) {
			held = held.or(secretRulePrivileges(r))
		}
	}
	return held
}

func (s secretSelector) picks(it SecretItemRef) bool {
	switch s.Kind {
	case SelectSecretFolder:
		return slices.Contains(it.Path, s.ID) || it.Kind == store.SecretFolder && it.ID == s.ID
	case SelectSecret:
		return it.Kind == store.SecretKeyValue && it.ID == s.ID
	}
	return false
}

// secretRules are the secret-based rules of the active policies in one resource group.
func secretRules(policies []SecurityPolicy, rgID string) []PolicyRule {
	var out []PolicyRule
	for _, p := range policies {
		if !p.Active || p.ResourceGroupID != rgID {
			continue
		}
		for _, r := range p.Rules {
			if r.ResourceType == SecretBasedResource {
				out = append(out, r)
			}
		}
	}
	return out
}

// secretTargets are the ids of the folders and secrets the policies' secret-based rules in one
// resource group select while granting something: the places a user may reach by browsing.
func secretTargets(policies []SecurityPolicy, rgID string) []string {
	var ids []string
	for _, r := range secretRules(policies, rgID) {
		if !secretRulePrivileges(r).Any() {
			continue
		}
		sels, _ := secretSelectors(r.Selector)
		for _, s := range sels {
			ids = append(ids, s.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
