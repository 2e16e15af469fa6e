// Package pam is the Okta Privileged Access (OPA) domain: the rules for teams, their principals
// and roles, resource groups and projects. It knows no HTTP; the OPA handlers decode requests,
// call a Service, and turn its faults (internal/fault) into OPA's error body.
//
// What it owns:
//
//   - Teams, each created with a first service user, an admin group holding it, and one API key
//     whose secret is returned once and stored hashed (teams.go); keys from before keys had users
//     are given one at start (adopt.go).
//   - Principals: human users (created by the admin API, which also mints their bearer tokens),
//     service users and their API keys, groups and membership (users.go, serviceusers.go,
//     keys.go, groups.go), and resolving a bearer token to the active user behind it
//     (tokens.go): a disabled user, a deleted key or an expired token stops working at once.
//   - Authorization (authz.go): a principal's roles are read from its groups at every call, so
//     a membership change applies to the next request. Every active user is an end user. A
//     member of a group listed in a resource group's delegated_resource_admin_groups is a
//     delegated resource admin, inside those resource groups only.
//   - Resource groups and projects (resourcegroups.go, projects.go): validation without I/O
//     (validate.go, projectinput.go), project defaults, and the merging project update: a
//     field not sent keeps its value, a field sent as "" or false is set to it.
//
// Lists take a store.Page (a key to start after, a limit, a direction and a "contains" filter),
// so that the HTTP layer's opaque-offset paging plugs in unchanged.
package pam
