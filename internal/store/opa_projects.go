package store

import (
	"context"
	"time"
)

// ResourceGroup is a team's administrative boundary holding projects; Name is unique in the team.
// AdminGroupIDs are the groups whose members are its delegated resource admins,
// SecurityAdminGroupIDs those whose members are its delegated security admins.
type ResourceGroup struct {
	ID                    string
	TeamID                string
	Name                  string
	Description           string
	AdminGroupIDs         []string // sorted
	SecurityAdminGroupIDs []string // sorted; set apart from the others (SetResourceGroupSecurityAdmins)
	CreatedAt             time.Time
}

// Project is a collection of resources sharing settings, in one resource group, where its Name
// is unique. Nullable settings are pointers: nil is "not set".
type Project struct {
	ID                           string
	TeamID                       string
	ResourceGroupID              string
	Name                         string
	SSHCertificateType           string
	NextUnixUID                  int
	NextUnixGID                  int
	GatewaySelector              string
	CreateServerUsers            bool
	ForceSharedSSHUsers          bool
	PersistentServerUserAccounts *bool
	RequirePreauthForCreds       bool
	ServerAccountManagement      bool
	SharedAdminUserName          string
	SharedStandardUserName       string
	UserOnDemandPeriod           *int64
	CreatedAt                    time.Time
}

// OPAProjects is every OPA resource-group and project aggregate.
type OPAProjects interface {
	ResourceGroups
	Projects
}

// ResourceGroups are a team's resource groups with their owner groups.
type ResourceGroups interface {
	CreateResourceGroup(ctx context.Context, rg ResourceGroup) error
	GetResourceGroup(ctx context.Context, teamID, id string) (ResourceGroup, error)
	ListResourceGroups(ctx context.Context, teamID string, p Page) ([]ResourceGroup, error)
	// UpdateResourceGroup replaces name, description and owner groups.
	UpdateResourceGroup(ctx context.Context, rg ResourceGroup) error
	// DeleteResourceGroup removes an empty resource group; ErrConflict while it holds projects.
	DeleteResourceGroup(ctx context.Context, teamID, id string) error
	// ListResourceGroupIDsOwnedBy returns the resource groups owned by any of the groups.
	ListResourceGroupIDsOwnedBy(ctx context.Context, teamID string, groupIDs []string) ([]string, error)
	// SetResourceGroupSecurityAdmins replaces the groups whose members are the resource group's
	// delegated security admins (groups of the team; the caller checks them).
	SetResourceGroupSecurityAdmins(ctx context.Context, teamID, id string, groupIDs []string) error
	// ListResourceGroupIDsSecuredBy returns the resource groups whose delegated security admin
	// groups hold any of the groups.
	ListResourceGroupIDsSecuredBy(ctx context.Context, teamID string, groupIDs []string) ([]string, error)
}

// Projects are the projects of resource groups.
type Projects interface {
	CreateProject(ctx context.Context, p Project) error
	GetProject(ctx context.Context, teamID, resourceGroupID, id string) (Project, error)
	ListProjects(ctx context.Context, teamID, resourceGroupID string, p Page) ([]Project, error)
	// UpdateProject replaces every setting but the ids and the creation time.
	UpdateProject(ctx context.Context, p Project) error
	DeleteProject(ctx context.Context, teamID, resourceGroupID, id string) error
}
