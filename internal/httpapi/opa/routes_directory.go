package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// directoryRoutes are Active Directory connections, their accounts, account rules and matches,
// and the AD operations of projects (api/opa-projects.yaml).
func (h *Handlers) directoryRoutes() []wire.Route {
	const (
		ra, sa   = pam.RoleResourceAdmin, pam.RoleSecurityAdmin
		dra, dsa = pam.RoleDelegatedResourceAdmin, pam.RoleDelegatedSecurityAdmin
		conn     = team + "/connections/active_directory/{ad_connection_id}"
		assign   = team + "/resource_assignment/active_directory/{ad_connection_id}"
		account  = assign + "/accounts/{ad_account_id}"
		rule     = assign + "/rules/{ad_account_rule_id}"
	)
	return []wire.Route{
		bearer("GET", team+"/connections/active_directory", "listActiveDirectoryConnections", h.listActiveDirectoryConnections, ra, sa),
		bearer("GET", conn, "getActiveDirectoryConnection", h.getActiveDirectoryConnection, ra, sa),
		bearer("PUT", conn+"/status", "updateActiveDirectoryConnectionStatus", h.updateActiveDirectoryConnectionStatus, ra),
		bearer("GET", assign+"/accounts", "listActiveDirectoryAccounts", h.listActiveDirectoryAccounts, ra),
		bearer("GET", account, "getActiveDirectoryAccount", h.getActiveDirectoryAccount, ra),
		bearer("GET", account+"/match", "getActiveDirectoryAccountMatch", h.getActiveDirectoryAccountMatch, ra),
		bearer("PUT", account+"/match", "updateActiveDirectoryAccountMatch", h.updateActiveDirectoryAccountMatch, ra),
		bearer("PUT", assign+"/force_sync", "startActiveDirectoryAccountForceSync", h.startActiveDirectoryAccountForceSync, ra),
		bearer("GET", assign+"/sync_status", "getActiveDirectoryAccountSyncStatus", h.getActiveDirectoryAccountSyncStatus, ra),
		bearer("GET", assign+"/rule_settings", "getActiveDirectoryAccountRuleSettings", h.getActiveDirectoryAccountRuleSettings, ra),
		bearer("POST", assign+"/rule_settings", "configureActiveDirectoryAccountRuleSettings", h.configureActiveDirectoryAccountRuleSettings, ra),
		bearer("GET", assign+"/rules", "listActiveDirectoryAccountRules", h.listActiveDirectoryAccountRules, ra),
		bearer("POST", assign+"/rules", "createActiveDirectoryAccountRule", h.createActiveDirectoryAccountRule, ra),
		bearer("POST", assign+"/rules/reorder", "reorderActiveDirectoryAccountRules", h.reorderActiveDirectoryAccountRules, ra),
		bearer("GET", rule, "GetActiveDirectoryAccountRule", h.getActiveDirectoryAccountRule, ra),
		bearer("PUT", rule, "UpdateActiveDirectoryAccountRule", h.updateActiveDirectoryAccountRule, ra),
		bearer("DELETE", rule, "DeleteActiveDirectoryAccountRule", h.deleteActiveDirectoryAccountRule, ra),
		bearer("GET", projectPath+"/active_directory_accounts", "ListResourceGroupProjectActiveDirectoryAccounts", h.listResourceGroupProjectActiveDirectoryAccounts, ra, sa, dra, dsa),
		bearer("GET", projectPath+"/active_directory_accounts/{ad_account_id}", "GetActiveDirectoryAccountDetails", h.getActiveDirectoryAccountDetails, ra, sa, dra, dsa),
		bearer("GET", projectPath+"/active_directory_checkout_settings", "FetchResourceGroupActiveDirectoryBasedProjectCheckoutSettings", h.fetchResourceGroupActiveDirectoryBasedProjectCheckoutSettings, ra, sa, dra, dsa),
		bearer("PUT", projectPath+"/active_directory_checkout_settings", "UpdateResourceGroupActiveDirectoryBasedProjectCheckoutSettings", h.updateResourceGroupActiveDirectoryBasedProjectCheckoutSettings, sa, dsa),
		bearer("GET", projectPath+"/active_directory_password_settings", "GetProjectPasswordPolicyForActiveDirectoryResources", h.getProjectPasswordPolicyForActiveDirectoryResources, ra, dra),
		bearer("PUT", projectPath+"/active_directory_password_settings", "UpdateProjectPasswordPolicyForActiveDirectoryResources", h.updateProjectPasswordPolicyForActiveDirectoryResources, ra, dra),
	}
}
