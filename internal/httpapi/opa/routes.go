package opa

import "github.com/keyward/keyward/internal/httpapi/wire"

// team is the prefix of every OPA path.
const team = "/v1/teams/{team_name}"

// Routes is the OPA route table: one row per operationId with the roles the spec's
// x-okta-opa-roles gives it, grouped by resource family in the files named below.
func (h *Handlers) Routes() []wire.Route {
	rows := []wire.Route{
		{Method: "POST", Pattern: team + "/service_token", Name: "IssueServiceToken", Access: wire.Public, Bucket: wire.BucketOPA, Handler: h.issueServiceToken},
	}
	rows = append(rows, h.principalRoutes()...) // routes_principals.go
	rows = append(rows, h.projectRoutes()...)   // routes_projects.go
	rows = append(rows, h.serverRoutes()...)    // routes_servers.go
	rows = append(rows, h.policyRoutes()...)    // routes_policies.go
	rows = append(rows, h.directoryRoutes()...) // routes_directory.go
	rows = append(rows, h.checkoutRoutes()...)  // routes_checkout.go
	rows = append(rows, h.udsaasRoutes()...)    // routes_udsaas.go
	rows = append(rows, h.endUserRoutes()...)   // routes_enduser.go
	rows = append(rows, h.secretRoutes()...)    // routes_secrets.go
	return rows
}

// bearer is a row for an operation called with an OPA bearer token holding one of roles.
func bearer(method, pattern, name string, fn wire.Handler, roles ...string) wire.Route {
	return wire.Route{Method: method, Pattern: pattern, Name: name, Access: wire.OPABearer, Roles: roles, Bucket: wire.BucketOPA, Handler: fn}
}
