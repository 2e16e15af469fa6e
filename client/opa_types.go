package client

import "time"

// OPA statuses of users.
const (
	UserActive   = "ACTIVE"
	UserDisabled = "DISABLED"
	UserDeleted  = "DELETED"
)

// OPAUser is a human or service user of an OPA team (the spec's User).
type OPAUser struct {
	ID                       string       `json:"id"`
	Name                     string       `json:"name"`
	TeamName                 string       `json:"team_name"`
	Status                   string       `json:"status"`
	UserType                 string       `json:"user_type"` // "human" or "service"
	Details                  *UserDetails `json:"details"`
	DeletedAt                *time.Time   `json:"deleted_at"`
	RoleGrants               []string     `json:"role_grants,omitempty"`
	OAuthClientApplicationID *string      `json:"oauth_client_application_id,omitempty"`
}

// UserDetails are a human user's names and email.
type UserDetails struct {
	Email     *string `json:"email"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	FullName  *string `json:"full_name"`
}

// OPAGroup is a team's group of users and the roles it grants.
type OPAGroup struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Roles     []string   `json:"roles"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
}

// ServiceUserKey is an API key of a service user, without its secret.
type ServiceUserKey struct {
	ID        string     `json:"id"`
	IssuedAt  time.Time  `json:"issued_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	LastUsed  *time.Time `json:"last_used"`
}

// ServiceUserKeyWithSecret is a just-created key: its secret is shown this once.
type ServiceUserKeyWithSecret struct {
	ServiceUserKey
	Secret string `json:"secret"`
}

// CurrentUser is GET /current_user.
type CurrentUser struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TeamName string `json:"team_name"`
}

// NamedObject refers to an object by id; name and type are filled in by the
// server (groups in delegated_resource_admin_groups are "user_group").
type NamedObject struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	Missing *bool  `json:"missing,omitempty"`
}

// ResourceGroup is an OPA resource group. DelegatedResourceAdminGroups is
// shown to resource admins only.
type ResourceGroup struct {
	ID                           string        `json:"id,omitempty"`
	TeamID                       string        `json:"team_id,omitempty"`
	Name                         string        `json:"name"`
	Description                  string        `json:"description"`
	DelegatedResourceAdminGroups []NamedObject `json:"delegated_resource_admin_groups,omitempty"`
}

// Project is an OPA project as the server shows it.
type Project struct {
	ID                           string     `json:"id"`
	Name                         string     `json:"name"`
	Team                         string     `json:"team"`
	ResourceGroupID              string     `json:"resource_group_id"`
	DeletedAt                    *time.Time `json:"deleted_at,omitempty"`
	ActiveResourceCount          int        `json:"active_resource_count"`
	StaleResourceCount           int        `json:"stale_resource_count"`
	CreateServerUsers            *bool      `json:"create_server_users"`
	ForceSharedSSHUsers          bool       `json:"force_shared_ssh_users"`
	GatewaySelector              string     `json:"gateway_selector"`
	NextUnixGID                  *int       `json:"next_unix_gid"`
	NextUnixUID                  *int       `json:"next_unix_uid"`
	PersistentServerUserAccounts *bool      `json:"persistent_server_user_accounts"`
	RequirePreauthForCreds       *bool      `json:"require_preauth_for_creds"`
	ServerAccountManagement      bool       `json:"server_account_management"`
	SharedAdminUserName          string     `json:"shared_admin_user_name"`
	SharedStandardUserName       string     `json:"shared_standard_user_name"`
	SSHCertificateType           string     `json:"ssh_certificate_type"`
	UserOnDemandPeriod           *int64     `json:"user_on_demand_period"`
}

// ProjectInput is a project to create, or the changes of a project update:
// only the fields set are sent, and the server keeps the others (an update
// merges), so a pointer to "" or false sets the field to that.
type ProjectInput struct {
	Name                         *string `json:"name,omitempty"`
	CreateServerUsers            *bool   `json:"create_server_users,omitempty"`
	ForceSharedSSHUsers          *bool   `json:"force_shared_ssh_users,omitempty"`
	GatewaySelector              *string `json:"gateway_selector,omitempty"`
	NextUnixGID                  *int    `json:"next_unix_gid,omitempty"`
	NextUnixUID                  *int    `json:"next_unix_uid,omitempty"`
	PersistentServerUserAccounts *bool   `json:"persistent_server_user_accounts,omitempty"`
	RequirePreauthForCreds       *bool   `json:"require_preauth_for_creds,omitempty"`
	ServerAccountManagement      *bool   `json:"server_account_management,omitempty"`
	SharedAdminUserName          *string `json:"shared_admin_user_name,omitempty"`
	SharedStandardUserName       *string `json:"shared_standard_user_name,omitempty"`
	SSHCertificateType           *string `json:"ssh_certificate_type,omitempty"`
}

// ListOptions narrow and page an OPA list. Zero values are not sent.
type ListOptions struct {
	Contains   string // keep items whose name contains this
	Count      int    // items per page
	Descending bool
	OrderBy    string // resource groups: "name" or "id"
}

// Ptr returns a pointer to v, for ProjectInput's fields.
func Ptr[T any](v T) *T { return &v }
