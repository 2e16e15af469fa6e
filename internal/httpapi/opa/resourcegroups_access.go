package opa

import (
	"net/http"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// caller is the user behind the request's bearer token. The router has already accepted the
// token for the path's team; this names the user, whose groups decide the finer checks.
func (h *Handlers) caller(r *http.Request) (pam.Principal, error) {
	token := ""
	if f := strings.Fields(r.Header.Get("Authorization")); len(f) == 2 && strings.EqualFold(f[0], "bearer") {
		token = f[1]
	}
	return h.PAM.Caller(r.Context(), wire.PrincipalFrom(r).TeamID, token, h.Now())
}

// missingRole is OPA's answer to a caller without the role an operation needs: 401, not 403.
func missingRole() error { return fault.Unauthorizedf("Missing capability: role") }

// resourceGroupAdmin returns the caller when it may administer the path's resource group: a
// resource admin, or a delegated resource admin through one of the group's owner groups. A
// delegated resource admin of other resource groups only is refused as one without the role.
func (h *Handlers) resourceGroupAdmin(r *http.Request) (pam.Principal, error) {
	p, err := h.caller(r)
	if err != nil {
		return p, err
	}
	ok, err := h.PAM.CanAdminResourceGroup(r.Context(), p, r.PathValue("resource_group_id"))
	if err != nil {
		return p, err
	}
	if !ok {
		return p, missingRole()
	}
	return p, nil
}
