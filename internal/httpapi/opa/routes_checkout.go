package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// checkoutRoutes are the reveal of a server account's password, the checked-out resources of a
// user and of a project, check-ins and rotation (api/opa-projects.yaml).
func (h *Handlers) checkoutRoutes() []wire.Route {
	const (
		ra, dra = pam.RoleResourceAdmin, pam.RoleDelegatedResourceAdmin
		sa, dsa = pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin
		eu      = pam.RoleEndUser
	)
	return []wire.Route{
		bearer("POST", team+"/server_accounts/{server_account_id}/reveal_credentials", "revealServerAccountPassword", h.revealServerAccountPassword, eu),
		bearer("GET", team+"/checked_out_resources", "ListAllCheckedOutResourcesByUser", h.listAllCheckedOutResourcesByUser, eu),
		bearer("POST", team+"/checkin_resource", "SelfCheckinResource", h.selfCheckinResource, ra, sa, eu),
		bearer("GET", project+"/checked_out_resources", "ListAllCheckedOutResourcesByAdmin", h.listAllCheckedOutResourcesByAdmin, ra, sa, dra, dsa),
		bearer("POST", project+"/checkin_resource", "AdminCheckinResource", h.adminCheckinResource, ra, sa, dra, dsa),
		bearer("POST", project+"/rotate_resource", "AdminRotateResource", h.adminRotateResource, ra, sa, dra, dsa),
	}
}
