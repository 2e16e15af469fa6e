package admin

import (
	"context"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// udsaasRoutes stand in for Okta's side of SaaS apps and the Universal Directory: keyward
// reaches no Okta org, so app instances are connected here and their service accounts, and the
// directory's, fed here; fed accounts are staged in OPA until a resource admin assigns them.
func (h *Handlers) udsaasRoutes() []wire.Route {
	const teamPath = "/keyward/v1/teams/{team_name}"
	return []wire.Route{
		admin("POST", teamPath+"/saasApps", "putSaasApp", h.putSaaSApp),
		admin("PUT", teamPath+"/saasApps/{app_id}/accounts", "feedSaasAppAccounts", h.feedSaaSAppAccounts),
		admin("PUT", teamPath+"/universalDirectory/accounts", "feedUniversalDirectoryAccounts", h.feedUDAccounts),
	}
}

// saasAppBody is an app instance as the admin API takes and shows it.
type saasAppBody struct {
	ID                       string `json:"id,omitempty"`
	Name                     string `json:"name"`
	GlobalAppName            string `json:"globalAppName"`
	LoginURL                 string `json:"loginUrl,omitempty"`
	LogoURL                  string `json:"logoUrl,omitempty"`
	PasswordRotationStrategy string `json:"passwordRotationStrategy,omitempty"`
	Created                  string `json:"created,omitempty"`
	LastUpdated              string `json:"lastUpdated,omitempty"`
}

// serviceAccountBody is an account as fed: id is Okta's id of it.
type serviceAccountBody struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Username        string `json:"username"`
	Description     string `json:"description,omitempty"`
	LcmSyncPossible bool   `json:"lcmSyncPossible"`
}

// feedSummary says what a feed changed.
type feedSummary struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
	Removed int `json:"removed"`
}

// putSaaSApp connects an app instance (201), or replaces the one of that id (200).
func (h *Handlers) putSaaSApp(w http.ResponseWriter, r *http.Request) error {
	var in saasAppBody
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	a, created, err := h.PAM.PutSaaSApp(r.Context(), team.ID, pam.SaaSAppInput{ID: in.ID, Name: in.Name, GlobalAppName: in.GlobalAppName,
		LoginURL: in.LoginURL, LogoURL: in.LogoURL, RotationStrategy: in.PasswordRotationStrategy})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	wire.JSON(w, status, saasAppBody{ID: a.ID, Name: a.Name, GlobalAppName: a.GlobalAppName, LoginURL: a.LoginURL, LogoURL: a.LogoURL,
		PasswordRotationStrategy: a.RotationStrategy, Created: a.CreatedAt.UTC().Format(time.RFC3339), LastUpdated: a.UpdatedAt.UTC().Format(time.RFC3339)})
	return nil
}

// feedSaaSAppAccounts replaces the service accounts of an app instance.
func (h *Handlers) feedSaaSAppAccounts(w http.ResponseWriter, r *http.Request) error {
	return h.feedServiceAccounts(w, r, func(ctx context.Context, teamID string, entries []pam.ServiceAccountEntry) (pam.FeedSummary, error) {
		return h.PAM.FeedSaaSAccounts(ctx, teamID, r.PathValue("app_id"), entries)
	})
}

// feedUDAccounts replaces the Universal Directory's service accounts of the team.
func (h *Handlers) feedUDAccounts(w http.ResponseWriter, r *http.Request) error {
	return h.feedServiceAccounts(w, r, h.PAM.FeedUDAccounts)
}

// feedServiceAccounts decodes a feed of accounts, hands it to feed for the path's team and
// answers what it changed.
func (h *Handlers) feedServiceAccounts(w http.ResponseWriter, r *http.Request,
	feed func(context.Context, string, []pam.ServiceAccountEntry) (pam.FeedSummary, error)) error {
	var in []serviceAccountBody
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	entries := make([]pam.ServiceAccountEntry, len(in))
	for i, e := range in {
		entries[i] = pam.ServiceAccountEntry{ExternalID: e.ID, Name: e.Name, Username: e.Username, Description: e.Description,
			Managed: e.LcmSyncPossible}
	}
	sum, err := feed(r.Context(), team.ID, entries)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, feedSummary(sum))
	return nil
}
