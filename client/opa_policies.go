package client

import (
	"context"
	"encoding/json"
	"net/http"
)

// SecurityPolicy grants its principals' groups privileges on the resources its rules select,
// within its resource group (the spec's SecurityPolicy).
type SecurityPolicy struct {
	ID            string                   `json:"id,omitempty"`
	Name          string                   `json:"name"`
	Description   string                   `json:"description,omitempty"`
	Active        bool                     `json:"active"`
	Principals    SecurityPolicyPrincipals `json:"principals"`
	ResourceGroup *NamedObject             `json:"resource_group,omitempty"`
	Rules         []SecurityPolicyRule     `json:"rules"`
}

// SecurityPolicyPrincipals are the groups a policy grants to.
type SecurityPolicyPrincipals struct {
	UserGroups []NamedObject `json:"user_groups"`
}

// SecurityPolicyRule selects resources and grants privileges on them. ResourceSelector is the
// selector object with its `_type` (see ServerSelector); conditions are kept as sent.
type SecurityPolicyRule struct {
	Name                              string                    `json:"name"`
	ResourceType                      string                    `json:"resource_type"`
	ResourceSelector                  json.RawMessage           `json:"resource_selector"`
	Privileges                        []SecurityPolicyPrivilege `json:"privileges"`
	OverrideCheckoutDurationInSeconds *int                      `json:"override_checkout_duration_in_seconds,omitempty"`
	Conditions                        []json.RawMessage         `json:"conditions,omitempty"`
	SecurityPolicyID                  *string                   `json:"security_policy_id,omitempty"`
}

// SecurityPolicyPrivilege is a privilege container; Grant builds one.
type SecurityPolicyPrivilege struct {
	PrivilegeType  string         `json:"privilege_type"`
	PrivilegeValue map[string]any `json:"privilege_value"`
}

// Grant is the privilege of privilegeType set to true, with its `_type`.
func Grant(privilegeType string) SecurityPolicyPrivilege {
	return SecurityPolicyPrivilege{PrivilegeType: privilegeType, PrivilegeValue: map[string]any{"_type": privilegeType, privilegeType: true}}
}

// ServerSelector is a server-based resource selector holding the sub-selectors given (made by
// IndividualServer, IndividualServerAccount and ServerLabels).
func ServerSelector(selectors ...map[string]any) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{"_type": "server_based_resource", "selectors": selectors}) // maps of plain values always encode
	return raw
}

// IndividualServer selects every account of one server.
func IndividualServer(serverID string) map[string]any {
	return map[string]any{"selector_type": "individual_server",
		"selector": map[string]any{"_type": "individual_server", "server": map[string]any{"id": serverID}}}
}

// IndividualServerAccount selects one account of one server.
func IndividualServerAccount(serverID, username string) map[string]any {
	return map[string]any{"selector_type": "individual_server_account",
		"selector": map[string]any{"_type": "individual_server_account", "server": map[string]any{"id": serverID}, "username": username}}
}

// ServerLabels selects the accounts named (every account when none is) of the servers holding
// all the labels.
func ServerLabels(labels map[string]string, usernames ...string) map[string]any {
	account := map[string]any{"_type": "none"}
	if len(usernames) > 0 {
		account = map[string]any{"_type": "username", "usernames": usernames}
	}
	return map[string]any{"selector_type": "server_label", "selector": map[string]any{"_type": "server_label",
		"server_selector": map[string]any{"labels": labels}, "account_selector_type": account["_type"], "account_selector": account}}
}

// ListSecurityPolicies lists the team's security policies (GET /security_policy), every page;
// opts.Contains matches names and descriptions.
func (o *OPA) ListSecurityPolicies(ctx context.Context, opts ListOptions) ([]SecurityPolicy, error) {
	return opaList[SecurityPolicy](ctx, o, o.url(opts.query(), "security_policy"))
}

// CreateSecurityPolicy is POST /security_policy; it returns the new policy.
func (o *OPA) CreateSecurityPolicy(ctx context.Context, p SecurityPolicy) (SecurityPolicy, error) {
	var out SecurityPolicy
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "security_policy"), p, &out)
	if err == nil && out.ID == "" {
		err = errNoID
	}
	return out, err
}

// GetSecurityPolicy is GET /security_policy/{security_policy_id}.
func (o *OPA) GetSecurityPolicy(ctx context.Context, id string) (SecurityPolicy, error) {
	var out SecurityPolicy
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "security_policy", id), nil, &out)
	return out, err
}

// UpdateSecurityPolicy is PUT /security_policy/{security_policy_id}: a full replace.
func (o *OPA) UpdateSecurityPolicy(ctx context.Context, id string, p SecurityPolicy) error {
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "security_policy", id), p, nil)
	return err
}

// DeleteSecurityPolicy is DELETE /security_policy/{security_policy_id}.
func (o *OPA) DeleteSecurityPolicy(ctx context.Context, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, "security_policy", id), nil, nil)
	return err
}
