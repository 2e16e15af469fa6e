package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// project is the prefix of a project's own paths.
const project = team + "/resource_groups/{resource_group_id}/projects/{project_id}"

// serverRoutes are enrollment tokens, servers and server accounts (api/opa-projects.yaml).
func (h *Handlers) serverRoutes() []wire.Route {
	const (
		ra, dra = pam.RoleResourceAdmin, pam.RoleDelegatedResourceAdmin
		sa, dsa = pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin
	)
	return []wire.Route{
		bearer("GET", project+"/server_enrollment_tokens", "ListResourceGroupProjectServerEnrollmentTokens", h.listResourceGroupProjectServerEnrollmentTokens, ra, dra),
		bearer("POST", project+"/server_enrollment_tokens", "CreateResourceGroupProjectServerEnrollmentToken", h.createResourceGroupProjectServerEnrollmentToken, ra, dra),
		bearer("GET", project+"/server_enrollment_tokens/{server_enrollment_token_id}", "GetResourceGroupProjectServerEnrollmentToken", h.getResourceGroupProjectServerEnrollmentToken, ra, dra),
		bearer("DELETE", project+"/server_enrollment_tokens/{server_enrollment_token_id}", "RemoveResourceGroupProjectServerEnrollmentToken", h.removeResourceGroupProjectServerEnrollmentToken, ra, dra),

		bearer("GET", project+"/servers", "ListResourceGroupProjectServers", h.listResourceGroupProjectServers, ra, dra),
		bearer("GET", project+"/servers/{server_id}", "GetResourceGroupProjectServer", h.getResourceGroupProjectServer, ra, dra),
		bearer("DELETE", project+"/servers/{server_id}", "DeleteResourceGroupProjectServer", h.deleteResourceGroupProjectServer, ra, dra),
		bearer("GET", team+"/resource_groups/{resource_group_id}/all_servers", "ListAllServersForResourceGroup", h.listAllServersForResourceGroup, sa, dsa),
		bearer("GET", team+"/all_servers", "ListAllServersForAdmin", h.listAllServersForAdmin, sa),
		bearer("GET", team+"/servers", "ListServers", h.listServers, pam.RoleEndUser),

		bearer("GET", project+"/server_accounts", "ListServerAccountsForProject", h.listServerAccountsForProject, ra, dra),
		bearer("GET", project+"/server_accounts/{server_account_id}", "GetServerAccountDetails", h.getServerAccountDetails, ra, dra),
		bearer("GET", project+"/servers/{server_id}/server_accounts", "ListServerAccountsForServer", h.listServerAccountsForServer, ra, dra),
		bearer("GET", team+"/resource_groups/{resource_group_id}/all_server_accounts", "ListAllServerAccountResourcesForDelegatedSecurityAdmin", h.listAllServerAccountResourcesForDelegatedSecurityAdmin, sa, dsa),
		bearer("GET", team+"/all_server_accounts", "ListAllServerAccountResourcesForSecurityAdmin", h.listAllServerAccountResourcesForSecurityAdmin, sa),
	}
}
