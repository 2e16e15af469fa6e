package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Kinds of service account, as the project paths name them (…/{kind}_accounts,
// …/{kind}_checkout_settings, …/{kind}_password_settings).
const (
	UniversalDirectory = "okta_universal_directory"
	SaaSApps           = "saas_app"
)

// SaaSApp is an Okta app instance connected to OPA (the spec's SaasApplicationInstance).
type SaaSApp struct {
	AppInstanceID            string `json:"app_instance_id"`
	AppInstanceName          string `json:"app_instance_name"`
	AppInstanceORN           string `json:"app_instance_orn,omitempty"`
	AppLoginURL              string `json:"app_login_url,omitempty"`
	AppLogoURL               string `json:"app_logo_url,omitempty"`
	CreatedAt                string `json:"created_at,omitempty"`
	GlobalAppName            string `json:"global_app_name"`
	PasswordRotationStrategy string `json:"password_rotation_strategy,omitempty"`
	TeamID                   string `json:"team_id,omitempty"`
	UpdatedAt                string `json:"updated_at,omitempty"`
}

// SaaSAppFeed is an app instance as the admin API connects it; ID is Okta's app instance id
// (made when empty).
type SaaSAppFeed struct {
	ID                       string `json:"id,omitempty"`
	Name                     string `json:"name"`
	GlobalAppName            string `json:"globalAppName"`
	LoginURL                 string `json:"loginUrl,omitempty"`
	LogoURL                  string `json:"logoUrl,omitempty"`
	PasswordRotationStrategy string `json:"passwordRotationStrategy,omitempty"`
}

// ServiceAccountEntry is a UD or SaaS service account as the admin API feeds it; ID is Okta's
// id of it.
type ServiceAccountEntry struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Username        string `json:"username"`
	Description     string `json:"description,omitempty"`
	LcmSyncPossible bool   `json:"lcmSyncPossible"`
}

// FeedSummary says what a feed changed.
type FeedSummary struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
	Removed int `json:"removed"`
}

// ServiceAccount is a UD account (the spec's OktaUniversalDirectoryAccount) or a SaaS one
// (SaasAppAccount), with the project lists' settings.
type ServiceAccount struct {
	ID                      string   `json:"id"`
	Name                    string   `json:"name"`
	Username                string   `json:"username"`
	Description             string   `json:"description,omitempty"`
	LcmSyncPossible         bool     `json:"lcm_sync_possible"`
	OktaUserID              string   `json:"okta_user_id,omitempty"`
	ApplicationInstanceID   string   `json:"application_instance_id,omitempty"`
	ApplicationInstanceName string   `json:"application_instance_name,omitempty"`
	LogoURL                 string   `json:"logo_url,omitempty"`
	SyncStatus              string   `json:"sync_status,omitempty"`
	AccountSettingsEnabled  []string `json:"account_settings_enabled,omitempty"`
	CreatedAt               string   `json:"created_at,omitempty"`
	UpdatedAt               string   `json:"updated_at,omitempty"`
}

// ServiceAccountDetails is the spec's OktaUniversalDirectoryAccountDetails / SaasAppAccountDetails.
type ServiceAccountDetails struct {
	ID                     string `json:"id"`
	AccountName            string `json:"account_name"`
	Username               string `json:"username"`
	ProjectID              string `json:"project_id"`
	TeamID                 string `json:"team_id"`
	CheckoutEnabled        bool   `json:"checkout_enabled"`
	CheckoutStatus         string `json:"checkout_status"`
	CheckoutExpiryAt       string `json:"checkout_expiry_at,omitempty"`
	LastCheckoutUser       string `json:"last_checkout_user,omitempty"`
	NextRotationAt         string `json:"next_scheduled_password_rotation_timestamp,omitempty"`
	NextRotationReason     string `json:"next_scheduled_password_rotation_reason,omitempty"`
	LastChangeSuccessAt    string `json:"last_password_change_success_report_timestamp,omitempty"`
	LastChangeErrorAt      string `json:"last_password_change_error_report_timestamp,omitempty"`
	LastChangeErrorType    string `json:"last_password_change_error_type,omitempty"`
	CreatedAt              string `json:"created_at,omitempty"`
	PasswordChangeErrCount int    `json:"password_change_error_count,omitempty"`
}

