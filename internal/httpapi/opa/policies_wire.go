package opa

import "encoding/json"

// The security policy as the spec writes it. Every polymorphic object carries the `_type` its
// schema's discriminator needs (the resource selector, each sub-selector, account selector,
// privilege value and condition value); keyward fills in a missing one from the type named
// beside it, and refuses one that contradicts it.

type policyPrincipals struct {
	UserGroups    []namedObject   `json:"user_groups"`
	WorkloadRoles json.RawMessage `json:"workload_roles,omitempty"`
}

type securityPolicy struct {
	ID            string            `json:"id,omitempty"`
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Active        *bool             `json:"active"`
	Principals    *policyPrincipals `json:"principals"`
	ResourceGroup *namedObject      `json:"resource_group,omitempty"`
	Rules         []policyRule      `json:"rules"`
	Type          string            `json:"type,omitempty"`
}

type policyRule struct {
	Name                              string           `json:"name"`
	ResourceType                      string           `json:"resource_type"`
	ResourceSelector                  json.RawMessage  `json:"resource_selector"`
	Privileges                        []typedValue     `json:"privileges"`
	OverrideCheckoutDurationInSeconds *int             `json:"override_checkout_duration_in_seconds"`
	Conditions                        []typedCondition `json:"conditions,omitempty"`
	SecurityPolicyID                  *string          `json:"security_policy_id,omitempty"`
}

// typedValue is a privilege container: privilege_type and its privilege_value object.
type typedValue struct {
	PrivilegeType  string          `json:"privilege_type"`
	PrivilegeValue json.RawMessage `json:"privilege_value"`
}

type typedCondition struct {
	ConditionType  string          `json:"condition_type"`
	ConditionValue json.RawMessage `json:"condition_value"`
}

// serverResourceSelector is SecurityPolicyRuleServerBasedResourceSelector. Its `_type` is the
// discriminator mapping's key, server_based_resource (see docs/opa.md).
type serverResourceSelector struct {
	Type      string                   `json:"_type"`
	Selectors []serverSelectorEnvelope `json:"selectors"`
}

type serverSelectorEnvelope struct {
	SelectorType string         `json:"selector_type"`
	Selector     serverSelector `json:"selector"`
}

type serverSelector struct {
	Type                string           `json:"_type"`
	Server              *namedObject     `json:"server,omitempty"`
	ServerID            *namedObject     `json:"server_id,omitempty"` // the upstream examples' spelling, read only
	Username            string           `json:"username,omitempty"`
	ServerSelector      *labelSelector   `json:"server_selector,omitempty"`
	AccountSelectorType string           `json:"account_selector_type,omitempty"`
	AccountSelector     *accountSelector `json:"account_selector,omitempty"`
}

type labelSelector struct {
	Labels map[string]string `json:"labels"`
}

type accountSelector struct {
	Type      string   `json:"_type"`
	Usernames []string `json:"usernames,omitempty"`
}
