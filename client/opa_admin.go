package client

import (
	"context"
	"net/http"
	"time"
)

// Team is an OPA team as keyward's admin API shows it.
type Team struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

// CreatedTeam is a new team with its first service user, in the team's admin group, and that
// user's API key; KeySecret is shown this once.
type CreatedTeam struct {
	Team
	ServiceUser string `json:"serviceUser"`
	AdminGroup  string `json:"adminGroup"`
	KeyID       string `json:"keyId"`
	KeySecret   string `json:"keySecret"`
}

// TeamUser is a human user of an OPA team.
type TeamUser struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Status    string `json:"status,omitempty"` // ACTIVE when empty on create
	UserType  string `json:"userType,omitempty"`
}

// UserToken is a bearer token minted for a human user; use it with [NewOPAWithToken].
type UserToken struct {
	BearerToken string    `json:"bearerToken"`
	ExpiresAt   time.Time `json:"expiresAt"`
	TeamName    string    `json:"teamName"`
}

// CreateTeam creates an OPA team with its first service user ("keyward-admin" when
// serviceUser is "") and key: POST /keyward/v1/teams.
func (c *Client) CreateTeam(ctx context.Context, name, serviceUser string) (*CreatedTeam, error) {
	in := struct {
		Name        string `json:"name"`
		ServiceUser string `json:"serviceUser,omitempty"`
	}{name, serviceUser}
	var out CreatedTeam
	if err := c.adminCall(ctx, http.MethodPost, in, &out, nil, "keyward", "v1", "teams"); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListTeams lists every OPA team: GET /keyward/v1/teams.
func (c *Client) ListTeams(ctx context.Context) ([]Team, error) {
	var out []Team
	err := c.adminCall(ctx, http.MethodGet, nil, &out, nil, "keyward", "v1", "teams")
	return out, err
}

// CreateTeamUser adds a human user to a team: POST /keyward/v1/teams/{team}/users.
func (c *Client) CreateTeamUser(ctx context.Context, team string, u TeamUser) (*TeamUser, error) {
	var out TeamUser
	if err := c.adminCall(ctx, http.MethodPost, u, &out, nil, "keyward", "v1", "teams", team, "users"); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetTeamUserStatus sets a user's status (ACTIVE, DISABLED or DELETED); leaving ACTIVE ends
// its tokens at once: PUT /keyward/v1/teams/{team}/users/{user}/status.
func (c *Client) SetTeamUserStatus(ctx context.Context, team, user, status string) (*TeamUser, error) {
	in := struct {
		Status string `json:"status"`
	}{status}
	var out TeamUser
	if err := c.adminCall(ctx, http.MethodPut, in, &out, nil, "keyward", "v1", "teams", team, "users", user, "status"); err != nil {
		return nil, err
	}
	return &out, nil
}

// MintUserToken mints a bearer token for an active human user, the stand-in for signing in
// through the OPA client: POST /keyward/v1/teams/{team}/users/{user}/tokens.
func (c *Client) MintUserToken(ctx context.Context, team, user string) (*UserToken, error) {
	var out UserToken
	if err := c.adminCall(ctx, http.MethodPost, emptyBody, &out, nil, "keyward", "v1", "teams", team, "users", user, "tokens"); err != nil {
		return nil, err
	}
	return &out, nil
}

// SecurityAdminGroup is a group named among a resource group's delegated security admin groups.
type SecurityAdminGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SetSecurityAdminGroups makes the named groups a resource group's delegated security admin
// groups (what OPA's security admins do in its dashboard):
// PUT /keyward/v1/teams/{team}/resource_groups/{id}/delegated_security_admin_groups.
func (c *Client) SetSecurityAdminGroups(ctx context.Context, team, rgID string, groups []string) ([]SecurityAdminGroup, error) {
	if groups == nil {
		groups = []string{}
	}
	var out struct {
		Groups []SecurityAdminGroup `json:"groups"`
	}
	err := c.adminCall(ctx, http.MethodPut, map[string][]string{"groups": groups}, &out, nil,
		"keyward", "v1", "teams", team, "resource_groups", rgID, "delegated_security_admin_groups")
	return out.Groups, err
}
