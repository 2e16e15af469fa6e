package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// projectBody is a project as shown (the spec's Project). deleted_at is left out: a project is
// gone at once when deleted, and clients read a deleted_at that is present as "deleted".
type projectBody struct {
	ID                           string `json:"id"`
	Name                         string `json:"name"`
	Team                         string `json:"team"`
	ResourceGroupID              string `json:"resource_group_id"`
	ActiveResourceCount          int    `json:"active_resource_count"`
	StaleResourceCount           int    `json:"stale_resource_count"`
	CreateServerUsers            bool   `json:"create_server_users"`
	ForceSharedSSHUsers          bool   `json:"force_shared_ssh_users"`
	GatewaySelector              string `json:"gateway_selector"`
	NextUnixUID                  int    `json:"next_unix_uid"`
	NextUnixGID                  int    `json:"next_unix_gid"`
	PersistentServerUserAccounts *bool  `json:"persistent_server_user_accounts"`
	RequirePreauthForCreds       bool   `json:"require_preauth_for_creds"`
	ServerAccountManagement      bool   `json:"server_account_management"`
	SharedAdminUserName          string `json:"shared_admin_user_name"`
	SharedStandardUserName       string `json:"shared_standard_user_name"`
	SSHCertificateType           string `json:"ssh_certificate_type"`
	UserOnDemandPeriod           *int64 `json:"user_on_demand_period"`
}

func showProject(teamName string, p pam.Project) projectBody {
	return projectBody{ID: p.ID, Name: p.Name, Team: teamName, ResourceGroupID: p.ResourceGroupID,
		ActiveResourceCount: p.ActiveResourceCount, StaleResourceCount: p.StaleResourceCount,
		CreateServerUsers: p.CreateServerUsers, ForceSharedSSHUsers: p.ForceSharedSSHUsers,
		GatewaySelector: p.GatewaySelector, NextUnixUID: p.NextUnixUID, NextUnixGID: p.NextUnixGID,
		PersistentServerUserAccounts: p.PersistentServerUserAccounts, RequirePreauthForCreds: p.RequirePreauthForCreds,
		ServerAccountManagement: p.ServerAccountManagement, SharedAdminUserName: p.SharedAdminUserName,
		SharedStandardUserName: p.SharedStandardUserName, SSHCertificateType: p.SSHCertificateType,
		UserOnDemandPeriod: p.UserOnDemandPeriod}
}

// projectInput is a project as sent: a field left out or null is not sent, so an update keeps
// it (OPA's project PUT merges); read-only fields are ignored.
type projectInput struct {
	Name                         *string `json:"name"`
	SSHCertificateType           *string `json:"ssh_certificate_type"`
	NextUnixUID                  *int    `json:"next_unix_uid"`
	NextUnixGID                  *int    `json:"next_unix_gid"`
	GatewaySelector              *string `json:"gateway_selector"`
	CreateServerUsers            *bool   `json:"create_server_users"`
	ForceSharedSSHUsers          *bool   `json:"force_shared_ssh_users"`
	PersistentServerUserAccounts *bool   `json:"persistent_server_user_accounts"`
	RequirePreauthForCreds       *bool   `json:"require_preauth_for_creds"`
	ServerAccountManagement      *bool   `json:"server_account_management"`
	SharedAdminUserName          *string `json:"shared_admin_user_name"`
	SharedStandardUserName       *string `json:"shared_standard_user_name"`
}

// projectWrite authorizes a project write in the path's resource group and decodes its body.
func (h *Handlers) projectWrite(r *http.Request) (pam.Principal, pam.ProjectInput, error) {
	p, err := h.resourceGroupAdmin(r)
	if err != nil {
		return p, pam.ProjectInput{}, err
	}
	var in projectInput
	err = wire.Decode(r, &in)
	return p, pam.ProjectInput(in), err
}

// listResourceGroupProjects is ListResourceGroupProjects, by name, `contains` filtering.
func (h *Handlers) listResourceGroupProjects(w http.ResponseWriter, r *http.Request) error {
	p, err := h.resourceGroupAdmin(r)
	if err != nil {
		return err
	}
	req, err := h.Paging.Parse(r)
	if err != nil {
		return err
	}
	rgID, contains := r.PathValue("resource_group_id"), r.URL.Query().Get("contains")
	page, err := paging.List(r.Context(), req, func(p projectBody) string { return p.Name },
		func(ctx context.Context, after string, desc bool, limit int) ([]projectBody, error) {
			ps, err := h.PAM.ListProjects(ctx, p.TeamID, rgID, storePage(after, desc, limit, contains))
			out := make([]projectBody, len(ps))
			for i, proj := range ps {
				out[i] = showProject(r.PathValue("team_name"), proj)
			}
			return out, err
		})
	if err != nil {
		return err
	}
	paging.Write(h.Paging, w, r, req, page)
	return nil
}

// createResourceGroupProject is CreateResourceGroupProject: 201 with the new project.
func (h *Handlers) createResourceGroupProject(w http.ResponseWriter, r *http.Request) error {
	p, in, err := h.projectWrite(r)
	if err != nil {
		return err
	}
	proj, err := h.PAM.CreateProject(r.Context(), p.TeamID, r.PathValue("resource_group_id"), in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, showProject(r.PathValue("team_name"), proj))
	return nil
}

// fetchResourceGroupProject is FetchResourceGroupProject.
func (h *Handlers) fetchResourceGroupProject(w http.ResponseWriter, r *http.Request) error {
	p, err := h.resourceGroupAdmin(r)
	if err != nil {
		return err
	}
	proj, err := h.PAM.Project(r.Context(), p.TeamID, r.PathValue("resource_group_id"), r.PathValue("project_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, showProject(r.PathValue("team_name"), proj))
	return nil
}

// updateResourceGroupProject is UpdateResourceGroupProject: a merging PUT (fields not sent keep
// their value) answering 204 with no body, as live OPA does (the spec says 200).
func (h *Handlers) updateResourceGroupProject(w http.ResponseWriter, r *http.Request) error {
	p, in, err := h.projectWrite(r)
	if err != nil {
		return err
	}
	if _, err := h.PAM.UpdateProject(r.Context(), p.TeamID, r.PathValue("resource_group_id"), r.PathValue("project_id"), in); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// removeResourceGroupProject is RemoveResourceGroupProject: 204, and the project is gone.
func (h *Handlers) removeResourceGroupProject(w http.ResponseWriter, r *http.Request) error {
	p, err := h.resourceGroupAdmin(r)
	if err != nil {
		return err
	}
	if err := h.PAM.DeleteProject(r.Context(), p.TeamID, r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}
