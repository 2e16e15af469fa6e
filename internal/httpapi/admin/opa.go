package admin

import (
	"context"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// opaRoutes are the OPA controls: teams, and the human users that at OPA arrive from Okta, with
// the bearer tokens that stand in for their signing in through the OPA client; and a resource
// group's delegated security admin groups, which OPA's security admins set in its dashboard.
func (h *Handlers) opaRoutes() []wire.Route {
	const (
		user           = "/keyward/v1/teams/{team_name}/users/{user_name}"
		securityAdmins = "/keyward/v1/teams/{team_name}/resource_groups/{resource_group_id}/delegated_security_admin_groups"
	)
	return []wire.Route{
		admin("POST", "/keyward/v1/teams", "createTeam", h.createTeam),
		admin("GET", "/keyward/v1/teams", "listTeams", h.listTeams),
		admin("POST", "/keyward/v1/teams/{team_name}/users", "createTeamUser", h.createTeamUser),
		admin("PUT", user+"/status", "setTeamUserStatus", h.setTeamUserStatus),
		admin("POST", user+"/tokens", "mintUserToken", h.mintUserToken),
		admin("GET", user+"/server_accounts/{server_account_id}/access_methods", "listUserAccessMethods", h.listUserAccessMethods),
		admin("GET", securityAdmins, "getSecurityAdminGroups", h.getSecurityAdminGroups),
		admin("PUT", securityAdmins, "setSecurityAdminGroups", h.setSecurityAdminGroups),
	}
}

type teamBody struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

func (h *Handlers) createTeam(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name        string `json:"name"`
		ServiceUser string `json:"serviceUser"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	t, err := h.PAM.CreateTeam(r.Context(), pam.NewTeam{Name: in.Name, ServiceUser: in.ServiceUser})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]any{
		"id": t.Team.ID, "name": t.Team.Name, "createdAt": t.Team.CreatedAt,
		"serviceUser": t.ServiceUser.Name, "adminGroup": t.AdminGroup.Name,
		"keyId": t.Key.ID, "keySecret": t.Key.Secret, // shown this once
	})
	return nil
}

func (h *Handlers) listTeams(w http.ResponseWriter, r *http.Request) error {
	teams, err := h.PAM.Teams(r.Context())
	if err != nil {
		return err
	}
	out := make([]teamBody, len(teams))
	for i, t := range teams {
		out[i] = teamBody(t)
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

// userBody is a human user as the admin API shows it.
type userBody struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Status    string `json:"status"`
	Type      string `json:"userType"`
}

func presentUser(u store.OPAUser) userBody {
	return userBody{ID: u.ID, Name: u.Name, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Status: u.Status, Type: u.Type}
}

// newUserBody is a human user to create.
type newUserBody struct {
	Name      string `json:"name"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Status    string `json:"status"`
}

func (h *Handlers) createTeamUser(w http.ResponseWriter, r *http.Request) error {
	return userCall(h, w, r, http.StatusCreated, func(ctx context.Context, teamID string, in newUserBody) (store.OPAUser, error) {
		return h.PAM.CreateUser(ctx, teamID, pam.NewUser(in))
	})
}

func (h *Handlers) setTeamUserStatus(w http.ResponseWriter, r *http.Request) error {
	type statusBody struct {
		Status string `json:"status"`
	}
	return userCall(h, w, r, http.StatusOK, func(ctx context.Context, teamID string, in statusBody) (store.OPAUser, error) {
		return h.PAM.SetUserStatus(ctx, teamID, r.PathValue("user_name"), in.Status)
	})
}

// userCall decodes the body, finds the path's team, runs change on it and answers status with
// the user change returns.
func userCall[In any](h *Handlers, w http.ResponseWriter, r *http.Request, status int,
	change func(ctx context.Context, teamID string, in In) (store.OPAUser, error)) error {
	var in In
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	u, err := change(r.Context(), team.ID, in)
	if err != nil {
		return err
	}
	wire.JSON(w, status, presentUser(u))
	return nil
}

func (h *Handlers) mintUserToken(w http.ResponseWriter, r *http.Request) error {
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	token, expires, err := h.PAM.MintUserToken(r.Context(), team.ID, r.PathValue("user_name"), h.Clock())
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]any{"bearerToken": token, "expiresAt": expires.UTC(), "teamName": team.Name})
	return nil
}
