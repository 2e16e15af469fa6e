package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// userBody is the spec's User. Nullable fields OPA leaves unset are sent as null: a service
// user's details, a live user's deleted_at, a human user's unknown names.
type userBody struct {
	TeamName  string       `json:"team_name"`
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Status    string       `json:"status"`
	UserType  string       `json:"user_type"`
	Details   *userDetails `json:"details"`
	DeletedAt *string      `json:"deleted_at"`
}

type userDetails struct {
	Email     *string `json:"email"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	FullName  *string `json:"full_name"`
}

// presentUser shows a user of the path's team.
func presentUser(teamName string, u store.OPAUser) userBody {
	b := userBody{TeamName: teamName, ID: u.ID, Name: u.Name, Status: u.Status, UserType: u.Type}
	if u.Type == store.UserHuman {
		full := u.FirstName
		if u.LastName != "" && full != "" {
			full += " "
		}
		full += u.LastName
		b.Details = &userDetails{Email: orNull(u.Email), FirstName: orNull(u.FirstName), LastName: orNull(u.LastName), FullName: orNull(full)}
	}
	if !u.DeletedAt.IsZero() {
		b.DeletedAt = orNull(timestamp(u.DeletedAt))
	}
	return b
}

// principalOf is the user behind the request's bearer token, as the router authenticated it.
func principalOf(r *http.Request) pam.Principal {
	p := wire.PrincipalFrom(r)
	return pam.Principal{TeamID: p.TeamID, UserID: p.User, Known: p.Access}
}

func (h *Handlers) getCurrentUserInfo(w http.ResponseWriter, r *http.Request) error {
	me, err := h.PAM.Me(r.Context(), principalOf(r), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, map[string]string{"id": me.ID, "name": me.Name, "team_name": me.TeamName})
	return nil
}

type roleBody struct {
	Name string `json:"name"`
}

func (h *Handlers) listRoles(w http.ResponseWriter, r *http.Request) error {
	return pagedList(h, w, r, func(x roleBody) string { return x.Name }, func(p store.Page) ([]roleBody, error) {
		return pageOf(pam.TeamRoles, p, func(name string) roleBody { return roleBody{name} }), nil
	}, func(x roleBody) roleBody { return x })
}

func (h *Handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	teamID, teamName := wire.PrincipalFrom(r).TeamID, r.PathValue("team_name")
	userType := store.UserHuman // as at OPA, service users only when asked for
	if r.URL.Query().Get("include_service_users") == "true" {
		userType = ""
	}
	return pagedList(h, w, r, userName, func(p store.Page) ([]store.OPAUser, error) {
		return h.PAM.ListUsers(r.Context(), teamID, userType, p)
	}, userPresenter(teamName))
}

func (h *Handlers) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.PAM.User(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("user_name"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, presentUser(r.PathValue("team_name"), u))
	return nil
}

func (h *Handlers) listUserGroups(w http.ResponseWriter, r *http.Request) error {
	teamID, user := wire.PrincipalFrom(r).TeamID, r.PathValue("user_name")
	return pagedList(h, w, r, groupName, func(p store.Page) ([]store.OPAGroup, error) {
		if onlyDeleted(r) {
			return nil, nil
		}
		return h.PAM.UserGroups(r.Context(), teamID, user, p)
	}, presentGroup)
}

func userName(u store.OPAUser) string { return u.Name }

func userPresenter(teamName string) func(store.OPAUser) userBody {
	return func(u store.OPAUser) userBody { return presentUser(teamName, u) }
}
