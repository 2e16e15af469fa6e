package client

import (
	"context"
	"net/http"
	"net/url"
)

// ServerEnrollmentToken is a project's enrollment token; Token is the value an agent enrolls with.
type ServerEnrollmentToken struct {
	ID            string `json:"id,omitempty"`
	Token         string `json:"token,omitempty"`
	CreatedByUser string `json:"created_by_user,omitempty"`
	IssuedAt      string `json:"issued_at,omitempty"`
	Description   string `json:"description"`
}

// Server is an enrolled server as OPA shows it.
type Server struct {
	ID           string            `json:"id"`
	TeamName     string            `json:"team_name"`
	ProjectID    string            `json:"project_id"`
	ProjectName  string            `json:"project_name"`
	Hostname     string            `json:"hostname"`
	OS           *string           `json:"os"`
	OSType       string            `json:"os_type"`
	RegisteredAt string            `json:"registered_at"`
	LastSeen     string            `json:"last_seen"`
	State        string            `json:"state"`
	Managed      bool              `json:"managed"`
	Labels       map[string]string `json:"labels"`
}

// ServerAccount is a local account discovered on a server.
type ServerAccount struct {
	ID        string `json:"id"`
	TeamID    string `json:"team_id"`
	ProjectID string `json:"project_id"`
	ServerID  string `json:"server_id"`
	Hostname  string `json:"hostname"`
	Login     string `json:"login"`
	Managed   bool   `json:"managed"`
	CreatedAt string `json:"created_at"`
	// Rotation reports, empty until keyward rotated the account's password.
	LastPasswordChangeSuccessReportTimestamp string `json:"last_password_change_success_report_timestamp,omitempty"`
	LastPasswordChangeErrorReportTimestamp   string `json:"last_password_change_error_report_timestamp,omitempty"`
	LastPasswordChangeErrorType              string `json:"last_password_change_error_type,omitempty"`
}

// ServerFilter narrows a server list; empty fields do not filter.
type ServerFilter struct {
	IDs              []string
	Hostname         string
	HostnameContains string
	OSType           string
	ResourceGroupID  string // all_servers only
	ProjectID        string // all_servers only
}

func (f ServerFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"hostname": f.Hostname, "hostname_contains": f.HostnameContains, "os_type": f.OSType,
		"resource_group_id": f.ResourceGroupID, "project_id": f.ProjectID} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for _, id := range f.IDs {
		q.Add("id", id)
	}
	return q
}

func (o *OPA) projectPath(rgID, projectID string, rest ...string) []string {
	return append([]string{"resource_groups", rgID, "projects", projectID}, rest...)
}

// CreateServerEnrollmentToken is POST …/projects/{project_id}/server_enrollment_tokens.
func (o *OPA) CreateServerEnrollmentToken(ctx context.Context, rgID, projectID, description string) (ServerEnrollmentToken, error) {
	var out ServerEnrollmentToken
	_, err := o.call(ctx, http.MethodPost, o.url(nil, o.projectPath(rgID, projectID, "server_enrollment_tokens")...),
		ServerEnrollmentToken{Description: description}, &out)
	if err == nil && out.ID == "" {
		err = errNoID
	}
	return out, err
}

// GetServerEnrollmentToken is GET …/server_enrollment_tokens/{server_enrollment_token_id}.
func (o *OPA) GetServerEnrollmentToken(ctx context.Context, rgID, projectID, id string) (ServerEnrollmentToken, error) {
	var out ServerEnrollmentToken
	_, err := o.call(ctx, http.MethodGet, o.url(nil, o.projectPath(rgID, projectID, "server_enrollment_tokens", id)...), nil, &out)
	return out, err
}

// ListServerEnrollmentTokens lists a project's enrollment tokens, every page.
func (o *OPA) ListServerEnrollmentTokens(ctx context.Context, rgID, projectID string) ([]ServerEnrollmentToken, error) {
	return opaList[ServerEnrollmentToken](ctx, o, o.url(nil, o.projectPath(rgID, projectID, "server_enrollment_tokens")...))
}

