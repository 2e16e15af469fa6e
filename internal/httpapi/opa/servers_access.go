package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// projectRef is the project a request's path names, after checking that the caller may reach
// its resource group with one of roles (resourceGroupAccess).
func (h *Handlers) projectRef(r *http.Request, roles ...string) (pam.ProjectRef, error) {
	rgID, err := h.resourceGroupAccess(r, roles...)
	p := wire.PrincipalFrom(r)
	return pam.ProjectRef{TeamID: p.TeamID, TeamName: r.PathValue("team_name"), ResourceGroupID: rgID,
		ProjectID: r.PathValue("project_id")}, err
}

// resourceGroupAccess returns the path's resource group once the caller may reach it with one
// of the operation's roles (resource_admin and delegated_resource_admin when none are named):
// holding a team-wide one, or a delegated one for this resource group (pam.Service.DelegatedIn:
// an owner group for delegated_resource_admin, a delegated security admin group for
// delegated_security_admin). OPA answers a refusal with 401.
func (h *Handlers) resourceGroupAccess(r *http.Request, roles ...string) (string, error) {
	rgID := r.PathValue("resource_group_id")
	if len(roles) == 0 {
		roles = []string{pam.RoleResourceAdmin, pam.RoleDelegatedResourceAdmin}
	}
	var teamWide, delegated []string
	for _, role := range roles {
		if role == pam.RoleDelegatedResourceAdmin || role == pam.RoleDelegatedSecurityAdmin {
			delegated = append(delegated, role)
		} else {
			teamWide = append(teamWide, role)
		}
	}
	p := wire.PrincipalFrom(r)
	if p.HasAnyRole(teamWide...) {
		return rgID, nil
	}
	ok, err := h.PAM.DelegatedIn(r.Context(), principalOf(r), rgID, delegated...)
	if err != nil {
		return rgID, err
	}
	if !ok {
		return rgID, fault.MissingRole()
	}
	return rgID, nil
}

// writeList answers an OPA list request with one page read through fetch, ordered by key.
func writeList[T any](h *Handlers, w http.ResponseWriter, r *http.Request, key func(T) string,
	fetch func(ctx context.Context, p store.Page) ([]T, error)) error {
	req, err := h.Paging.Parse(r)
	if err != nil {
		return err
	}
	ids := r.URL.Query()["id"]
	page, err := paging.List(r.Context(), req, key, func(ctx context.Context, after string, desc bool, limit int) ([]T, error) {
		return fetch(ctx, store.Page{After: after, Descending: desc, Limit: limit, IDs: ids})
	})
	if err != nil {
		return err
	}
	paging.Write(h.Paging, w, r, req, page)
	return nil
}
