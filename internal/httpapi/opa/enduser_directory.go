package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// adAccountEndUser is the spec's ActiveDirectoryAccountEndUser (detail) and, without the
// directory attributes and rotation, ActiveDirectoryAccountEndUserList (list item).
type adAccountEndUser struct {
	Account         adEndUserAccount  `json:"account"`
	CheckoutDetails adCheckoutDetails `json:"checkout_details"`
	Rotation        *adRotation       `json:"rotation,omitempty"`
}

type adEndUserAccount struct {
	ID                       string `json:"id"`
	Username                 string `json:"username"`
	AccountType              string `json:"account_type"`
	AvailabilityStatus       string `json:"availability_status"`
	FirstName                string `json:"first_name,omitempty"`
	LastName                 string `json:"last_name,omitempty"`
	Email                    string `json:"email,omitempty"`
	DisplayName              string `json:"display_name,omitempty"`
	SAMAccountName           string `json:"sam_account_name,omitempty"`
	BroughtUnderManagementAt string `json:"brought_under_management_at,omitempty"`
	DistinguishedName        string `json:"distinguished_name,omitempty"`
	SID                      string `json:"sid,omitempty"`
}

type adCheckoutDetails struct {
	CheckoutRequired             bool   `json:"checkout_required"`
	CurrentUserCheckoutExpiresAt string `json:"current_user_checkout_expires_at,omitempty"`
	LastCheckedOutBy             string `json:"last_checked_out_by,omitempty"`
}

// adRotation is the end-user account's rotation object (and, flattened, the admin details'
// AccountPasswordChangeDetails).
type adRotation struct {
	SuccessReport   string  `json:"last_password_change_success_report_timestamp,omitempty"`
	SuccessSystem   string  `json:"last_password_change_system_timestamp,omitempty"`
	ErrorReport     string  `json:"last_password_change_error_report_timestamp,omitempty"`
	ErrorSystem     string  `json:"last_password_change_error_system_timestamp,omitempty"`
	ErrorType       *string `json:"last_password_change_error_type,omitempty"`
	Successes       int     `json:"password_change_success_count"`
	Errors          int     `json:"password_change_error_count"`
	ErrorsSinceOkay int     `json:"password_change_error_count_since_last_success"`
}

func rotationOf(c store.Checkout, d store.DirectoryPassword) adRotation {
	out := adRotation{Successes: d.Successes, Errors: d.Failures, ErrorsSinceOkay: c.RotationFails}
	if !c.SuccessAt.IsZero() {
		out.SuccessReport, out.SuccessSystem = timestamp(c.SuccessAt), timestamp(c.SuccessAt)
	}
	if !c.ErrorAt.IsZero() {
		out.ErrorReport, out.ErrorSystem, out.ErrorType = timestamp(c.ErrorAt), timestamp(c.ErrorAt), &c.ErrorType
	}
	return out
}

func adEndUserBody(a pam.ADAccess, me string, detailed bool) adAccountEndUser {
	out := adAccountEndUser{
		Account:         adEndUserAccount{ID: a.ID, Username: a.SAMAccountName, AccountType: a.AccountType, AvailabilityStatus: a.Status(me)},
		CheckoutDetails: adCheckoutDetails{CheckoutRequired: a.CheckoutRequired},
	}
	if a.Checkout.State == store.CheckoutCheckedOut && a.Checkout.UserID == me {
		out.CheckoutDetails.CurrentUserCheckoutExpiresAt = timestamp(a.Checkout.ExpiresAt)
	}
	if !detailed {
		return out
	}
	acc := &out.Account
	acc.FirstName, acc.LastName, acc.Email, acc.DisplayName = a.FirstName, a.LastName, a.Email, a.DisplayName
	acc.SAMAccountName, acc.DistinguishedName, acc.SID = a.SAMAccountName, a.DistinguishedName, a.SID
	if !a.ManagedAt.IsZero() {
		acc.BroughtUnderManagementAt = timestamp(a.ManagedAt)
	}
	out.CheckoutDetails.LastCheckedOutBy = a.LastCheckoutUser
	rot := rotationOf(a.Checkout, a.Directory)
	out.Rotation = &rot
	return out
}

