package opa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// serverSelectorType is the `_type` of a server-based resource selector: the discriminator
// mapping's key. The schema's own enum says server_based_resource_selector, which its
// discriminator cannot reach; OPA's generated clients dispatch on the mapping key.
const serverSelectorType = pam.ServerBasedResource

// input turns a decoded policy into the domain's, or an Invalid fault naming the field.
func (in securityPolicy) input() (pam.PolicyInput, error) {
	var cs []string
	if in.Active == nil {
		cs = append(cs, "active: is required")
	}
	if in.Principals == nil {
		cs = append(cs, "principals: is required")
	}
	if in.Rules == nil {
		cs = append(cs, "rules: is required")
	}
	if len(cs) > 0 {
		return pam.PolicyInput{}, fault.Invalidf("SecurityPolicy", cs...)
	}
	p := pam.SecurityPolicy{Name: in.Name, Description: in.Description, Active: *in.Active, Type: in.Type,
		WorkloadRoles: in.Principals.WorkloadRoles}
	if in.ResourceGroup != nil {
		p.ResourceGroupID = in.ResourceGroup.ID
	}
	ids := make([]string, len(in.Principals.UserGroups))
	for i, g := range in.Principals.UserGroups {
		ids[i] = g.ID
	}
	for i, r := range in.Rules {
		rule, c := r.rule(fmt.Sprintf("rules[%d]", i))
		cs = append(cs, c...)
		p.Rules = append(p.Rules, rule)
	}
	if len(cs) > 0 {
		return pam.PolicyInput{}, fault.Invalidf("SecurityPolicy", cs...)
	}
	return pam.PolicyInput{Policy: p, GroupIDs: ids}, nil
}

func (r policyRule) rule(at string) (pam.PolicyRule, []string) {
	out := pam.PolicyRule{Name: r.Name, ResourceType: r.ResourceType, OverrideCheckoutSeconds: r.OverrideCheckoutDurationInSeconds}
	var cs []string
	if !isObject(r.ResourceSelector) {
		cs = append(cs, at+".resource_selector: is required")
	} else if r.ResourceType == pam.ServerBasedResource {
		var sel serverResourceSelector
		if err := json.Unmarshal(r.ResourceSelector, &sel); err != nil {
			cs = append(cs, selectorDecodeCause(at+".resource_selector", err))
		}
		for i, s := range sel.Selectors {
			server, c := s.domain(fmt.Sprintf("%s.resource_selector.selectors[%d]", at, i))
			cs = append(cs, c...)
			out.Servers = append(out.Servers, server)
		}
	} else {
		out.Selector = r.ResourceSelector
	}
	for i, p := range r.Privileges {
		field := fmt.Sprintf("%s.privileges[%d].privilege_value", at, i)
		value, flags, err := typed(p.PrivilegeValue, p.PrivilegeType)
		if err != nil {
			cs = append(cs, field+": "+err.Error())
			continue
		}
		granted, ok := flags[p.PrivilegeType].(bool)
		if !ok && p.PrivilegeType != "secret" {
			cs = append(cs, field+"."+p.PrivilegeType+": is required (true or false)")
		}
		out.Privileges = append(out.Privileges, pam.Privilege{Type: p.PrivilegeType, Granted: granted, Value: value})
	}
	for i, c := range r.Conditions {
		value, _, err := typed(c.ConditionValue, c.ConditionType)
		if err != nil {
			cs = append(cs, fmt.Sprintf("%s.conditions[%d].condition_value: %s", at, i, err))
			continue
		}
		out.Conditions = append(out.Conditions, pam.Condition{Type: c.ConditionType, Value: value})
	}
	return out, cs
}

func (s serverSelectorEnvelope) domain(at string) (pam.ServerSelector, []string) {
	sel := s.Selector
	out := pam.ServerSelector{Kind: s.SelectorType, AccountName: sel.Username, AccountSelector: sel.AccountSelectorType}
	var cs []string
	if sel.Type != "" && sel.Type != s.SelectorType {
		cs = append(cs, fmt.Sprintf("%s.selector._type: %q contradicts selector_type %q", at, sel.Type, s.SelectorType))
	}
	switch {
	case sel.Server != nil:
		out.ServerID = sel.Server.ID
	case sel.ServerID != nil:
		out.ServerID = sel.ServerID.ID
	}
	if sel.ServerSelector != nil {
		out.Labels = sel.ServerSelector.Labels
	}
	if a := sel.AccountSelector; a != nil {
		if a.Type != "" && out.AccountSelector != "" && a.Type != out.AccountSelector {
			cs = append(cs, at+".selector.account_selector._type: contradicts account_selector_type")
		}
		if out.AccountSelector == "" {
			out.AccountSelector = a.Type
		}
		out.Usernames = a.Usernames
	}
	return out, cs
}

