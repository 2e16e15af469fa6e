package opa_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/httpapi/opa"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/spectest"
)

// credentialExchanges are called without a bearer token, so they require no role whatever the
// spec lists (it names the role of the service user whose key is exchanged).
var credentialExchanges = map[string]bool{"IssueServiceToken": true}

// TestRoutesFollowTheSpec walks every OPA route row: its name is an operationId of one of the two
// OPA documents, its method and pattern are that operation's, and it requires exactly the
// operation's x-okta-opa-roles.
func TestRoutesFollowTheSpec(t *testing.T) {
	routes := (&opa.Handlers{}).Routes()
	if len(routes) == 0 {
		t.Fatal("no OPA routes")
	}
	for _, p := range routeProblems(t, routes) {
		t.Error(p)
	}
}

// TestRouteCheckCatchesMistakes feeds the check rows that are wrong in each way it looks for.
func TestRouteCheckCatchesMistakes(t *testing.T) {
	const roles = "/v1/teams/{team_name}/roles"
	row := func(name, pattern string, access wire.Access, roles ...string) wire.Route {
		return wire.Route{Method: "GET", Pattern: pattern, Name: name, Access: access, Roles: roles, Bucket: wire.BucketOPA}
	}
	if p := routeProblems(t, []wire.Route{row("ListRoles", roles, wire.OPABearer, auth.RolePAMAdmin)}); len(p) != 0 {
		t.Errorf("a correct row: %v", p)
	}
	for name, r := range map[string]wire.Route{
		"another role":      row("ListRoles", roles, wire.OPABearer, auth.RoleResourceAdmin),
		"a role too many":   row("ListRoles", roles, wire.OPABearer, auth.RolePAMAdmin, auth.RoleEndUser),
		"no roles":          row("ListRoles", roles, wire.OPABearer),
		"public":            row("ListRoles", roles, wire.Public),
		"unknown operation": row("ListThings", roles, wire.OPABearer),
		"another path":      row("ListRoles", "/v1/teams/{team_name}/rolez", wire.OPABearer, auth.RolePAMAdmin),
		"Okta access":       row("ListRoles", roles, wire.OktaRead, auth.RolePAMAdmin),
		"roles on a public": row("IssueServiceToken", "/v1/teams/{team_name}/service_token", wire.Public, auth.RoleResourceAdmin),
	} {
		if p := routeProblems(t, []wire.Route{r}); len(p) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

func routeProblems(t *testing.T, routes []wire.Route) []string {
	specs := []*spectest.Spec{spectest.Load(t, "opa-projects.yaml"), spectest.Load(t, "opa-team.yaml")}
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, r := range routes {
		var method, path string
		var want []string
		found := false
		for _, s := range specs {
			m, p, op, ok := s.Operation(r.Name)
			if !ok {
				continue
			}
			method, path, found = m, p, true
			if raw, ok := op.Extensions["x-okta-opa-roles"].([]any); ok {
				for _, v := range raw {
					role, _ := v.(string)
					want = append(want, role)
				}
			}
		}
		if !found {
			bad("%s %s: %q is no operationId of the OPA documents", r.Method, r.Pattern, r.Name)
			continue
		}
		if r.Method != method || r.Pattern != path {
			bad("%s: route %s %s, spec %s %s", r.Name, r.Method, r.Pattern, method, path)
		}
		for _, role := range want {
			if !slices.Contains(auth.Roles, role) {
				bad("%s: the spec names an unknown role %q", r.Name, role)
			}
		}
		switch {
		case r.Access == wire.Public:
			if !credentialExchanges[r.Name] || len(r.Roles) > 0 {
				bad("%s: public with roles %v; only credential exchanges are public, and they need no role", r.Name, r.Roles)
			}
		case r.Access != wire.OPABearer:
			bad("%s: access %v, want an OPA bearer token", r.Name, r.Access)
		default:
			got := slices.Sorted(slices.Values(r.Roles))
			slices.Sort(want)
			if !slices.Equal(got, want) {
				bad("%s: roles %v, spec's x-okta-opa-roles %v", r.Name, got, want)
			}
		}
		if r.Bucket != wire.BucketOPA {
			bad("%s: bucket %q, want the OPA bucket", r.Name, r.Bucket)
		}
	}
	return problems
}