// adDomain is the spec's ActiveDirectoryDomain.
type adDomain struct {
	ID                string `json:"id"`
	Domain            string `json:"domain"`
	OktaAppInstanceID string `json:"okta_app_instance_id"`
	Status            string `json:"status"`
}

func adDomainBody(c pam.ADConnection) adDomain {
	return adDomain{ID: c.ID, Domain: c.Domain, OktaAppInstanceID: c.AppInstanceID, Status: c.Status}
}

func (h *Handlers) listActiveDirectoryDomains(w http.ResponseWriter, r *http.Request) error {
	p, q := principalOf(r), r.URL.Query()
	return pagedList(h, w, r, func(c pam.ADConnection) string { return c.ID }, func(page store.Page) ([]pam.ADConnection, error) {
		page.Contains = ""
		return h.PAM.ListUserADDomains(r.Context(), p, q.Get("domain"), q.Get("contains"), page)
	}, adDomainBody)
}

func (h *Handlers) getActiveDirectoryDomainEndUser(w http.ResponseWriter, r *http.Request) error {
	c, err := h.PAM.UserADDomain(r.Context(), principalOf(r), r.PathValue("ad_connection_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adDomainBody(c))
	return nil
}

func (h *Handlers) listActiveDirectoryAccountsEndUser(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	name := r.URL.Query().Get("account_name")
	return pagedList(h, w, r, func(a pam.ADAccess) string { return a.ID }, func(page store.Page) ([]pam.ADAccess, error) {
		page.Contains = ""
		return h.PAM.ListUserADAccounts(r.Context(), p, r.PathValue("ad_connection_id"), name, page)
	}, func(a pam.ADAccess) adAccountEndUser { return adEndUserBody(a, p.UserID, false) })
}

func (h *Handlers) getActiveDirectoryAccountEndUser(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	a, err := h.PAM.UserADAccount(r.Context(), p, r.PathValue("ad_connection_id"), r.PathValue("ad_account_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adEndUserBody(a, p.UserID, true))
	return nil
}

// adPrivilege is one of the spec's ActiveDirectoryAccountPrivilegeContainer.
type adPrivilege struct {
	Type  string         `json:"privilege_type"`
	Value map[string]any `json:"privilege_value"`
}

type adMethodDetails struct {
	Type       string        `json:"_type"`
	AccountID  string        `json:"account_id"`
	Privileges []adPrivilege `json:"privileges"`
}

type checkoutRequirements struct {
	MaxSeconds int  `json:"max_checkout_duration_in_seconds"`
	Required   bool `json:"required"`
}

// userAccessMethod is the spec's UserAccessMethod for an AD account: one method whose details
// list every privilege the policies grant on it.
type userAccessMethod struct {
	Identity             string               `json:"identity"`
	AccessCredential     string               `json:"access_credential"`
	Brokered             bool                 `json:"brokered"`
	UserAccessType       string               `json:"user_access_type"`
	ResourceStatus       string               `json:"resource_status"`
	ServerHostName       string               `json:"server_host_name"`
	SudoDisplayName      string               `json:"sudo_display_name"`
	CheckoutRequirements checkoutRequirements `json:"checkout_requirements"`
	CurrentUserExpiresAt string               `json:"current_user_checkout_expires_at,omitempty"`
	RuleResourceType     string               `json:"rule_resource_type"`
	RuleIDs              []string             `json:"rule_ids"`
	Details              adMethodDetails      `json:"details"`
}

func adMethodsBody(a pam.ADAccess, me string) []userAccessMethod {
	m := accessMethodBody(a.SAMAccountName, "active_directory_account", pam.ActiveDirectoryBasedResource, a.ID, a.Checkout, me,
		checkoutRequirements{MaxSeconds: a.CheckoutSeconds, Required: a.CheckoutRequired})
	for _, am := range a.Methods {
		m.Details.Privileges = append(m.Details.Privileges, privilegeBody(am.Privilege))
	}
	return []userAccessMethod{m}
}

// accessMethodBody is the one user access method of a non-server account (identity, its type and
// rule resource type), its privileges left to fill in; resource_status as the account's lending
// state c shows it to the caller.
func accessMethodBody(identity, accessType, ruleType, accountID string, c store.Checkout, me string, req checkoutRequirements) userAccessMethod {
	status := map[string]string{pam.ADAvailable: "available", pam.ADCheckedOut: "checked_out",
		pam.ADCheckedOutByOtherUser: "checked_out_by_other_user", pam.ADUnavailable: "unavailable"}[pam.Availability(c, me)]
	m := userAccessMethod{Identity: identity, AccessCredential: "password", UserAccessType: accessType, ResourceStatus: status,
		CheckoutRequirements: req, RuleResourceType: ruleType, RuleIDs: []string{},
		Details: adMethodDetails{Type: accessType, AccountID: accountID}}
	if c.State == store.CheckoutCheckedOut && c.UserID == me {
		m.CurrentUserExpiresAt = timestamp(c.ExpiresAt)
	}
	return m
}

func privilegeBody(privilege string) adPrivilege {
	return adPrivilege{Type: privilege, Value: map[string]any{"_type": privilege, privilege: true}}
}

func (h *Handlers) listUAMForActiveDirectoryAccount(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	a, err := h.PAM.UserADAccount(r.Context(), p, r.PathValue("ad_connection_id"), r.PathValue("ad_account_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, struct {
		List []userAccessMethod `json:"list"`
	}{adMethodsBody(a, p.UserID)})
	return nil
}

func (h *Handlers) revealActiveDirectoryAccountPassword(w http.ResponseWriter, r *http.Request) error {
	seal, credential, err := decodeReveal(r, "ActiveDirectoryAccountsRevealCredentialsRequest")
	if err != nil {
		return err
	}
	got, err := h.PAM.RevealADAccountPassword(r.Context(), principalOf(r), r.PathValue("ad_connection_id"), r.PathValue("ad_account_id"),
		pam.ADRevealPrivilege(credential))
	if err != nil {
		return err
	}
	return seal(w, got.Password)
}

func (h *Handlers) rotateActiveDirectoryAccountPassword(w http.ResponseWriter, r *http.Request) error {
	var in revealRequest // its user access method only
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if in.UserAccessMethod == nil {
		return fault.InvalidFields(fault.Required("user_access_method", "user_access_method: is required"))
	}
	if err := h.PAM.RotateADAccountPassword(r.Context(), principalOf(r), r.PathValue("ad_connection_id"), r.PathValue("ad_account_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// adAccountQuery reads the security admin lists' filters.
func adAccountQuery(r *http.Request) pam.ADAccountQuery {
	q := r.URL.Query()
	return pam.ADAccountQuery{Contains: q.Get("contains"), AccountType: q.Get("ad_account_type"), ConnectionIDs: q["ad_connection_id"]}
}

func (h *Handlers) listAllActiveDirectoryAccountsForSecurityAdmin(w http.ResponseWriter, r *http.Request) error {
	teamID, f := wire.PrincipalFrom(r).TeamID, adAccountQuery(r)
	return pagedList(h, w, r, adAccountKey, func(p store.Page) ([]pam.ADAccountView, error) {
		p.Contains = ""
		return h.PAM.ListAllADAccounts(r.Context(), teamID, "", f, p)
	}, adAccountBody)
}

func (h *Handlers) listAllActiveDirectoryAccountsForDelegatedSecurityAdmin(w http.ResponseWriter, r *http.Request) error {
	rgID, err := h.resourceGroupAccess(r, pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin)
	if err != nil {
		return err
	}
	teamID, f := wire.PrincipalFrom(r).TeamID, adAccountQuery(r)
	return pagedList(h, w, r, adAccountKey, func(p store.Page) ([]pam.ADAccountView, error) {
		p.Contains = ""
		return h.PAM.ListAllADAccounts(r.Context(), teamID, rgID, f, p)
	}, adAccountBody)
}
