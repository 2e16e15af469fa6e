package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// policyRoutes are project checkout settings and password policies, security policies, random
// passwords and the vault (api/opa-projects.yaml, api/opa-team.yaml). The settings rows of every
// account kind share one handler pair, parameterised by the kind.
func (h *Handlers) policyRoutes() []wire.Route {
	const (
		ra, sa   = pam.RoleResourceAdmin, pam.RoleSecurityAdmin
		dra, dsa = pam.RoleDelegatedResourceAdmin, pam.RoleDelegatedSecurityAdmin
	)
	return []wire.Route{
		bearer("GET", projectPath+"/server_checkout_settings", "FetchResourceGroupServerBasedProjectCheckoutSettings", h.fetchCheckoutSettings(pam.ServerAccounts), ra, sa, dra, dsa),
		bearer("PUT", projectPath+"/server_checkout_settings", "UpdateResourceGroupServerBasedProjectCheckoutSettings", h.updateCheckoutSettings(pam.ServerAccounts), sa, dsa),
		bearer("GET", projectPath+"/server_password_settings", "GetPasswordPolicyForProject", h.getPasswordPolicy(pam.ServerAccounts), ra, dra),
		bearer("PUT", projectPath+"/server_password_settings", "UpdatePasswordPolicyForProject", h.updatePasswordPolicy(pam.ServerAccounts), ra, dra),
		bearer("GET", team+"/security_policy", "ListSecurityPolicies", h.listSecurityPolicies, sa),
		bearer("POST", team+"/security_policy", "CreateSecurityPolicy", h.createSecurityPolicy, sa, dsa),
		bearer("GET", team+"/security_policy/{security_policy_id}", "GetSecurityPolicy", h.getSecurityPolicy, sa, dsa),
		bearer("PUT", team+"/security_policy/{security_policy_id}", "UpdateSecurityPolicy", h.updateSecurityPolicy, sa, dsa),
		bearer("DELETE", team+"/security_policy/{security_policy_id}", "DeleteSecurityPolicy", h.deleteSecurityPolicy, sa, dsa),
		bearer("POST", team+"/random_password", "CreateRandomPassword", h.createRandomPassword, pam.RoleEndUser),
		bearer("GET", team+"/vault/jwks.json", "GetVaultJWKS", h.getVaultJWKS),
	}
}