// EndUserServiceAccount is the spec's ServiceAccountEndUser.
type EndUserServiceAccount struct {
	Account struct {
		ID                 string `json:"id"`
		Name               string `json:"name"`
		Username           string `json:"username"`
		LcmSyncPossible    bool   `json:"lcm_sync_possible"`
		AvailabilityStatus string `json:"availability_status"`
	} `json:"account"`
	CheckoutDetails *struct {
		CheckoutRequired bool   `json:"checkout_required"`
		ExpiresAt        string `json:"current_user_checkout_expires_at,omitempty"`
	} `json:"checkout_details,omitempty"`
}

// ServiceAccountRef is the spec's ServiceAccountSettingNameObject; only ID is sent.
type ServiceAccountRef struct {
	ID                  string `json:"id"`
	Missing             *bool  `json:"missing,omitempty"`
	SaasAppInstanceName string `json:"saas_app_instance_name,omitempty"`
	ServiceAccountUser  string `json:"service_account_user_name,omitempty"`
}

// ServiceAccountCheckoutSettings is the spec's APIServiceAccountCheckoutSettings.
type ServiceAccountCheckoutSettings struct {
	CheckoutRequired          bool                `json:"checkout_required"`
	CheckoutDurationInSeconds int                 `json:"checkout_duration_in_seconds"`
	IncludeList               []ServiceAccountRef `json:"include_list"`
	ExcludeList               []ServiceAccountRef `json:"exclude_list"`
}

// ServiceAccountPasswordPolicy is the spec's PasswordPolicyWithExclude.
type ServiceAccountPasswordPolicy struct {
	PasswordPolicy
	PeriodicRotationAccountSelectorMode string              `json:"periodic_rotation_account_selector_mode,omitempty"`
	PeriodicRotationAccountIncludeList  []ServiceAccountRef `json:"periodic_rotation_account_include_list,omitempty"`
	PeriodicRotationAccountExcludeList  []ServiceAccountRef `json:"periodic_rotation_account_exclude_list,omitempty"`
}

// PutSaaSApp connects an app instance to a team's OPA, or replaces it:
// POST /keyward/v1/teams/{team}/saasApps.
func (c *Client) PutSaaSApp(ctx context.Context, team string, app SaaSAppFeed) (SaaSAppFeed, error) {
	var out SaaSAppFeed
	err := c.adminCall(ctx, http.MethodPost, app, &out, nil, "keyward", "v1", "teams", team, "saasApps")
	return out, err
}

// FeedSaaSAppAccounts replaces an app instance's service accounts:
// PUT /keyward/v1/teams/{team}/saasApps/{id}/accounts.
func (c *Client) FeedSaaSAppAccounts(ctx context.Context, team, appID string, accounts []ServiceAccountEntry) (FeedSummary, error) {
	if accounts == nil {
		accounts = []ServiceAccountEntry{}
	}
	var out FeedSummary
	err := c.adminCall(ctx, http.MethodPut, accounts, &out, nil, "keyward", "v1", "teams", team, "saasApps", appID, "accounts")
	return out, err
}

// FeedUDAccounts replaces the team's Universal Directory service accounts:
// PUT /keyward/v1/teams/{team}/universalDirectory/accounts.
func (c *Client) FeedUDAccounts(ctx context.Context, team string, accounts []ServiceAccountEntry) (FeedSummary, error) {
	if accounts == nil {
		accounts = []ServiceAccountEntry{}
	}
	var out FeedSummary
	err := c.adminCall(ctx, http.MethodPut, accounts, &out, nil, "keyward", "v1", "teams", team, "universalDirectory", "accounts")
	return out, err
}

// ListSaaSAppInstances is GET /connections/saas_apps.
func (o *OPA) ListSaaSAppInstances(ctx context.Context, opts ListOptions) ([]SaaSApp, error) {
	return opaList[SaaSApp](ctx, o, o.url(opts.query(), "connections", "saas_apps"))
}

// GetSaaSAppInstance is GET /connections/saas_apps/{id}.
func (o *OPA) GetSaaSAppInstance(ctx context.Context, id string) (SaaSApp, error) {
	var out SaaSApp
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "connections", "saas_apps", id), nil, &out)
	return out, err
}

// PatchSaaSAppInstance is PATCH /connections/saas_apps/{id}: the password rotation strategy.
func (o *OPA) PatchSaaSAppInstance(ctx context.Context, id, strategy string) (SaaSApp, error) {
	var out SaaSApp
	_, err := o.call(ctx, http.MethodPatch, o.url(nil, "connections", "saas_apps", id),
		map[string]string{"password_rotation_strategy": strategy}, &out)
	return out, err
}

