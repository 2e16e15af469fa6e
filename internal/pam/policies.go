package pam

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Resource types, selector kinds and privileges of security policy rules (the spec's enums).
const (
	ServerBasedResource = "server_based_resource"

	SelectIndividualServer        = "individual_server"
	SelectIndividualServerAccount = "individual_server_account"
	SelectServerLabel             = "server_label"

	AccountsNone     = "none"     // a label selector's accounts: every account of the servers
	AccountsUsername = "username" // only the accounts named

	PrivilegePasswordCheckoutSSH = "password_checkout_ssh"
	PrivilegePasswordCheckoutRDP = "password_checkout_rdp"
	PrivilegeRevealPassword      = "reveal_password"
	PrivilegeRotatePassword      = "rotate_password"
	PrivilegeUpdatePassword      = "update_password"
	PrivilegePrincipalAccountSSH = "principal_account_ssh"
	PrivilegePrincipalAccountRDP = "principal_account_rdp"

	maxPolicyGroups = 40
	maxPolicyRules  = 30
)

var (
	resourceTypes = []string{"active_directory_based_resource", "managed_saas_app_based_resource", "okta_app_based_resource",
		SecretBasedResource, ServerBasedResource, "unmanaged_saas_app_based_resource"}
	serverSelectorKinds = []string{SelectIndividualServer, SelectIndividualServerAccount, SelectServerLabel}
	privilegeTypes      = []string{PrivilegePasswordCheckoutRDP, PrivilegePasswordCheckoutSSH, PrivilegePrincipalAccountRDP,
		PrivilegePrincipalAccountSSH, PrivilegeRevealPassword, PrivilegeRotatePassword, PrivilegeSecret, PrivilegeUpdatePassword}
	// serverPrivileges are the privileges a server-based rule may grant.
	serverPrivileges = []string{PrivilegePasswordCheckoutRDP, PrivilegePasswordCheckoutSSH, PrivilegePrincipalAccountRDP,
		PrivilegePrincipalAccountSSH, PrivilegeRevealPassword, PrivilegeRotatePassword, PrivilegeUpdatePassword}
	conditionTypes = []string{"access_request", "gateway", "mfa"}
	policyTypes    = []string{"default", "okta_service_account"}
)

// SecurityPolicy grants its groups privileges on the resources its rules select, within its
// resource group, while it is active.
type SecurityPolicy struct {
	ID              string
	Name            string
	Description     string
	Active          bool
	Type            string // "" when not sent
	ResourceGroupID string
	Groups          []store.OPAGroup // the principals' user groups, by id
	Rules           []PolicyRule
	// WorkloadRoles are the principals' workload roles, stored and returned as given.
	WorkloadRoles json.RawMessage
	CreatedAt     time.Time
}

// PolicyRule grants privileges on the resources its selector picks. Server-based selectors are
// understood (Servers); the others are kept as sent (Selector). Conditions (access requests,
// MFA, gateways) are stored and returned but not enforced.
type PolicyRule struct {
	Name                    string           `json:"name"`
	ResourceType            string           `json:"resource_type"`
	Servers                 []ServerSelector `json:"servers,omitempty"`
	Selector                json.RawMessage  `json:"selector,omitempty"`
	Privileges              []Privilege      `json:"privileges"`
	OverrideCheckoutSeconds *int             `json:"override_checkout_duration_in_seconds,omitempty"`
	Conditions              []Condition      `json:"conditions,omitempty"`
}

// ServerSelector picks server accounts: every account of one server, one account of one server,
// or the accounts (all, or those named) of the servers carrying all the labels.
type ServerSelector struct {
	Kind            string            `json:"kind"`
	ServerID        string            `json:"server_id,omitempty"`
	AccountName     string            `json:"account_name,omitempty"`
	Labels          map[string]string `json:"labels,omitempty"`
	AccountSelector string            `json:"account_selector,omitempty"`
	Usernames       []string          `json:"usernames,omitempty"`
}

// Privilege is one privilege of a rule: Granted is its flag (e.g. password_checkout_ssh: true);
// Value is the whole privilege_value as sent, returned as stored.
type Privilege struct {
	Type    string          `json:"type"`
	Granted bool            `json:"granted"`
	Value   json.RawMessage `json:"value"`
}

// Condition is one condition of a rule, stored and returned as sent.
type Condition struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// check returns the causes against a policy as sent (before its groups and resource group are
// looked up).
func (p SecurityPolicy) check(groupIDs []string) []string {
	cs := []string{checkPrincipalName("name", p.Name), checkText("description", p.Description)}
	if p.Type != "" && !slices.Contains(policyTypes, p.Type) {
		cs = append(cs, "type: must be one of "+listed(policyTypes))
	}
	if p.ResourceGroupID == "" || !storable(p.ResourceGroupID) {
		cs = append(cs, "resource_group: an id is required")
	}
	if len(groupIDs) > maxPolicyGroups {
		cs = append(cs, fmt.Sprintf("principals.user_groups: at most %d groups", maxPolicyGroups))
	}
	for _, id := range groupIDs {
		if id == "" || !storable(id) {
			cs = append(cs, "principals.user_groups: every group needs an id")
		}
	}
	if len(p.Rules) > maxPolicyRules {
		cs = append(cs, fmt.Sprintf("rules: at most %d rules", maxPolicyRules))
	}
	for i, r := range p.Rules {
		cs = append(cs, r.check(fmt.Sprintf("rules[%d]", i))...)
	}
	return causes(cs...)
}

func (r PolicyRule) check(at string) []string {
	cs := []string{checkPrincipalName(at+".name", r.Name)}
	if !slices.Contains(resourceTypes, r.ResourceType) {
		cs = append(cs, at+".resource_type: must be one of "+listed(resourceTypes))
	}
	if r.ResourceType == ServerBasedResource {
		if len(r.Servers) == 0 {
			cs = append(cs, at+".resource_selector.selectors: at least one selector is required")
		}
		for i, s := range r.Servers {
			cs = append(cs, s.check(fmt.Sprintf("%s.resource_selector.selectors[%d]", at, i)))
		}
	}
	cs = append(cs, r.checkServiceAccountSelector(at)...) // udsaas_access.go
	if r.ResourceType == ActiveDirectoryBasedResource {
		cs = append(cs, checkADSelector(at+".resource_selector", r.Selector))
	}
	if r.ResourceType == SecretBasedResource {
		cs = append(cs, checkSecretSelector(at+".resource_selector", r.Selector)) // secrets_access.go
	}
	if len(r.Privileges) == 0 {
		cs = append(cs, at+".privileges: at least one privilege is required")
	}
	for i, p := range r.Privileges {
		field := fmt.Sprintf("%s.privileges[%d]", at, i)
		switch {
		case !slices.Contains(privilegeTypes, p.Type):
			cs = append(cs, field+".privilege_type: must be one of "+listed(privilegeTypes))
		case r.ResourceType == ServerBasedResource && !slices.Contains(serverPrivileges, p.Type):
			cs = append(cs, field+".privilege_type: "+p.Type+" does not apply to servers")
		case r.ResourceType == ActiveDirectoryBasedResource && !slices.Contains(adPrivileges, p.Type):
			cs = append(cs, field+".privilege_type: "+p.Type+" does not apply to Active Directory accounts")
		case (r.ResourceType == SecretBasedResource) != (p.Type == PrivilegeSecret):
			cs = append(cs, field+".privilege_type: secret privileges apply to secret_based_resource rules only, and only they do")
		}
	}
	if o := r.OverrideCheckoutSeconds; o != nil {
		cs = append(cs, checkRange(at+".override_checkout_duration_in_seconds", *o, MinCheckoutSeconds, MaxCheckoutSeconds))
	}
	for i, c := range r.Conditions {
		if !slices.Contains(conditionTypes, c.Type) {
			cs = append(cs, fmt.Sprintf("%s.conditions[%d].condition_type: must be one of %s", at, i, listed(conditionTypes)))
		}
	}
	return cs
}

func (s ServerSelector) check(at string) string {
	switch s.Kind {
	case SelectIndividualServer, SelectIndividualServerAccount:
		if s.ServerID == "" || !storable(s.ServerID) {
			return at + ".selector.server: an id is required"
		}
		if s.Kind == SelectIndividualServerAccount && (s.AccountName == "" || !storable(s.AccountName)) {
			return at + ".selector.username: is required"
		}
	case SelectServerLabel:
		if len(s.Labels) == 0 {
			return at + ".selector.server_selector.labels: at least one label is required"
		}
		for k, v := range s.Labels {
			if !storable(k) || !storable(v) {
				return at + ".selector.server_selector.labels: must be valid UTF-8 without NUL bytes"
			}
		}
		switch s.AccountSelector {
		case AccountsNone:
		case AccountsUsername:
			if len(s.Usernames) == 0 || slices.ContainsFunc(s.Usernames, func(u string) bool { return u == "" || !storable(u) }) {
				return at + ".selector.account_selector.usernames: at least one user name is required"
			}
		default:
			return at + ".selector.account_selector_type: must be none or username"
		}
	default:
		return at + ".selector_type: must be one of " + listed(serverSelectorKinds)
	}
	return ""
}
