package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/pam"
)

// resourceGroupAdmin returns the caller when it may administer the path's resource group: a
// resource admin, or a delegated resource admin through one of the group's owner groups. A
// delegated resource admin of other resource groups only is refused as one without the role.
func (h *Handlers) resourceGroupAdmin(r *http.Request) (pam.Principal, error) {
	p := principalOf(r)
	ok, err := h.PAM.CanAdminResourceGroup(r.Context(), p, r.PathValue("resource_group_id"))
	if err != nil {
		return p, err
	}
	if !ok {
		return p, fault.MissingRole()
	}
	return p, nil
}
