package opa

import "github.com/keyward/keyward/internal/httpapi/wire"

// principalRoutes are the team's users, groups, roles and service users (api/opa-team.yaml).
func (h *Handlers) principalRoutes() []wire.Route {
	return []wire.Route{}
}
