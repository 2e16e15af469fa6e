package opa

import "github.com/keyward/keyward/internal/httpapi/wire"

// projectRoutes are resource groups and their projects (api/opa-projects.yaml).
func (h *Handlers) projectRoutes() []wire.Route {
	return []wire.Route{}
}
