package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// endUserRoutes are the end user's Active Directory domains and accounts, their reveal and
// rotation, and the security admins' lists of every AD account (api/opa-projects.yaml).
func (h *Handlers) endUserRoutes() []wire.Route {
	const (
		eu, sa, dsa = pam.RoleEndUser, pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin
		domain      = team + "/active_directory/{ad_connection_id}"
		account     = domain + "/accounts/{ad_account_id}"
	)
	return []wire.Route{
		bearer("GET", team+"/active_directory", "ListActiveDirectoryDomains", h.listActiveDirectoryDomains, eu),
		bearer("GET", domain, "GetActiveDirectoryDomainEndUser", h.getActiveDirectoryDomainEndUser, eu),
		bearer("GET", domain+"/accounts", "ListActiveDirectoryAccountsEndUser", h.listActiveDirectoryAccountsEndUser, eu),
		bearer("GET", account, "GetActiveDirectoryAccountEndUser", h.getActiveDirectoryAccountEndUser, eu),
		bearer("POST", account+"/reveal_credentials", "revealActiveDirectoryAccountPassword", h.revealActiveDirectoryAccountPassword, eu),
		bearer("POST", account+"/rotate_password", "rotateActiveDirectoryAccountPassword", h.rotateActiveDirectoryAccountPassword, eu),
		bearer("GET", account+"/user_access_methods", "ListUAMForActiveDirectoryAccount", h.listUAMForActiveDirectoryAccount, eu),
		bearer("GET", team+"/all_active_directory_accounts", "ListAllActiveDirectoryAccountsForSecurityAdmin", h.listAllActiveDirectoryAccountsForSecurityAdmin, sa),
		bearer("GET", team+"/resource_groups/{resource_group_id}/all_active_directory_accounts", "ListAllActiveDirectoryAccountsForDelegatedSecurityAdmin",
			h.listAllActiveDirectoryAccountsForDelegatedSecurityAdmin, sa, dsa),
	}
}
