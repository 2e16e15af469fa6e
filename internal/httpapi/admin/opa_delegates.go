package admin

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/store"
)

// securityAdminGroupsBody is a resource group's delegated security admin groups: names on
// input, {id, name} on output.
type securityAdminGroupsBody struct {
	Groups []string `json:"groups"`
}

type namedGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func writeGroups(w http.ResponseWriter, gs []store.OPAGroup) {
	out := struct {
		Groups []namedGroup `json:"groups"`
	}{Groups: make([]namedGroup, len(gs))}
	for i, g := range gs {
		out.Groups[i] = namedGroup{ID: g.ID, Name: g.Name}
	}
	wire.JSON(w, http.StatusOK, out)
}

// getSecurityAdminGroups answers the path's resource group's delegated security admin groups.
func (h *Handlers) getSecurityAdminGroups(w http.ResponseWriter, r *http.Request) error {
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	gs, err := h.PAM.SecurityAdminGroups(r.Context(), team.ID, r.PathValue("resource_group_id"))
	if err != nil {
		return err
	}
	writeGroups(w, gs)
	return nil
}

// setSecurityAdminGroups replaces them (what OPA's security admins do in its dashboard).
func (h *Handlers) setSecurityAdminGroups(w http.ResponseWriter, r *http.Request) error {
	var in securityAdminGroupsBody
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	gs, err := h.PAM.SetSecurityAdminGroups(r.Context(), team.ID, r.PathValue("resource_group_id"), in.Groups)
	if err != nil {
		return err
	}
	writeGroups(w, gs)
	return nil
}
