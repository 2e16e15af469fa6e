package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// adConnection is the spec's ActiveDirectoryConnection.
type adConnection struct {
	ID            string `json:"id"`
	Domain        string `json:"domain"`
	AppInstanceID string `json:"app_instance_id"`
	Status        string `json:"status"`
}

func adConnectionBody(c pam.ADConnection) adConnection {
	return adConnection{ID: c.ID, Domain: c.Domain, AppInstanceID: c.AppInstanceID, Status: c.Status}
}

// named is a reference, or nil for no id.
func named(id, name, typ string) *namedObject {
	if id == "" {
		return nil
	}
	return &namedObject{ID: id, Name: name, Type: typ}
}

func (h *Handlers) listActiveDirectoryConnections(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	return pagedList(h, w, r, func(c pam.ADConnection) string { return c.ID }, func(p store.Page) ([]pam.ADConnection, error) {
		p.Contains = ""
		return h.PAM.ListADConnections(r.Context(), teamID, p)
	}, adConnectionBody)
}

func (h *Handlers) getActiveDirectoryConnection(w http.ResponseWriter, r *http.Request) error {
	c, err := h.PAM.ADConnection(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adConnectionBody(c))
	return nil
}

func (h *Handlers) updateActiveDirectoryConnectionStatus(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Status *string `json:"status"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.Status == nil {
		return fault.Invalidf("ActiveDirectoryConnection", "status: is required")
	}
	err := h.PAM.SetADConnectionStatus(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"), *in.Status, false)
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) startActiveDirectoryAccountForceSync(w http.ResponseWriter, r *http.Request) error {
	if err := h.PAM.ForceSyncAD(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// getActiveDirectoryAccountSyncStatus answers the status alone, a JSON string, as the spec's
// ADAccountSyncStatus schema is.
func (h *Handlers) getActiveDirectoryAccountSyncStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := h.PAM.ADSyncStatus(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, st)
	return nil
}

// adRuleSettings is the spec's ActiveDirectoryAccountRuleSettings.
type adRuleSettings struct {
	AllowPartialMatches *bool                    `json:"allow_partial_matches"`
	IsConfigured        bool                     `json:"is_configured"`
	MatchingCriteria    *pam.ADMatchingCriteria  `json:"matching_criteria"`
	Partial             []pam.ADPartialCondition `json:"partial_matching_criteria"`
}

func (h *Handlers) getActiveDirectoryAccountRuleSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := h.PAM.ADRuleSettings(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adRuleSettings{AllowPartialMatches: &st.AllowPartialMatches, IsConfigured: st.Configured,
		MatchingCriteria: &st.Criteria, Partial: st.Partial})
	return nil
}

func (h *Handlers) configureActiveDirectoryAccountRuleSettings(w http.ResponseWriter, r *http.Request) error {
	var in adRuleSettings
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.MatchingCriteria == nil {
		return fault.Invalidf("ActiveDirectoryAccountRuleSettings", "matching_criteria: is required")
	}
	st := pam.ADRuleSettings{AllowPartialMatches: in.AllowPartialMatches != nil && *in.AllowPartialMatches,
		Criteria: *in.MatchingCriteria, Partial: in.Partial}
	if err := h.PAM.SetADRuleSettings(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"), st); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}