// ListStagedServiceAccounts is GET /resource_assignment/universal_directory/accounts.
func (o *OPA) ListStagedServiceAccounts(ctx context.Context, managed *bool, appIDs ...string) ([]ServiceAccount, error) {
	q := url.Values{}
	if managed != nil {
		q.Set("managed", strconv.FormatBool(*managed))
	}
	for _, id := range appIDs {
		q.Add("app_instance_id", id)
	}
	return opaList[ServiceAccount](ctx, o, o.url(q, "resource_assignment", "universal_directory", "accounts"))
}

// AssignStagedServiceAccount is PUT …/accounts/{id}/assign/{project_id}.
func (o *OPA) AssignStagedServiceAccount(ctx context.Context, id, projectID string, skipRotation bool) error {
	q := url.Values{}
	if skipRotation {
		q.Set("skipRotation", "true")
	}
	_, err := o.call(ctx, http.MethodPut, o.url(q, "resource_assignment", "universal_directory", "accounts", id, "assign", projectID), nil, nil)
	return err
}

// ListProjectServiceAccounts is GET …/projects/{project_id}/{kind}_accounts.
func (o *OPA) ListProjectServiceAccounts(ctx context.Context, kind, rgID, projectID string, opts ListOptions) ([]ServiceAccount, error) {
	return opaList[ServiceAccount](ctx, o, o.url(opts.query(), "resource_groups", rgID, "projects", projectID, kind+"_accounts"))
}

// GetProjectServiceAccount is GET …/projects/{project_id}/{kind}_accounts/{id}.
func (o *OPA) GetProjectServiceAccount(ctx context.Context, kind, rgID, projectID, id string) (ServiceAccountDetails, error) {
	var out ServiceAccountDetails
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, kind+"_accounts", id), nil, &out)
	return out, err
}

// GetServiceAccountCheckoutSettings is GET …/{kind}_checkout_settings.
func (o *OPA) GetServiceAccountCheckoutSettings(ctx context.Context, kind, rgID, projectID string) (ServiceAccountCheckoutSettings, error) {
	var out ServiceAccountCheckoutSettings
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, kind+"_checkout_settings"), nil, &out)
	return out, err
}

// UpdateServiceAccountCheckoutSettings is PUT …/{kind}_checkout_settings.
func (o *OPA) UpdateServiceAccountCheckoutSettings(ctx context.Context, kind, rgID, projectID string, s ServiceAccountCheckoutSettings) error {
	_, err := o.call(ctx, http.MethodPut, o.projectURL(rgID, projectID, kind+"_checkout_settings"), s, nil)
	return err
}

// GetServiceAccountPasswordPolicy is GET …/{kind}_password_settings.
func (o *OPA) GetServiceAccountPasswordPolicy(ctx context.Context, kind, rgID, projectID string) (ServiceAccountPasswordPolicy, error) {
	var out ServiceAccountPasswordPolicy
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, kind+"_password_settings"), nil, &out)
	return out, err
}

// UpdateServiceAccountPasswordPolicy is PUT …/{kind}_password_settings.
func (o *OPA) UpdateServiceAccountPasswordPolicy(ctx context.Context, kind, rgID, projectID string, p ServiceAccountPasswordPolicy) (ServiceAccountPasswordPolicy, error) {
	var out ServiceAccountPasswordPolicy
	_, err := o.call(ctx, http.MethodPut, o.projectURL(rgID, projectID, kind+"_password_settings"), p, &out)
	return out, err
}

// ListAllServiceAccounts is a security admin's GET /all_{kind}_accounts (of one resource group
// when rgID is not empty); managed (SaaS only) filters when not nil.
func (o *OPA) ListAllServiceAccounts(ctx context.Context, kind, rgID string, managed *bool, opts ListOptions) ([]ServiceAccount, error) {
	q := opts.query()
	if managed != nil {
		q.Set("managed", strconv.FormatBool(*managed))
	}
	path := []string{"all_" + kind + "_accounts"}
	if rgID != "" {
		path = append([]string{"resource_groups", rgID}, path...)
	}
	return opaList[ServiceAccount](ctx, o, o.url(q, path...))
}

// ListMyUDAccounts is an end user's GET /okta_universal_directory_accounts.
func (o *OPA) ListMyUDAccounts(ctx context.Context, opts ListOptions) ([]EndUserServiceAccount, error) {
	return opaList[EndUserServiceAccount](ctx, o, o.url(opts.query(), "okta_universal_directory_accounts"))
}

// GetMyUDAccount is an end user's GET /okta_universal_directory_accounts/{id}.
func (o *OPA) GetMyUDAccount(ctx context.Context, id string) (EndUserServiceAccount, error) {
	var out EndUserServiceAccount
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "okta_universal_directory_accounts", id), nil, &out)
	return out, err
}

