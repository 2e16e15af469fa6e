package client

import (
	"context"
	"net/http"
)

// ListResourceGroups lists the team's resource groups (GET /resource_groups),
// every page.
func (o *OPA) ListResourceGroups(ctx context.Context, opts ListOptions) ([]ResourceGroup, error) {
	return opaList[ResourceGroup](ctx, o, o.url(opts.query(), "resource_groups"))
}

// CreateResourceGroup is POST /resource_groups; it returns the new group.
func (o *OPA) CreateResourceGroup(ctx context.Context, rg ResourceGroup) (ResourceGroup, error) {
	var out ResourceGroup
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "resource_groups"), rg, &out)
	if err == nil && out.ID == "" {
		err = errNoID
	}
	return out, err
}

// GetResourceGroup is GET /resource_groups/{resource_group_id}.
func (o *OPA) GetResourceGroup(ctx context.Context, id string) (ResourceGroup, error) {
	var out ResourceGroup
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "resource_groups", id), nil, &out)
	return out, err
}

// UpdateResourceGroup is PUT /resource_groups/{resource_group_id}.
func (o *OPA) UpdateResourceGroup(ctx context.Context, id string, rg ResourceGroup) error {
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "resource_groups", id), rg, nil)
	return err
}

// DeleteResourceGroup is DELETE /resource_groups/{resource_group_id}; the
// server refuses it (409) while the group holds projects.
func (o *OPA) DeleteResourceGroup(ctx context.Context, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, "resource_groups", id), nil, nil)
	return err
}

// ListProjects lists a resource group's projects, every page.
func (o *OPA) ListProjects(ctx context.Context, rgID string, opts ListOptions) ([]Project, error) {
	return opaList[Project](ctx, o, o.url(opts.query(), "resource_groups", rgID, "projects"))
}

// CreateProject is POST /resource_groups/{resource_group_id}/projects.
func (o *OPA) CreateProject(ctx context.Context, rgID string, in ProjectInput) (Project, error) {
	var out Project
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "resource_groups", rgID, "projects"), in, &out)
	if err == nil && out.ID == "" {
		err = errNoID
	}
	return out, err
}

// GetProject is GET /resource_groups/{resource_group_id}/projects/{project_id}.
func (o *OPA) GetProject(ctx context.Context, rgID, id string) (Project, error) {
	var out Project
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "resource_groups", rgID, "projects", id), nil, &out)
	return out, err
}

// UpdateProject sends only the fields set in changes; the server keeps the
// others (PUT …/projects/{project_id}).
func (o *OPA) UpdateProject(ctx context.Context, rgID, id string, changes ProjectInput) error {
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "resource_groups", rgID, "projects", id), changes, nil)
	return err
}

// DeleteProject is DELETE /resource_groups/{resource_group_id}/projects/{project_id}.
func (o *OPA) DeleteProject(ctx context.Context, rgID, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, "resource_groups", rgID, "projects", id), nil, nil)
	return err
}
