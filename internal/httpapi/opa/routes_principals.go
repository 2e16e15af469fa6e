package opa

import (
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// principalRoutes are the team's users, groups, roles and service users (api/opa-team.yaml).
func (h *Handlers) principalRoutes() []wire.Route {
	const (
		pam, res, sec, dres = auth.RolePAMAdmin, auth.RoleResourceAdmin, auth.RoleSecurityAdmin, auth.RoleDelegatedResourceAdmin
		group               = team + "/groups/{group_name}"
		svc                 = team + "/service_users/{user_name}"
	)
	return []wire.Route{
		bearer("GET", team+"/current_user", "GetCurrentUserInfo", h.getCurrentUserInfo), // any user of the team
		bearer("GET", team+"/roles", "ListRoles", h.listRoles, pam),
		bearer("GET", team+"/users", "ListUsers", h.listUsers, pam, res, sec),
		bearer("GET", team+"/users/{user_name}", "GetUser", h.getUser, pam, res, sec),
		bearer("GET", team+"/users/{user_name}/groups", "ListUserGroups", h.listUserGroups, pam, res, sec),
		bearer("GET", team+"/groups", "ListGroups", h.listGroups, pam, res, sec, dres),
		bearer("POST", team+"/groups", "CreateGroup", h.createGroup, pam),
		bearer("GET", group, "GetGroup", h.getGroup, pam, res, sec, dres),
		bearer("PUT", group, "UpdateGroup", h.updateGroup, pam),
		bearer("DELETE", group, "RemoveGroup", h.removeGroup, pam),
		bearer("GET", group+"/users", "ListUsersInGroup", h.listUsersInGroup, pam, res, sec, dres),
		bearer("POST", group+"/users", "AddUserToGroup", h.addUserToGroup, pam),
		bearer("DELETE", group+"/users/{user_name}", "RemoveUserFromGroup", h.removeUserFromGroup, pam),
		bearer("GET", team+"/service_users", "ListServiceUsers", h.listServiceUsers, pam, res, sec, dres),
		bearer("POST", team+"/service_users", "CreateServiceUser", h.createServiceUser, res),
		bearer("GET", svc, "GetServiceUser", h.getServiceUser, pam, res, sec, dres),
		bearer("PUT", svc, "ServiceUserUpdate", h.serviceUserUpdate, res),
		bearer("GET", svc+"/keys", "ListServiceUserKeys", h.listServiceUserKeys, res),
		bearer("POST", svc+"/keys", "RotateServiceUserKey", h.rotateServiceUserKey, res),
		bearer("DELETE", svc+"/keys/{key_id}", "DeleteServiceUserKey", h.deleteServiceUserKey, res),
	}
}