// typed reads a discriminated object, filling in a missing `_type` with want and refusing
// another: it returns the object re-encoded with its `_type`, and its fields.
func typed(raw json.RawMessage, want string) (json.RawMessage, map[string]any, error) {
	var fields map[string]any
	if !isObject(raw) || json.Unmarshal(raw, &fields) != nil {
		return nil, nil, fmt.Errorf("must be an object")
	}
	if t, ok := fields["_type"]; ok && t != want {
		return nil, nil, fmt.Errorf("_type %v contradicts %q", t, want)
	}
	fields["_type"] = want
	out, err := json.Marshal(fields)
	return out, fields, err
}

func isObject(raw json.RawMessage) bool {
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{"))
}

// policyOf is the policy as the API shows it.
func policyOf(p pam.SecurityPolicy) securityPolicy {
	active := p.Active
	out := securityPolicy{ID: p.ID, Name: p.Name, Description: p.Description, Active: &active, Type: p.Type,
		Principals:    &policyPrincipals{UserGroups: make([]namedObject, len(p.Groups)), WorkloadRoles: p.WorkloadRoles},
		ResourceGroup: &namedObject{ID: p.ResourceGroupID, Type: "resource_group"}, Rules: make([]policyRule, len(p.Rules))}
	for i, g := range p.Groups {
		out.Principals.UserGroups[i] = namedObject{ID: g.ID, Name: g.Name, Type: pam.GroupType}
	}
	for i, r := range p.Rules {
		out.Rules[i] = ruleOf(p.ID, r)
	}
	return out
}

func ruleOf(policyID string, r pam.PolicyRule) policyRule {
	out := policyRule{Name: r.Name, ResourceType: r.ResourceType, ResourceSelector: r.Selector, Privileges: []typedValue{},
		OverrideCheckoutDurationInSeconds: r.OverrideCheckoutSeconds, SecurityPolicyID: &policyID}
	if r.ResourceType == pam.ServerBasedResource {
		sel := serverResourceSelector{Type: serverSelectorType, Selectors: make([]serverSelectorEnvelope, len(r.Servers))}
		for i, s := range r.Servers {
			sel.Selectors[i] = serverSelectorEnvelope{SelectorType: s.Kind, Selector: selectorOf(s)}
		}
		out.ResourceSelector, _ = json.Marshal(sel) // plain structs always encode
	}
	for _, p := range r.Privileges {
		out.Privileges = append(out.Privileges, typedValue{PrivilegeType: p.Type, PrivilegeValue: p.Value})
	}
	for _, c := range r.Conditions {
		out.Conditions = append(out.Conditions, typedCondition{ConditionType: c.Type, ConditionValue: c.Value})
	}
	return out
}

func selectorOf(s pam.ServerSelector) serverSelector {
	out := serverSelector{Type: s.Kind}
	switch s.Kind {
	case pam.SelectIndividualServer, pam.SelectIndividualServerAccount:
		out.Server, out.Username = &namedObject{ID: s.ServerID, Type: "server"}, s.AccountName
	case pam.SelectServerLabel:
		out.ServerSelector = &labelSelector{Labels: s.Labels}
		out.AccountSelectorType = s.AccountSelector
		out.AccountSelector = &accountSelector{Type: s.AccountSelector, Usernames: s.Usernames}
	}
	return out
}

// selectorDecodeCause words a resource selector that does not decode: a value of the wrong JSON
// kind is named by its path and the kind expected (never Go's type names).
func selectorDecodeCause(at string, err error) string {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return at + ": must be a JSON object"
	}
	field := at
	if typeErr.Field != "" {
		field += "." + typeErr.Field
	}
	return field + ": must be " + wire.JSONKind(typeErr.Type)
}
