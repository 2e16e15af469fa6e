package opa

import (
	"net/http"
	"strconv"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// saasAppInstance is the spec's SaasApplicationInstance.
type saasAppInstance struct {
	AppInstanceID            string `json:"app_instance_id"`
	AppInstanceName          string `json:"app_instance_name"`
	AppInstanceORN           string `json:"app_instance_orn"`
	AppLoginURL              string `json:"app_login_url,omitempty"`
	AppLogoURL               string `json:"app_logo_url,omitempty"`
	CreatedAt                string `json:"created_at"`
	GlobalAppName            string `json:"global_app_name"`
	PasswordRotationStrategy string `json:"password_rotation_strategy"`
	TeamID                   string `json:"team_id"`
	UpdatedAt                string `json:"updated_at"`
}

// saasAppPresenter shows app instances of the request's team.
func saasAppPresenter(r *http.Request) func(pam.SaaSApp) saasAppInstance {
	teamID, teamName := wire.PrincipalFrom(r).TeamID, r.PathValue("team_name")
	return func(a pam.SaaSApp) saasAppInstance {
		return saasAppInstance{AppInstanceID: a.ID, AppInstanceName: a.Name, AppInstanceORN: a.ORN(teamName), AppLoginURL: a.LoginURL,
			AppLogoURL: a.LogoURL, CreatedAt: timestamp(a.CreatedAt), GlobalAppName: a.GlobalAppName,
			PasswordRotationStrategy: a.RotationStrategy, TeamID: teamID, UpdatedAt: timestamp(a.UpdatedAt)}
	}
}

func saasAppKey(a pam.SaaSApp) string { return a.ID }

// svcAccount is the spec's OktaUniversalDirectoryAccount and SaasAppAccount (the SaaS fields
// are left out of UD accounts, okta_user_id out of SaaS ones), with …WithSettings' fields
// where a project list shows them.
type svcAccount struct {
	ApplicationInstanceID   string    `json:"application_instance_id,omitempty"`
	ApplicationInstanceName string    `json:"application_instance_name,omitempty"`
	CreatedAt               string    `json:"created_at"`
	Description             string    `json:"description,omitempty"`
	ID                      string    `json:"id"`
	LcmSyncPossible         bool      `json:"lcm_sync_possible"`
	LoginURL                string    `json:"login_url,omitempty"`
	LogoURL                 string    `json:"logo_url,omitempty"`
	Name                    string    `json:"name"`
	OktaUserID              string    `json:"okta_user_id,omitempty"`
	SyncStatus              string    `json:"sync_status,omitempty"`
	UpdatedAt               string    `json:"updated_at"`
	Username                string    `json:"username"`
	AccountSettingsEnabled  *[]string `json:"account_settings_enabled,omitempty"`
	LastPasswordChange      string    `json:"last_password_change_system_timestamp,omitempty"`
}

func svcAccountBody(v pam.ServiceAccountView) svcAccount {
	out := svcAccount{CreatedAt: timestamp(v.CreatedAt), Description: v.Description, ID: v.ID, LcmSyncPossible: v.Managed,
		Name: v.Name, SyncStatus: v.SyncStatus, UpdatedAt: timestamp(v.UpdatedAt), Username: v.Username}
	if v.Kind == store.ServiceAccountUD {
		out.OktaUserID = v.ExternalID
	} else {
		out.ApplicationInstanceID, out.ApplicationInstanceName, out.LoginURL, out.LogoURL = v.AppID, v.AppName, v.LoginURL, v.LogoURL
	}
	return out
}

func svcAccountWithSettings(v pam.ServiceAccountView) svcAccount {
	out := svcAccountBody(v)
	enabled := v.SettingsEnabled
	if enabled == nil {
		enabled = []string{}
	}
	out.AccountSettingsEnabled = &enabled
	if !v.Checkout.SuccessAt.IsZero() {
		out.LastPasswordChange = timestamp(v.Checkout.SuccessAt)
	}
	return out
}

func svcAccountKey(v pam.ServiceAccountView) string { return v.ID }

// svcAccountDetails is the spec's OktaUniversalDirectoryAccountDetails and SaasAppAccountDetails
// (one shape): the account in its project with its checkout and password-change state, read
// from the account's checkout record (pam.ServiceAccountCheckout); the checkout times and user
// are absent while it is not checked out.
type svcAccountDetails struct {
	AccountName                 string `json:"account_name"`
	CheckoutEnabled             bool   `json:"checkout_enabled"`
	CheckoutExpiryAt            string `json:"checkout_expiry_at,omitempty"`
	CheckoutStatus              string `json:"checkout_status"`
	CreatedAt                   string `json:"created_at"`
	ID                          string `json:"id"`
	LastCheckoutUser            string `json:"last_checkout_user,omitempty"`
	NextRotationReason          string `json:"next_scheduled_password_rotation_reason,omitempty"`
	NextRotationAt              string `json:"next_scheduled_password_rotation_timestamp,omitempty"`
	ProjectID                   string `json:"project_id"`
	TeamID                      string `json:"team_id"`
	Username                    string `json:"username"`
	LastChangeErrorReportAt     string `json:"last_password_change_error_report_timestamp,omitempty"`
	LastChangeErrorType         string `json:"last_password_change_error_type,omitempty"`
	LastChangeSuccessReportedAt string `json:"last_password_change_success_report_timestamp,omitempty"`
}

func svcAccountDetailsOf(teamID string, v pam.ServiceAccountView) svcAccountDetails {
	c := v.Checkout
	out := svcAccountDetails{AccountName: v.Name, CheckoutEnabled: c.Required, CheckoutStatus: c.Status, CreatedAt: timestamp(v.CreatedAt),
		ID: v.ID, LastCheckoutUser: c.LastUserName, ProjectID: v.ProjectID, TeamID: teamID, Username: v.Username,
		LastChangeErrorType: c.ErrorType}
	if !c.ExpiresAt.IsZero() && c.Status == "checked_out" {
		out.CheckoutExpiryAt = timestamp(c.ExpiresAt)
	}
	if !v.RotationDueAt.IsZero() {
		out.NextRotationAt, out.NextRotationReason = timestamp(v.RotationDueAt), "initial rotation after assignment to the project"
	}
	if !c.ErrorAt.IsZero() {
		out.LastChangeErrorReportAt = timestamp(c.ErrorAt)
	}
	if !c.SuccessAt.IsZero() {
		out.LastChangeSuccessReportedAt = timestamp(c.SuccessAt)
	}
	return out
}

// stagedAccount is the spec's StagedServiceAccount.
type stagedAccount struct {
	ApplicationInstanceName string `json:"application_instance_name"`
	Description             string `json:"description,omitempty"`
	ID                      string `json:"id"`
	LcmSyncPossible         bool   `json:"lcm_sync_possible"`
	LogoURL                 string `json:"logo_url,omitempty"`
	Name                    string `json:"name"`
	Username                string `json:"username"`
}

func stagedAccountOf(v pam.ServiceAccountView) stagedAccount {
	return stagedAccount{ApplicationInstanceName: v.AppName, Description: v.Description, ID: v.ID, LcmSyncPossible: v.Managed,
		LogoURL: v.LogoURL, Name: v.Name, Username: v.Username}
}

// endUserAccount is the spec's ServiceAccountEndUser. An account keyward cannot rotate has no
// checkout, so no checkout_details (as OPA's own example of an unmanaged account).
type endUserAccount struct {
	Account struct {
		ID                 string `json:"id"`
		Name               string `json:"name"`
		Username           string `json:"username"`
		LcmSyncPossible    bool   `json:"lcm_sync_possible"`
		AvailabilityStatus string `json:"availability_status"`
	} `json:"account"`
	CheckoutDetails *endUserCheckout `json:"checkout_details,omitempty"`
}

type endUserCheckout struct {
	CheckoutRequired bool   `json:"checkout_required"`
	ExpiresAt        string `json:"current_user_checkout_expires_at,omitempty"`
}

func endUserAccountOf(v pam.ServiceAccountView) endUserAccount {
	var out endUserAccount
	out.Account.ID, out.Account.Name, out.Account.Username, out.Account.LcmSyncPossible = v.ID, v.Name, v.Username, v.Managed
	out.Account.AvailabilityStatus = v.Checkout.Status
	if v.Managed {
		out.CheckoutDetails = &endUserCheckout{CheckoutRequired: v.Checkout.Required}
		if v.Checkout.Status == "checked_out" && !v.Checkout.ExpiresAt.IsZero() {
			out.CheckoutDetails.ExpiresAt = timestamp(v.Checkout.ExpiresAt)
		}
	}
	return out
}

// boolQuery reads an optional boolean query parameter.
func boolQuery(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, fault.Invalidf("Page", name+": must be true or false")
	}
	return &b, nil
}

