package pam

import (
	"fmt"
	"slices"
	"strings"
)

// OPA roles.
const (
	RolePAMAdmin               = "pam_admin"
	RoleResourceAdmin          = "resource_admin"
	RoleSecurityAdmin          = "security_admin"
	RoleDelegatedResourceAdmin = "delegated_resource_admin"
	RoleDelegatedSecurityAdmin = "delegated_security_admin"
	RoleEndUser                = "end_user"
)

// TeamRoles is what GET /roles lists: the roles a team's users can hold (the spec's RoleName
// values keyward grants).
var TeamRoles = []string{RoleDelegatedResourceAdmin, RoleEndUser, RolePAMAdmin, RoleResourceAdmin, RoleSecurityAdmin}

// Roles a group may be given, per the spec: on create (GroupCreateRole) and on update
// (GroupUpdateRole). delegated_resource_admin is never given directly: a group holds it by
// owning a resource group.
var (
	groupCreateRoles = []string{RolePAMAdmin, RoleResourceAdmin, RoleSecurityAdmin}
	groupUpdateRoles = []string{RoleEndUser, RolePAMAdmin, RoleResourceAdmin, RoleSecurityAdmin}
)

// checkRoles returns the roles sorted without duplicates, and a cause for each not allowed.
func checkRoles(roles, allowed []string) ([]string, []string) {
	var bad []string
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if !slices.Contains(allowed, r) {
			bad = append(bad, fmt.Sprintf("roles: %q is not one of %s", r, strings.Join(allowed, ", ")))
			continue
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out), bad
}
