package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// udsaasRoutes are SaaS app instances, the staged Universal Directory and SaaS service accounts
// and their assignment, the UD and SaaS operations of projects, the end users' views and the
// security admins' all_… lists, and the end users' reveal, rotation, credential update and user
// access methods of the accounts (api/opa-projects.yaml; checkout through pam's checkout targets).
func (h *Handlers) udsaasRoutes() []wire.Route {
	const (
		ra, sa   = pam.RoleResourceAdmin, pam.RoleSecurityAdmin
		dra, dsa = pam.RoleDelegatedResourceAdmin, pam.RoleDelegatedSecurityAdmin
		eu       = pam.RoleEndUser
		ud, saas = store.ServiceAccountUD, store.ServiceAccountSaaS
		conn     = team + "/connections/saas_apps/{saas_app_instance_id}"
		staged   = team + "/resource_assignment/universal_directory/accounts"
		udAcct   = "okta_universal_directory_account_id"
		saasAcct = "saas_app_account_id"
		app      = team + "/saas_apps/{saas_app_instance_id}"
		rg       = team + "/resource_groups/{resource_group_id}"
		udPath   = team + "/okta_universal_directory_accounts/{" + udAcct + "}"
		saasPath = app + "/accounts/{" + saasAcct + "}"
	)
	return []wire.Route{
		bearer("GET", team+"/connections/saas_apps", "ListAppInstancesForTeam", h.listAppInstancesForTeam, ra),
		bearer("GET", conn, "GetAppInstanceForTeam", h.getAppInstanceForTeam, ra),
		bearer("PATCH", conn, "PatchAppInstance", h.patchAppInstance, ra),
		bearer("GET", staged, "ListStagedServiceAccounts", h.listStagedServiceAccounts, ra),
		bearer("PUT", staged+"/{staged_service_account_id}/assign/{project_id}", "AssignStagedServiceAccount", h.assignStagedServiceAccount, ra),

		bearer("GET", projectPath+"/okta_universal_directory_accounts", "ListResourceGroupProjectOktaUniversalDirectoryAccounts", h.listProjectServiceAccounts(ud), ra, dra),
		bearer("GET", projectPath+"/okta_universal_directory_accounts/{"+udAcct+"}", "GetOktaUniversalDirectoryAccountDetails", h.getProjectServiceAccount(ud, udAcct), ra, sa, dra, dsa),
		bearer("GET", projectPath+"/okta_universal_directory_checkout_settings", "FetchResourceGroupOktaUniversalDirectoryBasedProjectCheckoutSettings", h.fetchServiceAccountCheckoutSettings(ud), ra, sa, dra, dsa),
		bearer("PUT", projectPath+"/okta_universal_directory_checkout_settings", "UpdateResourceGroupOktaUniversalDirectoryBasedProjectCheckoutSettings", h.updateServiceAccountCheckoutSettings(ud), sa, dsa),
		bearer("GET", projectPath+"/okta_universal_directory_password_settings", "GetProjectPasswordPolicyForOktaUniversalDirectoryResources", h.getServiceAccountPasswordPolicy(ud), ra, dra),
		bearer("PUT", projectPath+"/okta_universal_directory_password_settings", "UpdateProjectPasswordPolicyForOktaUniversalDirectoryResources", h.updateServiceAccountPasswordPolicy(ud), ra, dra),
		bearer("GET", projectPath+"/saas_app_accounts", "ListResourceGroupProjectSaasAppAccounts", h.listProjectServiceAccounts(saas), ra, dra),
		bearer("GET", projectPath+"/saas_app_accounts/{"+saasAcct+"}", "GetSaasAppAccountDetails", h.getProjectServiceAccount(saas, saasAcct), ra, sa, dra, dsa),
		bearer("GET", projectPath+"/saas_app_checkout_settings", "FetchResourceGroupSaasAppBasedProjectCheckoutSettings", h.fetchServiceAccountCheckoutSettings(saas), ra, sa, dra, dsa),
		bearer("PUT", projectPath+"/saas_app_checkout_settings", "UpdateResourceGroupSaasAppBasedProjectCheckoutSettings", h.updateServiceAccountCheckoutSettings(saas), sa, dsa),
		bearer("GET", projectPath+"/saas_app_password_settings", "GetProjectPasswordPolicyForSaasAppResources", h.getServiceAccountPasswordPolicy(saas), ra, dra),
		bearer("PUT", projectPath+"/saas_app_password_settings", "UpdateProjectPasswordPolicyForSaasAppResources", h.updateServiceAccountPasswordPolicy(saas), ra, dra),

		bearer("GET", team+"/okta_universal_directory_accounts", "ListOktaUDServiceAccountsEndUser", h.listUserServiceAccounts(ud), eu),
		bearer("GET", team+"/okta_universal_directory_accounts/{"+udAcct+"}", "GetOktaUDServiceAccountEndUser", h.getUserServiceAccount(ud, udAcct), eu),
		bearer("GET", team+"/saas_apps", "ListSaasApplicationsAccessibleByUser", h.listSaasApplicationsAccessibleByUser, eu),
		bearer("GET", app, "GetSaasApplicationAccessibleByUser", h.getSaasApplicationAccessibleByUser, eu),
		bearer("GET", app+"/accounts", "ListSaaSApplicationServiceAccountsEndUser", h.listUserServiceAccounts(saas), eu),
		bearer("GET", app+"/accounts/{"+saasAcct+"}", "GetSaaSApplicationServiceAccountEndUser", h.getUserServiceAccount(saas, saasAcct), eu),

		bearer("POST", udPath+"/reveal_credentials", "revealOktaUniversalDirectoryAccountPassword", h.revealServiceAccountPassword(ud), eu),
		bearer("POST", udPath+"/rotate_password", "oktaUDAccountRotatePassword", h.rotateServiceAccountPassword(ud), eu),
		bearer("GET", udPath+"/user_access_methods", "ListUAMForOktaUDAccount", h.listUAMForServiceAccount(ud), eu),
		bearer("POST", saasPath+"/reveal_credentials", "revealSaasAppAccountPassword", h.revealServiceAccountPassword(saas), eu),
		bearer("POST", saasPath+"/rotate_password", "saasAppAccountRotatePassword", h.rotateServiceAccountPassword(saas), eu),
		bearer("GET", saasPath+"/user_access_methods", "ListUAMForSaaSApplicationAccount", h.listUAMForServiceAccount(saas), eu),
		bearer("PUT", saasPath+"/credentials", "updateSaasAppAccountPassword", h.updateSaasAppAccountPassword, eu),

		bearer("GET", team+"/all_okta_universal_directory_accounts", "ListAllOktaUniversalDirectoryAccountsForSecurityAdmin", h.listAllServiceAccounts(ud, false), sa),
		bearer("GET", team+"/all_saas_app_accounts", "ListAllSaasAppAccountsForSecurityAdmin", h.listAllServiceAccounts(saas, false), sa),
		bearer("GET", rg+"/all_okta_universal_directory_accounts", "ListAllOktaUniversalDirectoryAccountsForDelegatedSecurityAdmin", h.listAllServiceAccounts(ud, true), sa, dsa),
		bearer("GET", rg+"/all_saas_app_accounts", "ListAllSaasAppAccountsForDelegatedSecurityAdmin", h.listAllServiceAccounts(saas, true), sa, dsa),
	}
}