// ListMySaaSApps is an end user's GET /saas_apps.
func (o *OPA) ListMySaaSApps(ctx context.Context, opts ListOptions) ([]SaaSApp, error) {
	return opaList[SaaSApp](ctx, o, o.url(opts.query(), "saas_apps"))
}

// GetMySaaSApp is an end user's GET /saas_apps/{id}.
func (o *OPA) GetMySaaSApp(ctx context.Context, id string) (SaaSApp, error) {
	var out SaaSApp
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "saas_apps", id), nil, &out)
	return out, err
}

// ListMySaaSAppAccounts is an end user's GET /saas_apps/{id}/accounts.
func (o *OPA) ListMySaaSAppAccounts(ctx context.Context, appID string, opts ListOptions) ([]EndUserServiceAccount, error) {
	return opaList[EndUserServiceAccount](ctx, o, o.url(opts.query(), "saas_apps", appID, "accounts"))
}

// GetMySaaSAppAccount is an end user's GET /saas_apps/{id}/accounts/{account_id}.
func (o *OPA) GetMySaaSAppAccount(ctx context.Context, appID, id string) (EndUserServiceAccount, error) {
	var out EndUserServiceAccount
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "saas_apps", appID, "accounts", id), nil, &out)
	return out, err
}

// Checkout resource types of UD and SaaS accounts (the spec's CheckoutResourceType).
const (
	ResourceUDAccountPassword   = "okta_universal_directory_account_password_login"
	ResourceSaaSAccountPassword = "managed_saas_app_account_password_login"
)

// ServiceAccountAccessMethod is a user access method on a UD or SaaS account (the spec's
// UserAccessMethod with UserAccessMethodServiceAccountDetails): the same shape as an AD one.
type ServiceAccountAccessMethod = ADAccessMethod

// serviceAccountPath is the end user's path of a UD account (appID "") or of a SaaS account of
// the app instance appID.
func (o *OPA) serviceAccountPath(appID, id string, rest ...string) string {
	if appID == "" {
		return o.url(nil, append([]string{"okta_universal_directory_accounts", id}, rest...)...)
	}
	return o.url(nil, append([]string{"saas_apps", appID, "accounts", id}, rest...)...)
}

func serviceAccountMethod(credential string) map[string]any {
	m := adMethod(credential)
	m["user_access_type"] = "service_account"
	return m
}

// ListServiceAccountAccessMethods is GET …/user_access_methods of a UD account (appID "") or a
// SaaS account of app appID.
func (o *OPA) ListServiceAccountAccessMethods(ctx context.Context, appID, id string) ([]ServiceAccountAccessMethod, error) {
	var out struct {
		List []ServiceAccountAccessMethod `json:"list"`
	}
	_, err := o.call(ctx, http.MethodGet, o.serviceAccountPath(appID, id, "user_access_methods"), nil, &out)
	return out.List, err
}

// RevealServiceAccountPassword is POST …/reveal_credentials of a UD account (appID "") or a SaaS
// account: the password as a compact JWE encrypted to publicKey.
func (o *OPA) RevealServiceAccountPassword(ctx context.Context, appID, id string, publicKey json.RawMessage) (string, error) {
	var out struct {
		PasswordJWE string `json:"password_jwe"`
	}
	_, err := o.call(ctx, http.MethodPost, o.serviceAccountPath(appID, id, "reveal_credentials"),
		map[string]any{"public_key": publicKey, "user_access_method": serviceAccountMethod("password")}, &out)
	return out.PasswordJWE, err
}

// RotateServiceAccountPassword is POST …/rotate_password of a UD account (appID "") or a SaaS
// account. The schema's password_jwe is sent empty: keyward makes the new password itself.
func (o *OPA) RotateServiceAccountPassword(ctx context.Context, appID, id string) error {
	_, err := o.call(ctx, http.MethodPost, o.serviceAccountPath(appID, id, "rotate_password"),
		map[string]any{"password_jwe": "", "user_access_method": serviceAccountMethod("password")}, nil)
	return err
}

// UpdateSaaSAccountPassword is PUT /saas_apps/{app}/accounts/{id}/credentials: passwordJWE is
// the new password encrypted to the team's vault key (GET /vault/jwks.json).
func (o *OPA) UpdateSaaSAccountPassword(ctx context.Context, appID, id, passwordJWE string) error {
	_, err := o.call(ctx, http.MethodPut, o.serviceAccountPath(appID, id, "credentials"),
		map[string]any{"password_jwe": passwordJWE, "user_access_method": serviceAccountMethod("password")}, nil)
	return err
}
