package opa

import (
	"net/http"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// groupBody is the spec's Group. Groups are deleted for good, so deleted_at (required, not
// nullable) is always the zero time, as OPA sends it for a live group. end_user, which a group
// may be given by an update, is not shown: the spec's GroupRole has no such value, and every
// user is an end user anyway.
type groupBody struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Roles     []string `json:"roles"`
	DeletedAt string   `json:"deleted_at"`
}

func presentGroup(g store.OPAGroup) groupBody {
	roles := slices.DeleteFunc(slices.Clone(g.Roles), func(r string) bool { return r == pam.RoleEndUser })
	if roles == nil {
		roles = []string{}
	}
	return groupBody{ID: g.ID, Name: g.Name, Roles: roles, DeletedAt: timestamp(time.Time{})}
}

func groupName(g store.OPAGroup) string { return g.Name }

func (h *Handlers) listGroups(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	return pagedList(h, w, r, groupName, func(p store.Page) ([]store.OPAGroup, error) {
		if onlyDeleted(r) {
			return nil, nil
		}
		return h.PAM.ListGroups(r.Context(), teamID, p)
	}, presentGroup)
}

func (h *Handlers) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name  string   `json:"name"`
		Roles []string `json:"roles"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	g, err := h.PAM.CreateGroup(r.Context(), wire.PrincipalFrom(r).TeamID, in.Name, in.Roles)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, presentGroup(g))
	return nil
}

func (h *Handlers) getGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := h.PAM.Group(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("group_name"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, presentGroup(g))
	return nil
}

func (h *Handlers) updateGroup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Roles *[]string `json:"roles"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.Roles == nil {
		return fault.InvalidFields(fault.Required("roles", "roles: is required"))
	}
	if err := h.PAM.UpdateGroupRoles(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("group_name"), *in.Roles); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) removeGroup(w http.ResponseWriter, r *http.Request) error {
	if err := h.PAM.DeleteGroup(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("group_name")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) listUsersInGroup(w http.ResponseWriter, r *http.Request) error {
	teamID, group := wire.PrincipalFrom(r).TeamID, r.PathValue("group_name")
	return pagedList(h, w, r, userName, func(p store.Page) ([]store.OPAUser, error) {
		return h.PAM.Members(r.Context(), teamID, group, p)
	}, userPresenter(r.PathValue("team_name")))
}

func (h *Handlers) addUserToGroup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.Name == "" {
		return fault.InvalidFields(fault.Required("name", "name: is required"))
	}
	if err := h.PAM.AddMember(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("group_name"), in.Name); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) removeUserFromGroup(w http.ResponseWriter, r *http.Request) error {
	err := h.PAM.RemoveMember(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("group_name"), r.PathValue("user_name"))
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}
