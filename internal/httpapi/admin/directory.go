package admin

import (
	"context"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// directoryRoutes stand in for Okta's side of Active Directory: keyward reaches no domain
// controller, so connections are made here and their domains' accounts fed here; an OPA
// force_sync then applies what was fed.
func (h *Handlers) directoryRoutes() []wire.Route {
	const conn = "/keyward/v1/teams/{team_name}/adConnections/{connection_id}"
	return []wire.Route{
		admin("POST", "/keyward/v1/teams/{team_name}/adConnections", "createADConnection", h.createADConnection),
		admin("PUT", conn+"/status", "setADConnectionStatus", h.setADConnectionStatus),
		admin("PUT", conn+"/accounts", "feedADAccounts", h.feedADAccounts),
		admin("PUT", "/keyward/v1/teams/{team_name}/directoryFailures", "setDirectoryFailure", h.setDirectoryFailure),
		admin("GET", "/keyward/v1/teams/{team_name}/directoryPasswords/{account_id}", "getDirectoryPassword", h.getDirectoryPassword),
	}
}

// directoryFailureBody is the password directory's failure switch: a message makes every
// password change of the team's directory accounts (AD now) fail with it; "" lets them succeed.
type directoryFailureBody struct {
	Message string `json:"message"`
}

func (h *Handlers) setDirectoryFailure(w http.ResponseWriter, r *http.Request) error {
	return teamCommand(h, w, r, func(ctx context.Context, teamID string, in directoryFailureBody) error {
		return h.PAM.SetDirectoryFailure(ctx, teamID, in.Message)
	})
}

// teamCommand decodes the body, finds the path's team, runs do on it and answers 204.
func teamCommand[In any](h *Handlers, w http.ResponseWriter, r *http.Request,
	do func(ctx context.Context, teamID string, in In) error) error {
	var in In
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	if err := do(r.Context(), team.ID, in); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// getDirectoryPassword answers an account's current password as keyward's directory holds it
// (the system of record keyward stands in for), so that a revealed password can be checked.
func (h *Handlers) getDirectoryPassword(w http.ResponseWriter, r *http.Request) error {
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	pw, at, err := h.PAM.DirectoryPassword(r.Context(), team.ID, r.PathValue("account_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, struct {
		AccountID string    `json:"accountId"`
		Password  string    `json:"password"`
		ChangedAt time.Time `json:"changedAt"`
	}{r.PathValue("account_id"), pw, at.UTC()})
	return nil
}

// adConnectionBody is a connection as the admin API takes and shows it.
type adConnectionBody struct {
	ID            string `json:"id,omitempty"`
	Domain        string `json:"domain"`
	AppInstanceID string `json:"appInstanceId"`
	Status        string `json:"status"`
}

// adEntryBody is an account of a domain as fed.
type adEntryBody struct {
	SID               string `json:"sid"`
	SAMAccountName    string `json:"samAccountName"`
	UPN               string `json:"upn"`
	DistinguishedName string `json:"distinguishedName"`
	FirstName         string `json:"firstName"`
	LastName          string `json:"lastName"`
	DisplayName       string `json:"displayName"`
	Email             string `json:"email"`
	AccountType       string `json:"accountType"`
}

func (h *Handlers) createADConnection(w http.ResponseWriter, r *http.Request) error {
	var in adConnectionBody
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	c, err := h.PAM.CreateADConnection(r.Context(), team.ID, pam.NewADConnection{Domain: in.Domain, AppInstanceID: in.AppInstanceID, Status: in.Status})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, adConnectionBody{ID: c.ID, Domain: c.Domain, AppInstanceID: c.AppInstanceID, Status: c.Status})
	return nil
}

// setADConnectionStatus is Okta's side of a status change, the only way to make a connection
// inactive (or active again).
func (h *Handlers) setADConnectionStatus(w http.ResponseWriter, r *http.Request) error {
	type statusBody struct {
		Status string `json:"status"`
	}
	return teamCommand(h, w, r, func(ctx context.Context, teamID string, in statusBody) error {
		return h.PAM.SetADConnectionStatus(ctx, teamID, r.PathValue("connection_id"), in.Status, true)
	})
}

// feedADAccounts replaces the accounts the connection's domain holds.
func (h *Handlers) feedADAccounts(w http.ResponseWriter, r *http.Request) error {
	return teamCommand(h, w, r, func(ctx context.Context, teamID string, in []adEntryBody) error {
		entries := make([]pam.ADEntry, len(in))
		for i, e := range in {
			entries[i] = pam.ADEntry(e)
		}
		return h.PAM.FeedADDirectory(ctx, teamID, r.PathValue("connection_id"), entries)
	})
}
