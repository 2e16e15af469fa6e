package store

import (
	"context"
	"time"
)

// Page asks a list for one page ordered by a key: up to Limit rows whose key lies after After
// (ascending) or before it (descending). Callers wanting to know whether more follow ask for one
// row more than they show; an opaque offset is the key of the last row shown.
type Page struct {
	After      string // "" starts at the first row in the chosen order
	Limit      int
	Descending bool
	OrderByID  bool     // order by id instead of name (lists without names always use id)
	Contains   string   // keep only rows whose name contains this, ignoring ASCII case
	IDs        []string // when not nil, keep only rows with these ids (none when empty)
}

// OPA user types and statuses.
const (
	UserHuman    = "human"
	UserService  = "service"
	UserActive   = "ACTIVE"
	UserDisabled = "DISABLED"
	UserDeleted  = "DELETED"
)

// OPAUser is a human or service user of an OPA team; Name is unique in the team.
type OPAUser struct {
	ID        string
	TeamID    string
	Name      string
	Type      string // UserHuman or UserService
	Status    string // UserActive, UserDisabled or UserDeleted
	Email     string // human users only
	FirstName string
	LastName  string
	CreatedAt time.Time
	DeletedAt time.Time // zero unless Status is UserDeleted
}

// OPAGroup is a team's group of users; its roles are granted to every member.
type OPAGroup struct {
	ID        string
	TeamID    string
	Name      string
	Roles     []string
	CreatedAt time.Time
}

// OPAKey is a service user's API key; only the secret's hash is kept. It shares its table with
// the bootstrap-era ServiceUserKey.
type OPAKey struct {
	ID         string
	TeamID     string
	UserID     string
	SecretHash string
	IssuedAt   time.Time
	ExpiresAt  time.Time // zero: never
	LastUsed   time.Time // zero: never
}

// UserToken is a bearer token minted for a human user; only its hash is kept.
type UserToken struct {
	Hash      string
	TeamID    string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// OPAPrincipals is every OPA principal aggregate.
type OPAPrincipals interface {
	OPAUsers
	OPAGroups
	OPAKeys
	UserTokens
}

// OPAUsers are a team's human and service users.
type OPAUsers interface {
	CreateOPAUser(ctx context.Context, u OPAUser) error
	GetOPAUser(ctx context.Context, teamID, id string) (OPAUser, error)
	GetOPAUserByName(ctx context.Context, teamID, name string) (OPAUser, error)
	// ListOPAUsers pages a team's users of one type ("" for both).
	ListOPAUsers(ctx context.Context, teamID, userType string, p Page) ([]OPAUser, error)
	// UpdateOPAUser replaces a user's status, names, email and deletion time.
	UpdateOPAUser(ctx context.Context, u OPAUser) error
}

// OPAGroups are a team's groups and their members.
type OPAGroups interface {
	CreateOPAGroup(ctx context.Context, g OPAGroup) error
	GetOPAGroupByName(ctx context.Context, teamID, name string) (OPAGroup, error)
	ListOPAGroups(ctx context.Context, teamID string, p Page) ([]OPAGroup, error)
	// ListOPAGroupsByID returns those of the ids naming groups of the team, in id order.
	ListOPAGroupsByID(ctx context.Context, teamID string, ids []string) ([]OPAGroup, error)
	UpdateOPAGroupRoles(ctx context.Context, teamID, id string, roles []string) error
	// DeleteOPAGroup removes a group, its memberships and its resource-group ownerships.
	DeleteOPAGroup(ctx context.Context, teamID, id string) error
	// AddOPAGroupMember is idempotent.
	AddOPAGroupMember(ctx context.Context, teamID, groupID, userID string) error
	RemoveOPAGroupMember(ctx context.Context, teamID, groupID, userID string) error
	ListOPAGroupMembers(ctx context.Context, teamID, groupID string, p Page) ([]OPAUser, error)
	ListOPAUserGroups(ctx context.Context, teamID, userID string, p Page) ([]OPAGroup, error)
	// ListOPAAdminGroupIDs returns the ids of the groups that own at least one resource group.
	ListOPAAdminGroupIDs(ctx context.Context, teamID string, groupIDs []string) ([]string, error)
}

// OPAKeys are service users' API keys and what their service tokens resolve to.
type OPAKeys interface {
	CreateOPAKey(ctx context.Context, k OPAKey) error
	GetOPAKey(ctx context.Context, teamID, id string) (OPAKey, error)
	// ListOPAKeys pages one user's keys by id; userID "" lists keys stored before keys had users.
	ListOPAKeys(ctx context.Context, teamID, userID string, p Page) ([]OPAKey, error)
	// SetOPAKeyUser gives a key stored before keys had users its user.
	SetOPAKeyUser(ctx context.Context, teamID, id, userID string) error
	// DeleteOPAKey removes a key and every service token minted from it.
	DeleteOPAKey(ctx context.Context, teamID, userID, id string) error
	// DeleteOPAUserServiceTokens forgets every service token minted from a user's keys.
	DeleteOPAUserServiceTokens(ctx context.Context, teamID, userID string) error
	// GetOPAUserByServiceToken returns the user owning the key an unexpired token was minted from.
	GetOPAUserByServiceToken(ctx context.Context, hash string, now time.Time) (OPAUser, error)
}

// UserTokens are bearer tokens of human users.
type UserTokens interface {
	// CreateUserToken stores a token and forgets tokens expired at t.CreatedAt.
	CreateUserToken(ctx context.Context, t UserToken) error
	// GetOPAUserByUserToken returns the user of an unexpired token.
	GetOPAUserByUserToken(ctx context.Context, hash string, now time.Time) (OPAUser, error)
}
