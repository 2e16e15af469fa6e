package pam

import "slices"

// AdminGroupName names the group every team is created with, holding AdminRoles: what a reset
// of the team keeps (package seed).
const AdminGroupName = adminGroupName

// AdminRoles are the roles a team's admin group is created with.
func AdminRoles() []string { return slices.Clone(adminRoles) }