// managedQuery reads the SaaS lists' `managed`; the UD lists have no such parameter.
func managedQuery(r *http.Request, kind string) (*bool, error) {
	if kind != store.ServiceAccountSaaS {
		return nil, nil
	}
	return boolQuery(r, "managed")
}

func (h *Handlers) listAppInstancesForTeam(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	return pagedList(h, w, r, saasAppKey, func(p store.Page) ([]pam.SaaSApp, error) {
		p.IDs = nil
		return h.PAM.ListSaaSApps(r.Context(), teamID, p)
	}, saasAppPresenter(r))
}

func (h *Handlers) getAppInstanceForTeam(w http.ResponseWriter, r *http.Request) error {
	a, err := h.PAM.SaaSApp(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("saas_app_instance_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, saasAppPresenter(r)(a))
	return nil
}

// patchAppInstance changes the password rotation strategy, the one field the spec's
// AppPasswordRotationStrategyPatch carries; an empty patch changes nothing.
func (h *Handlers) patchAppInstance(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Strategy *string `json:"password_rotation_strategy"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	a, err := h.PAM.SetSaaSAppRotationStrategy(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("saas_app_instance_id"), in.Strategy)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, saasAppPresenter(r)(a))
	return nil
}

func (h *Handlers) listStagedServiceAccounts(w http.ResponseWriter, r *http.Request) error {
	managed, err := boolQuery(r, "managed")
	if err != nil {
		return err
	}
	sq := pam.StagedQuery{Managed: managed, AppIDs: r.URL.Query()["app_instance_id"]}
	if len(sq.AppIDs) > maxIDs {
		return fault.Invalidf("Page", "app_instance_id: at most "+strconv.Itoa(maxIDs)+" ids")
	}
	teamID := wire.PrincipalFrom(r).TeamID
	return pagedList(h, w, r, svcAccountKey, func(p store.Page) ([]pam.ServiceAccountView, error) {
		p.IDs = nil
		return h.PAM.ListStagedServiceAccounts(r.Context(), teamID, sq, p)
	}, stagedAccountOf)
}

func (h *Handlers) assignStagedServiceAccount(w http.ResponseWriter, r *http.Request) error {
	skip, err := pam.ParseSkipRotation(r.URL.Query().Get("skipRotation"))
	if err != nil {
		return err
	}
	err = h.PAM.AssignServiceAccount(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("staged_service_account_id"),
		r.PathValue("project_id"), skip)
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// listProjectServiceAccounts serves a project's list of one kind of account; the SaaS list
// takes `managed`.
func (h *Handlers) listProjectServiceAccounts(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		managed, err := managedQuery(r, kind)
		if err != nil {
			return err
		}
		p := principalOf(r)
		rgID, projectID := r.PathValue("resource_group_id"), r.PathValue("project_id")
		return pagedList(h, w, r, svcAccountKey, func(page store.Page) ([]pam.ServiceAccountView, error) {
			page.IDs = nil
			return h.PAM.ListProjectServiceAccounts(r.Context(), p, kind, rgID, projectID, managed, page)
		}, svcAccountWithSettings)
	}
}

// getProjectServiceAccount serves the details of one kind of account of a project; param is
// the path parameter naming it.
func (h *Handlers) getProjectServiceAccount(kind, param string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalOf(r)
		v, err := h.PAM.ProjectServiceAccount(r.Context(), p, kind, r.PathValue("resource_group_id"), r.PathValue("project_id"), r.PathValue(param))
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, svcAccountDetailsOf(p.TeamID, v))
		return nil
	}
}

// listAllServiceAccounts serves a security admin's all_… list of one kind, of the team or (in
// the resource group path) of one resource group; the SaaS lists take `managed`.
func (h *Handlers) listAllServiceAccounts(kind string, inResourceGroup bool) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var rgID string
		if inResourceGroup {
			var err error
			if rgID, err = h.resourceGroupAccess(r, pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin); err != nil {
				return err
			}
		}
		managed, err := managedQuery(r, kind)
		if err != nil {
			return err
		}
		teamID := wire.PrincipalFrom(r).TeamID
		return pagedList(h, w, r, svcAccountKey, func(p store.Page) ([]pam.ServiceAccountView, error) {
			p.IDs = nil
			return h.PAM.ListAllServiceAccounts(r.Context(), teamID, kind, rgID, managed, p)
		}, svcAccountBody)
	}
}

// listUserServiceAccounts serves an end user's list of one kind of account (of the app in the
// path, for SaaS accounts).
func (h *Handlers) listUserServiceAccounts(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalOf(r)
		appID := r.PathValue("saas_app_instance_id")
		return pagedList(h, w, r, svcAccountKey, func(page store.Page) ([]pam.ServiceAccountView, error) {
			return h.PAM.ListUserServiceAccounts(r.Context(), p, kind, appID, page)
		}, endUserAccountOf)
	}
}

// getUserServiceAccount serves an end user's view of one account; param names it in the path.
func (h *Handlers) getUserServiceAccount(kind, param string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := h.PAM.UserServiceAccount(r.Context(), principalOf(r), kind, r.PathValue("saas_app_instance_id"), r.PathValue(param))
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, endUserAccountOf(v))
		return nil
	}
}

func (h *Handlers) listSaasApplicationsAccessibleByUser(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	return pagedList(h, w, r, saasAppKey, func(page store.Page) ([]pam.SaaSApp, error) {
		return h.PAM.ListUserSaaSApps(r.Context(), p, page)
	}, saasAppPresenter(r))
}

func (h *Handlers) getSaasApplicationAccessibleByUser(w http.ResponseWriter, r *http.Request) error {
	a, err := h.PAM.UserSaaSApp(r.Context(), principalOf(r), r.PathValue("saas_app_instance_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, saasAppPresenter(r)(a))
	return nil
}