// DeleteServerEnrollmentToken is DELETE …/server_enrollment_tokens/{server_enrollment_token_id}.
func (o *OPA) DeleteServerEnrollmentToken(ctx context.Context, rgID, projectID, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, o.projectPath(rgID, projectID, "server_enrollment_tokens", id)...), nil, nil)
	return err
}

// ListProjectServers lists a project's servers, every page.
func (o *OPA) ListProjectServers(ctx context.Context, rgID, projectID string, f ServerFilter) ([]Server, error) {
	return opaList[Server](ctx, o, o.url(f.query(), o.projectPath(rgID, projectID, "servers")...))
}

// GetProjectServer is GET …/projects/{project_id}/servers/{server_id}.
func (o *OPA) GetProjectServer(ctx context.Context, rgID, projectID, id string) (Server, error) {
	var out Server
	_, err := o.call(ctx, http.MethodGet, o.url(nil, o.projectPath(rgID, projectID, "servers", id)...), nil, &out)
	return out, err
}

// DeleteProjectServer is DELETE …/servers/{server_id}; the server's credential stops working.
func (o *OPA) DeleteProjectServer(ctx context.Context, rgID, projectID, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.url(nil, o.projectPath(rgID, projectID, "servers", id)...), nil, nil)
	return err
}

// ListResourceGroupServers is GET /resource_groups/{resource_group_id}/all_servers, every page.
func (o *OPA) ListResourceGroupServers(ctx context.Context, rgID string, f ServerFilter) ([]Server, error) {
	return opaList[Server](ctx, o, o.url(f.query(), "resource_groups", rgID, "all_servers"))
}

// ListAllServers is GET /all_servers (security admins), every page.
func (o *OPA) ListAllServers(ctx context.Context, f ServerFilter) ([]Server, error) {
	return opaList[Server](ctx, o, o.url(f.query(), "all_servers"))
}

// ListServers is the end user's GET /servers, every page.
func (o *OPA) ListServers(ctx context.Context) ([]Server, error) {
	return opaList[Server](ctx, o, o.url(nil, "servers"))
}

// ListProjectServerAccounts lists a project's server accounts, every page.
func (o *OPA) ListProjectServerAccounts(ctx context.Context, rgID, projectID string) ([]ServerAccount, error) {
	return opaList[ServerAccount](ctx, o, o.url(nil, o.projectPath(rgID, projectID, "server_accounts")...))
}

// GetServerAccount is GET …/server_accounts/{server_account_id}, unwrapping its {"items": …}.
func (o *OPA) GetServerAccount(ctx context.Context, rgID, projectID, id string) (ServerAccount, error) {
	var out struct {
		Items ServerAccount `json:"items"`
	}
	_, err := o.call(ctx, http.MethodGet, o.url(nil, o.projectPath(rgID, projectID, "server_accounts", id)...), nil, &out)
	return out.Items, err
}

// ListServerAccountsForServer lists one server's accounts, every page.
func (o *OPA) ListServerAccountsForServer(ctx context.Context, rgID, projectID, serverID string) ([]ServerAccount, error) {
	return opaList[ServerAccount](ctx, o, o.url(nil, o.projectPath(rgID, projectID, "servers", serverID, "server_accounts")...))
}

// ListResourceGroupServerAccounts is GET /resource_groups/{resource_group_id}/all_server_accounts, every page.
func (o *OPA) ListResourceGroupServerAccounts(ctx context.Context, rgID string) ([]ServerAccount, error) {
	return opaList[ServerAccount](ctx, o, o.url(nil, "resource_groups", rgID, "all_server_accounts"))
}

// ListAllServerAccounts is GET /all_server_accounts (security admins), every page.
func (o *OPA) ListAllServerAccounts(ctx context.Context) ([]ServerAccount, error) {
	return opaList[ServerAccount](ctx, o, o.url(nil, "all_server_accounts"))
}
