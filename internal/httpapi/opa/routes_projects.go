package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// projectRoutes are resource groups and their projects (api/opa-projects.yaml). The router
// checks the roles; a delegated resource admin is further limited to its own resource groups by
// the handlers (resourcegroups_access.go).
func (h *Handlers) projectRoutes() []wire.Route {
	const (
		rgs      = team + "/resource_groups"
		rg       = rgs + "/{resource_group_id}"
		projects = rg + "/projects"
		project  = projects + "/{project_id}"
		admin    = pam.RoleResourceAdmin
		delegate = pam.RoleDelegatedResourceAdmin
	)
	return []wire.Route{
		bearer("GET", rgs, "ListResourceGroups", h.listResourceGroups, admin, delegate),
		bearer("POST", rgs, "CreateResourceGroup", h.createResourceGroup, admin),
		bearer("GET", rg, "GetResourceGroup", h.getResourceGroup, admin, delegate),
		bearer("PUT", rg, "UpdateResourceGroup", h.updateResourceGroup, admin, delegate),
		bearer("DELETE", rg, "DeleteResourceGroup", h.deleteResourceGroup, admin),
		bearer("GET", projects, "ListResourceGroupProjects", h.listResourceGroupProjects, admin, delegate),
		bearer("POST", projects, "CreateResourceGroupProject", h.createResourceGroupProject, admin, delegate),
		bearer("GET", project, "FetchResourceGroupProject", h.fetchResourceGroupProject, admin, delegate),
		bearer("PUT", project, "UpdateResourceGroupProject", h.updateResourceGroupProject, admin, delegate),
		bearer("DELETE", project, "RemoveResourceGroupProject", h.removeResourceGroupProject, admin, delegate),
	}
}
