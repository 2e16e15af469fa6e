package store

import (
	"context"
	"time"
)

// Kinds of service account: an Okta Universal Directory user, or an account of a SaaS app
// instance.
const (
	ServiceAccountUD   = "okta_universal_directory"
	ServiceAccountSaaS = "saas_app"
)

// SaaSApp is an Okta app instance connected to OPA. keyward reaches no Okta org: instances
// are fed through the admin API. ID is Okta's app instance id, unique in the team. Body is the
// domain's JSON of the rest (global app name, URLs, rotation strategy).
type SaaSApp struct {
	TeamID    string
	ID        string
	Name      string
	Body      []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ServiceAccount is a Universal Directory or SaaS-app service account. It is staged (in no
// project: ProjectID and ResourceGroupID "") until a resource admin assigns it to a project,
// and staged again when that project is deleted.
// ExternalID is Okta's id of the account (the UD user's id, or the app user's id), unique for
// the team's kind and app; AppID is "" for a UD account. Managed is whether keyward may rotate
// its password (OPA's lcm_sync_possible). RotationDueAt is when an initial rotation was
// requested and not yet done (zero: none). Body is the domain's JSON of the rest.
type ServiceAccount struct {
	ID              string
	TeamID          string
	Kind            string
	AppID           string
	ExternalID      string
	Name            string
	Username        string
	Managed         bool
	ResourceGroupID string
	ProjectID       string
	RotationDueAt   time.Time
	Body            []byte
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// ServiceAccountFilter narrows a service-account list; zero fields do not filter.
type ServiceAccountFilter struct {
	Kind            string
	AppIDs          []string // when not empty, only accounts of these apps
	ExternalID      string
	ResourceGroupID string
	ProjectID       string
	Staged          bool  // only accounts in no project (or in one deleted since)
	Assigned        bool  // only accounts in an existing project
	Managed         *bool // only managed (true) or unmanaged (false) accounts
	RotationDue     bool  // only accounts with an initial rotation requested
	NameContains    string
}

// OPAServiceAccounts are SaaS app instances and the UD and SaaS service accounts.
type OPAServiceAccounts interface {
	// PutSaaSApp creates or replaces an app instance by team and id (keeping its creation time).
	PutSaaSApp(ctx context.Context, a SaaSApp) error
	GetSaaSApp(ctx context.Context, teamID, id string) (SaaSApp, error)
	// ListSaaSApps pages by id; p.Contains filters by name, p.IDs by id.
	ListSaaSApps(ctx context.Context, teamID string, p Page) ([]SaaSApp, error)

	// PutServiceAccount creates or replaces an account by id; an account of another team or
	// kind is never overwritten (ErrNotFound), a second account with the same external id is
	// ErrConflict.
	PutServiceAccount(ctx context.Context, a ServiceAccount) error
	GetServiceAccount(ctx context.Context, teamID, id string) (ServiceAccount, error)
	DeleteServiceAccount(ctx context.Context, teamID, id string) error
	// ListServiceAccounts pages by id; p.IDs keeps only those ids.
	ListServiceAccounts(ctx context.Context, teamID string, f ServiceAccountFilter, p Page) ([]ServiceAccount, error)

	// GetTeamProject finds a project of the team by id alone, whichever its resource group (an
	// assignment names only the project).
	GetTeamProject(ctx context.Context, teamID, id string) (Project, error)
}
