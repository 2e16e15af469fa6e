package client

import (
	"context"
	"net/http"
)

// CurrentUser is GET /current_user: who the client is.
func (o *OPA) CurrentUser(ctx context.Context) (CurrentUser, error) {
	var u CurrentUser
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "current_user"), nil, &u)
	return u, err
}

// ListRoles is GET /roles: the names of the roles of the team.
func (o *OPA) ListRoles(ctx context.Context) ([]string, error) {
	roles, err := opaList[struct {
		Name string `json:"name"`
	}](ctx, o, o.url(nil, "roles"))
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Name
	}
	return names, err
}

// ListUsers lists the team's users (GET /users), every page.
func (o *OPA) ListUsers(ctx context.Context, opts ListOptions) ([]OPAUser, error) {
	return opaList[OPAUser](ctx, o, o.url(opts.query(), "users"))
}

// GetUser is GET /users/{user_name}.
func (o *OPA) GetUser(ctx context.Context, name string) (OPAUser, error) {
	var u OPAUser
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "users", name), nil, &u)
	return u, err
}

// ListUserGroups lists the groups of a user (GET /users/{user_name}/groups).
func (o *OPA) ListUserGroups(ctx context.Context, name string, opts ListOptions) ([]OPAGroup, error) {
	return opaList[OPAGroup](ctx, o, o.url(opts.query(), "users", name, "groups"))
}

// ListGroups lists the team's groups (GET /groups), every page.
func (o *OPA) ListGroups(ctx context.Context, opts ListOptions) ([]OPAGroup, error) {
	return opaList[OPAGroup](ctx, o, o.url(opts.query(), "groups"))
}

// CreateGroup is POST /groups.
func (o *OPA) CreateGroup(ctx context.Context, name string, roles []string) (OPAGroup, error) {
	var g OPAGroup
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "groups"), map[string]any{"name": name, "roles": nonNil(roles)}, &g)
	return g, err
}

// GetGroup is GET /groups/{group_name}.
func (o *OPA) GetGroup(ctx context.Context, name string) (OPAGroup, error) {
	var g OPAGroup
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "groups", name), nil, &g)
	return g, err
}

// UpdateGroup replaces a group's roles (PUT /groups/{group_name}).
func (o *OPA) UpdateGroup(ctx context.Context, name string, roles []string) error {
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "groups", name), map[string]any{"roles": nonNil(roles)}, nil)
	return err
}

// DeleteGroup is DELETE /groups/{group_name}.
func (o *OPA) DeleteGroup(ctx context.Context, name string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, "groups", name), nil, nil)
	return err
}

// ListGroupUsers lists a group's members (GET /groups/{group_name}/users).
func (o *OPA) ListGroupUsers(ctx context.Context, group string, opts ListOptions) ([]OPAUser, error) {
	return opaList[OPAUser](ctx, o, o.url(opts.query(), "groups", group, "users"))
}

// AddUserToGroup is POST /groups/{group_name}/users.
func (o *OPA) AddUserToGroup(ctx context.Context, group, user string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "groups", group, "users"), map[string]string{"name": user}, nil)
	return err
}

// RemoveUserFromGroup is DELETE /groups/{group_name}/users/{user_name}.
func (o *OPA) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, "groups", group, "users", user), nil, nil)
	return err
}

// ListServiceUsers lists the team's service users (GET /service_users).
func (o *OPA) ListServiceUsers(ctx context.Context, opts ListOptions) ([]OPAUser, error) {
	return opaList[OPAUser](ctx, o, o.url(opts.query(), "service_users"))
}

// CreateServiceUser is POST /service_users.
func (o *OPA) CreateServiceUser(ctx context.Context, name string) (OPAUser, error) {
	var u OPAUser
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "service_users"), map[string]string{"name": name}, &u)
	return u, err
}

// GetServiceUser is GET /service_users/{user_name}.
func (o *OPA) GetServiceUser(ctx context.Context, name string) (OPAUser, error) {
	var u OPAUser
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "service_users", name), nil, &u)
	return u, err
}

// UpdateServiceUser sets a service user's status, ACTIVE or DISABLED
// (PUT /service_users/{user_name}).
func (o *OPA) UpdateServiceUser(ctx context.Context, name, status string) (OPAUser, error) {
	var u OPAUser
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "service_users", name), map[string]string{"name": name, "status": status}, &u)
	return u, err
}

// ListServiceUserKeys lists a service user's API keys, without secrets.
func (o *OPA) ListServiceUserKeys(ctx context.Context, name string) ([]ServiceUserKey, error) {
	return opaList[ServiceUserKey](ctx, o, o.url(nil, "service_users", name, "keys"))
}

// CreateServiceUserKey creates an API key (POST /service_users/{user_name}/keys);
// its secret is in the answer only.
func (o *OPA) CreateServiceUserKey(ctx context.Context, name string) (ServiceUserKeyWithSecret, error) {
	var k ServiceUserKeyWithSecret
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "service_users", name, "keys"), nil, &k)
	return k, err
}

// DeleteServiceUserKey is DELETE /service_users/{user_name}/keys/{key_id}.
func (o *OPA) DeleteServiceUserKey(ctx context.Context, name, keyID string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, "service_users", name, "keys", keyID), nil, nil)
	return err
}

// nonNil sends an empty list rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
