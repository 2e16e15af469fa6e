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

// namedObject is the spec's NamedObject: a group in delegated_resource_admin_groups, or what
// an account or rule refers to.
type namedObject struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// resourceGroupBody is a resource group as sent and shown (the spec's ResourceGroup). On input
// a field left out (null) keeps its value on update.
type resourceGroupBody struct {
	ID          string         `json:"id,omitempty"`
	TeamID      string         `json:"team_id,omitempty"`
	Name        *string        `json:"name,omitempty"`
	Description *string        `json:"description,omitempty"`
	AdminGroups *[]namedObject `json:"delegated_resource_admin_groups,omitempty"`
}

func (b resourceGroupBody) input() pam.ResourceGroupInput {
	in := pam.ResourceGroupInput{Name: b.Name, Description: b.Description}
	if b.AdminGroups != nil {
		refs := make([]pam.GroupRef, len(*b.AdminGroups))
		for i, g := range *b.AdminGroups {
			refs[i] = pam.GroupRef{ID: g.ID, Type: g.Type}
		}
		in.AdminGroups = &refs
	}
	return in
}

// showResourceGroup is the body of a resource group; its owner groups only for resource admins.
func showResourceGroup(rg store.ResourceGroup, groups []store.OPAGroup, withGroups bool) resourceGroupBody {
	out := resourceGroupBody{ID: rg.ID, TeamID: rg.TeamID, Name: &rg.Name, Description: &rg.Description}
	if withGroups {
		owners := make([]namedObject, len(groups))
		for i, g := range groups {
			owners[i] = namedObject{ID: g.ID, Name: g.Name, Type: pam.GroupType}
		}
		out.AdminGroups = &owners
	}
	return out
}

// listResourceGroups is ListResourceGroups: every resource group for a resource admin, those it
// administers for a delegated resource admin; by name, or by id with order_by=id.
func (h *Handlers) listResourceGroups(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	byID := false
	switch r.URL.Query().Get("order_by") {
	case "", "name":
	case "id":
		byID = true
	default:
		return fault.Invalidf("order_by", "order_by: must be name or id")
	}
	req, err := h.Paging.Parse(r)
	if err != nil {
		return err
	}
	key := func(rg store.ResourceGroup) string {
		if byID {
			return rg.ID
		}
		return rg.Name
	}
	page, err := paging.List(r.Context(), req, key, func(ctx context.Context, after string, desc bool, limit int) ([]store.ResourceGroup, error) {
		page := storePage(after, desc, limit, r.URL.Query().Get("contains"))
		page.OrderByID = byID
		return h.PAM.ListResourceGroupsFor(ctx, p, page)
	})
	if err != nil {
		return err
	}
	paging.Write(h.Paging, w, r, req, presented(page, func(rg store.ResourceGroup) resourceGroupBody {
		return showResourceGroup(rg, nil, false)
	}))
	return nil
}

// createResourceGroup is CreateResourceGroup: 201 with the new resource group.
func (h *Handlers) createResourceGroup(w http.ResponseWriter, r *http.Request) error {
	var in resourceGroupBody
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	rg, err := h.PAM.CreateResourceGroup(r.Context(), wire.PrincipalFrom(r).TeamID, in.input())
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, showResourceGroup(rg.ResourceGroup, rg.AdminGroups, true))
	return nil
}

// getResourceGroup is GetResourceGroup; its owner groups are shown to resource admins only.
func (h *Handlers) getResourceGroup(w http.ResponseWriter, r *http.Request) error {
	p, err := h.resourceGroupAdmin(r)
	if err != nil {
		return err
	}
	rg, err := h.PAM.ResourceGroup(r.Context(), p.TeamID, r.PathValue("resource_group_id"))
	if err != nil {
		return err
	}
	admin, err := h.PAM.HasRole(r.Context(), p, pam.RoleResourceAdmin)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, showResourceGroup(rg.ResourceGroup, rg.AdminGroups, admin))
	return nil
}

// updateResourceGroup is UpdateResourceGroup: the fields sent change, and it answers 204 with no
// body as live OPA does (the spec says 200). Only a resource admin may change the owner groups,
// which a delegated resource admin cannot even see.
func (h *Handlers) updateResourceGroup(w http.ResponseWriter, r *http.Request) error {
	p, err := h.resourceGroupAdmin(r)
	if err != nil {
		return err
	}
	var in resourceGroupBody
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.AdminGroups != nil {
		admin, err := h.PAM.HasRole(r.Context(), p, pam.RoleResourceAdmin)
		if err != nil {
			return err
		}
		if !admin {
			return fault.Unauthorizedf("Missing capability: only a resource admin may change delegated_resource_admin_groups")
		}
	}
	if _, err := h.PAM.UpdateResourceGroup(r.Context(), p.TeamID, r.PathValue("resource_group_id"), in.input()); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// deleteResourceGroup is DeleteResourceGroup: 204, or 409 while it holds projects.
func (h *Handlers) deleteResourceGroup(w http.ResponseWriter, r *http.Request) error {
	if err := h.PAM.DeleteResourceGroup(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("resource_group_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// storePage is the store's page for one paging.Fetch call with a "contains" filter.
func storePage(after string, desc bool, limit int, contains string) store.Page {
	return store.Page{After: after, Limit: limit, Descending: desc, Contains: contains}
}
