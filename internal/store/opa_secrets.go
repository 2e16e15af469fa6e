package store

import (
	"context"
	"time"
)

// Kinds of a project's secret items.
const (
	SecretFolder   = "folder"
	SecretKeyValue = "key_value_secret"
)

// SecretItem is a folder or a key/value secret of a project. Folders nest: ParentID is the
// folder holding the item, "" for a top-level folder (secrets always sit in a folder). Name is
// unique among the items of one folder. Value is a secret's sealed key/value pairs, "" for a
// folder; it never leaves the domain unsealed.
type SecretItem struct {
	ID          string
	TeamID      string
	ProjectID   string
	ParentID    string
	Kind        string // SecretFolder or SecretKeyValue
	Name        string
	Description *string
	Value       string
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
}

// OPASecrets are the projects' secret folders and secrets.
type OPASecrets interface {
	// CreateSecretItem stores an item; ErrConflict when its name is taken in its folder,
	// ErrNotFound when its parent is not a folder of the same project.
	CreateSecretItem(ctx context.Context, it SecretItem) error
	// GetSecretItem returns an item of a project of the team.
	GetSecretItem(ctx context.Context, teamID, projectID, id string) (SecretItem, error)
	// SecretItemAncestors returns the folders above an item, the top-level folder first (at
	// most maxDepth of them); none for a top-level folder or an unknown item.
	SecretItemAncestors(ctx context.Context, teamID, id string, maxDepth int) ([]SecretItem, error)
	// ListSecretItems pages the items of one folder ("": the project's top-level folders) by
	// name; Page.IDs keeps only those items.
	ListSecretItems(ctx context.Context, teamID, projectID, parentID string, p Page) ([]SecretItem, error)
	// UpdateSecretItem replaces the name, description, parent, value and update stamp;
	// ErrConflict when the name is taken in its (new) folder.
	UpdateSecretItem(ctx context.Context, it SecretItem) error
	// HoldSecretFolder writes a folder row without changing it, so that inside a transaction a
	// concurrent delete of the folder waits for (or, on PostgreSQL, collides with) the
	// transaction adding an item to it; ErrNotFound when it is not a folder of the project.
	HoldSecretFolder(ctx context.Context, teamID, projectID, id string) error
	// DeleteSecretItem removes an item; ErrConflict when it is a folder still holding items.
	DeleteSecretItem(ctx context.Context, teamID, projectID, id string) error
}
