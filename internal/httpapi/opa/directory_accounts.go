package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// adAccount is the spec's ActiveDirectoryAccount, with …WithSettings' account_settings_enabled
// and …WithPasswordAndCheckoutDetails' checkout_status where the operation shows them.
type adAccount struct {
	ID                       string       `json:"id"`
	AccountName              string       `json:"account_name"`
	AccountType              string       `json:"account_type"`
	BroughtUnderManagementAt string       `json:"brought_under_management_at,omitempty"`
	DisplayName              string       `json:"display_name,omitempty"`
	DistinguishedName        string       `json:"distinguished_name"`
	Domain                   *namedObject `json:"domain"`
	Email                    string       `json:"email,omitempty"`
	FirstName                string       `json:"first_name,omitempty"`
	LastName                 string       `json:"last_name,omitempty"`
	MatchStatus              string       `json:"match_status,omitempty"`
	MatchedUser              *namedObject `json:"matched_user,omitempty"`
	Project                  *namedObject `json:"project,omitempty"`
	ResourceGroup            *namedObject `json:"resource_group,omitempty"`
	SAMAccountName           string       `json:"sam_account_name"`
	SID                      string       `json:"sid"`
	UPN                      string       `json:"upn"`
	AccountSettingsEnabled   *[]string    `json:"account_settings_enabled,omitempty"`
	CheckoutStatus           string       `json:"checkout_status,omitempty"`
	CheckoutExpiryAt         string       `json:"checkout_expiry_at,omitempty"`
	LastCheckoutUser         string       `json:"last_checkout_user,omitempty"`
	LastRotationAt           string       `json:"last_rotation_at,omitempty"`
	NextRotationReason       string       `json:"next_scheduled_password_rotation_reason,omitempty"`
	NextRotationAt           string       `json:"next_scheduled_password_rotation_timestamp,omitempty"`
	*adRotation
}

func adAccountBody(v pam.ADAccountView) adAccount {
	out := adAccount{ID: v.ID, AccountName: v.SAMAccountName, AccountType: v.AccountType, DisplayName: v.DisplayName,
		DistinguishedName: v.DistinguishedName, Domain: named(v.ConnectionID, v.Domain, "active_directory_connection"),
		Email: v.Email, FirstName: v.FirstName, LastName: v.LastName, SAMAccountName: v.SAMAccountName, SID: v.SID, UPN: v.UPN,
		Project: named(v.ProjectID, v.ProjectName, "project"), ResourceGroup: named(v.ResourceGroupID, v.ResourceGroupName, "resource_group")}
	if !v.ManagedAt.IsZero() {
		out.BroughtUnderManagementAt = timestamp(v.ManagedAt)
	}
	if v.AccountType == pam.ADIndividual {
		out.MatchStatus = v.Match.Status()
		out.MatchedUser = named(v.Match.UserID(), v.MatchedUserName, "user")
	}
	return out
}

// withSettings is the project lists' item: the settings enabled, always present.
func withSettings(v pam.ADAccountView) adAccount {
	out := adAccountBody(v)
	enabled := v.SettingsEnabled
	if enabled == nil {
		enabled = []string{}
	}
	out.AccountSettingsEnabled = &enabled
	return out
}

// withCheckout is an account's details: its checkout, password changes and next rotation.
func withCheckout(v pam.ADAccountView, st pam.ADAccountState) adAccount {
	out := adAccountBody(v)
	c := st.Checkout
	out.CheckoutStatus = "available"
	switch c.State {
	case store.CheckoutCheckedOut:
		out.CheckoutStatus, out.CheckoutExpiryAt = "checked_out", timestamp(c.ExpiresAt)
	case store.CheckoutPendingCheckin:
		out.CheckoutStatus = "unavailable"
	}
	out.LastCheckoutUser = st.LastCheckoutUser
	if !c.SuccessAt.IsZero() {
		out.LastRotationAt = timestamp(c.SuccessAt)
	}
	if !st.NextRotationAt.IsZero() {
		out.NextRotationAt, out.NextRotationReason = timestamp(st.NextRotationAt), st.NextRotationReason
	}
	rot := rotationOf(c, st.Directory)
	out.adRotation = &rot
	return out
}

// writeDetails answers an account's details.
func (h *Handlers) writeDetails(w http.ResponseWriter, r *http.Request, v pam.ADAccountView) error {
	st, err := h.PAM.ADAccountCheckoutState(r.Context(), wire.PrincipalFrom(r).TeamID, v)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, withCheckout(v, st))
	return nil
}

func adAccountKey(v pam.ADAccountView) string { return v.ID }

func (h *Handlers) listActiveDirectoryAccounts(w http.ResponseWriter, r *http.Request) error {
	teamID, connID := wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id")
	return pagedList(h, w, r, adAccountKey, func(p store.Page) ([]pam.ADAccountView, error) {
		p.Contains = ""
		return h.PAM.ListConnectionADAccounts(r.Context(), teamID, connID, p)
	}, adAccountBody)
}

func (h *Handlers) getActiveDirectoryAccount(w http.ResponseWriter, r *http.Request) error {
	v, err := h.PAM.ConnectionADAccount(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"), r.PathValue("ad_account_id"))
	if err != nil {
		return err
	}
	return h.writeDetails(w, r, v)
}

func (h *Handlers) listResourceGroupProjectActiveDirectoryAccounts(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	rgID, projectID := r.PathValue("resource_group_id"), r.PathValue("project_id")
	return pagedList(h, w, r, adAccountKey, func(page store.Page) ([]pam.ADAccountView, error) {
		return h.PAM.ListProjectADAccounts(r.Context(), p, rgID, projectID, page)
	}, withSettings)
}

func (h *Handlers) getActiveDirectoryAccountDetails(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	v, err := h.PAM.ProjectADAccount(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"), r.PathValue("ad_account_id"))
	if err != nil {
		return err
	}
	return h.writeDetails(w, r, v)
}

// adMatch is the spec's ActiveDirectoryAccountMatchRequest and …Response.
type adMatch struct {
	ADAccountID    string `json:"ad_account_id,omitempty"`
	ForceNoMatch   bool   `json:"force_no_match"`
	OverrideUserID string `json:"match_override_user_id,omitempty"`
	RuleMatchID    string `json:"rule_match_user_id,omitempty"`
}

func adMatchBody(a pam.ADAccount) adMatch {
	return adMatch{ADAccountID: a.ID, ForceNoMatch: a.Match.ForceNoMatch, OverrideUserID: a.Match.OverrideUserID,
		RuleMatchID: a.Match.RuleMatchUserID}
}

func (h *Handlers) getActiveDirectoryAccountMatch(w http.ResponseWriter, r *http.Request) error {
	a, err := h.PAM.ADAccountMatch(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"), r.PathValue("ad_account_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adMatchBody(a))
	return nil
}

func (h *Handlers) updateActiveDirectoryAccountMatch(w http.ResponseWriter, r *http.Request) error {
	var in adMatch
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	a, err := h.PAM.SetADAccountMatch(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"),
		r.PathValue("ad_account_id"), pam.ADMatchInput{OverrideUserID: in.OverrideUserID, ForceNoMatch: in.ForceNoMatch})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adMatchBody(a))
	return nil
}
