package store

import (
	"context"
	"time"
)

// ProjectSettings is one settings document of a project, e.g. its server checkout settings or
// its server password policy. Kind names the document ("server_checkout", "server_password",
// and the same for the other account kinds); Body is the domain's JSON encoding of it, so that
// every account kind's settings share one table and one contract.
type ProjectSettings struct {
	TeamID     string
	ProjectID  string
	Kind       string
	Body       []byte
	ModifiedAt time.Time
}

// SecurityPolicy is a team's grant of privileges on resources to groups. GroupIDs (sorted) are
// its principals, indexed so that evaluation finds a user's policies through its groups; Body is
// the domain's JSON encoding of the rest (rules, selectors, privileges, conditions, other
// principals), stored as given.
type SecurityPolicy struct {
	ID              string
	TeamID          string
	Name            string
	Description     string
	Active          bool
	ResourceGroupID string
	GroupIDs        []string
	Body            []byte
	CreatedAt       time.Time
}

// OPAPolicies is every OPA settings and policy aggregate.
type OPAPolicies interface {
	Settings
	SecurityPolicies
}

// Settings are the settings documents of projects.
type Settings interface {
	// GetProjectSettings returns ErrNotFound when the document was never set.
	GetProjectSettings(ctx context.Context, teamID, projectID, kind string) (ProjectSettings, error)
	// PutProjectSettings creates or replaces a document of an existing project of the team.
	PutProjectSettings(ctx context.Context, s ProjectSettings) error
}

// SecurityPolicies are a team's security policies; Name is unique in the team.
type SecurityPolicies interface {
	CreateSecurityPolicy(ctx context.Context, p SecurityPolicy) error
	GetSecurityPolicy(ctx context.Context, teamID, id string) (SecurityPolicy, error)
	// ListSecurityPolicies pages by name; Page.Contains matches the name or the description.
	ListSecurityPolicies(ctx context.Context, teamID string, p Page) ([]SecurityPolicy, error)
	// UpdateSecurityPolicy replaces everything but the id, team and creation time.
	UpdateSecurityPolicy(ctx context.Context, p SecurityPolicy) error
	DeleteSecurityPolicy(ctx context.Context, teamID, id string) error
	// ListSecurityPoliciesOfGroups returns the policies naming any of the groups, by id.
	ListSecurityPoliciesOfGroups(ctx context.Context, teamID string, groupIDs []string) ([]SecurityPolicy, error)
}
