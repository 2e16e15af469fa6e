package client

import (
	"context"
	"net/http"
)

// ADConnection is an Active Directory connection (the spec's ActiveDirectoryConnection; the
// admin API takes AppInstanceID as appInstanceId).
type ADConnection struct {
	ID            string `json:"id,omitempty"`
	Domain        string `json:"domain"`
	AppInstanceID string `json:"app_instance_id"`
	Status        string `json:"status"`
}

// ADEntry is an account of a domain as the admin API feeds it.
type ADEntry struct {
	SID               string `json:"sid"`
	SAMAccountName    string `json:"samAccountName"`
	UPN               string `json:"upn,omitempty"`
	DistinguishedName string `json:"distinguishedName,omitempty"`
	FirstName         string `json:"firstName,omitempty"`
	LastName          string `json:"lastName,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	Email             string `json:"email,omitempty"`
	AccountType       string `json:"accountType"` // SHARED or INDIVIDUAL
}

// ADAccount is an Active Directory account (the spec's ActiveDirectoryAccount, with the
// project lists' AccountSettingsEnabled and the details' CheckoutStatus).
type ADAccount struct {
	ID                       string       `json:"id"`
	AccountName              string       `json:"account_name"`
	AccountType              string       `json:"account_type"`
	BroughtUnderManagementAt string       `json:"brought_under_management_at,omitempty"`
	DisplayName              string       `json:"display_name,omitempty"`
	DistinguishedName        string       `json:"distinguished_name"`
	Domain                   *NamedObject `json:"domain"`
	Email                    string       `json:"email,omitempty"`
	FirstName                string       `json:"first_name,omitempty"`
	LastName                 string       `json:"last_name,omitempty"`
	MatchStatus              string       `json:"match_status,omitempty"`
	MatchedUser              *NamedObject `json:"matched_user,omitempty"`
	Project                  *NamedObject `json:"project,omitempty"`
	ResourceGroup            *NamedObject `json:"resource_group,omitempty"`
	SAMAccountName           string       `json:"sam_account_name"`
	SID                      string       `json:"sid"`
	UPN                      string       `json:"upn"`
	AccountSettingsEnabled   []string     `json:"account_settings_enabled,omitempty"`
	CheckoutStatus           string       `json:"checkout_status,omitempty"`
	// The details' checkout, rotation and password-change fields.
	CheckoutExpiryAt                      string `json:"checkout_expiry_at,omitempty"`
	LastCheckoutUser                      string `json:"last_checkout_user,omitempty"`
	LastRotationAt                        string `json:"last_rotation_at,omitempty"`
	NextScheduledPasswordRotationReason   string `json:"next_scheduled_password_rotation_reason,omitempty"`
	NextScheduledPasswordRotationAt       string `json:"next_scheduled_password_rotation_timestamp,omitempty"`
	LastPasswordChangeErrorType           string `json:"last_password_change_error_type,omitempty"`
	LastPasswordChangeErrorReportAt       string `json:"last_password_change_error_report_timestamp,omitempty"`
	LastPasswordChangeSuccessReportAt     string `json:"last_password_change_success_report_timestamp,omitempty"`
	PasswordChangeSuccessCount            int    `json:"password_change_success_count,omitempty"`
	PasswordChangeErrorCount              int    `json:"password_change_error_count,omitempty"`
	PasswordChangeErrorCountSinceLastGood int    `json:"password_change_error_count_since_last_success,omitempty"`
}

// ADRule places a connection's accounts in a project (the spec's
// ActiveDirectoryAccountRuleRequest and …Response).
type ADRule struct {
	ID                            string            `json:"id,omitempty"`
	Name                          string            `json:"name"`
	Priority                      int               `json:"priority,omitempty"`
	RuleType                      string            `json:"rule_type"`
	Project                       NamedObject       `json:"project"`
	ResourceGroup                 NamedObject       `json:"resource_group"`
	OrganizationalUnits           []string          `json:"organizational_units"`
	EnhancedFilters               [][]ADFieldFilter `json:"enhanced_filters,omitempty"`
	EnableImportOktaUsers         bool              `json:"enable_import_okta_users"`
	EnableInitialPasswordRotation *bool             `json:"enable_initial_password_rotation,omitempty"`
}

// ADFieldFilter is a condition of a rule on one organizational unit's accounts.
type ADFieldFilter struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// ADRuleSettings are a connection's matching settings (the spec's
// ActiveDirectoryAccountRuleSettings).
type ADRuleSettings struct {
	AllowPartialMatches     bool                 `json:"allow_partial_matches"`
	IsConfigured            bool                 `json:"is_configured,omitempty"`
	MatchingCriteria        ADMatchingCriteria   `json:"matching_criteria"`
	PartialMatchingCriteria []ADPartialCondition `json:"partial_matching_criteria"`
}

// ADMatchingCriteria are the attributes an account and a user must share.
type ADMatchingCriteria struct {
	Username         bool `json:"username"`
	Email            bool `json:"email"`
	FirstAndLastName bool `json:"first_and_last_name"`
	DisplayName      bool `json:"display_name"`
}

// ADPartialCondition is a partial matching condition ("STARTS WITH" or "ENDS WITH").
type ADPartialCondition struct {
	Operator   string `json:"operator"`
	MatchValue string `json:"match_value"`
}

// ADMatch is an individual account's match to a team user.
type ADMatch struct {
	ADAccountID         string `json:"ad_account_id,omitempty"`
	ForceNoMatch        bool   `json:"force_no_match"`
	MatchOverrideUserID string `json:"match_override_user_id,omitempty"`
	RuleMatchUserID     string `json:"rule_match_user_id,omitempty"`
}

// ADAccountRef names an AD account in project settings; AccountName and Missing are set on read.
type ADAccountRef struct {
	Domain      string `json:"domain"`
	AccountSID  string `json:"account_sid"`
	AccountName string `json:"account_name,omitempty"`
	Missing     *bool  `json:"missing,omitempty"`
}

// ADCheckoutSettings are a project's checkout settings for AD accounts.
type ADCheckoutSettings struct {
	CheckoutRequired          bool           `json:"checkout_required"`
	CheckoutDurationInSeconds int            `json:"checkout_duration_in_seconds,omitempty"`
	IncludeList               []ADAccountRef `json:"include_list"`
	ExcludeList               []ADAccountRef `json:"exclude_list"`
}

// ADPasswordPolicy is a project's password policy for AD accounts.
type ADPasswordPolicy struct {
	CharacterOptions                    PasswordCharacterOptions `json:"character_options"`
	EnablePeriodicRotation              bool                     `json:"enable_periodic_rotation"`
	MaxLengthInBytes                    int                      `json:"max_length_in_bytes"`
	MinLengthInBytes                    int                      `json:"min_length_in_bytes"`
	ModifiedAt                          string                   `json:"modified_at,omitempty"`
	PeriodicRotationDurationInSeconds   int                      `json:"periodic_rotation_duration_in_seconds,omitempty"`
	PeriodicRotationAccountSelectorMode string                   `json:"periodic_rotation_account_selector_mode,omitempty"`
	PeriodicRotationAccountIncludeList  []ADAccountRef           `json:"periodic_rotation_account_include_list,omitempty"`
	PeriodicRotationAccountExcludeList  []ADAccountRef           `json:"periodic_rotation_account_exclude_list,omitempty"`
}

// CreateADConnection makes an AD connection of a team: POST /keyward/v1/teams/{team}/adConnections.
func (c *Client) CreateADConnection(ctx context.Context, team string, conn ADConnection) (ADConnection, error) {
	in := map[string]string{"domain": conn.Domain, "appInstanceId": conn.AppInstanceID, "status": conn.Status}
	var out struct {
		ADConnection
		AppInstanceID string `json:"appInstanceId"`
	}
	err := c.adminCall(ctx, http.MethodPost, in, &out, nil, "keyward", "v1", "teams", team, "adConnections")
	out.ADConnection.AppInstanceID = out.AppInstanceID
	return out.ADConnection, err
}

// SetADConnectionStatus is Okta's side of a status change (connected, disconnected or inactive).
func (c *Client) SetADConnectionStatus(ctx context.Context, team, id, status string) error {
	return c.adminCall(ctx, http.MethodPut, map[string]string{"status": status}, nil, nil, "keyward", "v1", "teams", team,
		"adConnections", id, "status")
}

// FeedADAccounts replaces the accounts a connection's domain holds; a force sync applies them.
func (c *Client) FeedADAccounts(ctx context.Context, team, id string, accounts []ADEntry) error {
	if accounts == nil {
		accounts = []ADEntry{}
	}
	return c.adminCall(ctx, http.MethodPut, accounts, nil, nil, "keyward", "v1", "teams", team, "adConnections", id, "accounts")
}

// ListADConnections is GET /connections/active_directory.
func (o *OPA) ListADConnections(ctx context.Context) ([]ADConnection, error) {
	return opaList[ADConnection](ctx, o, o.url(nil, "connections", "active_directory"))
}

// GetADConnection is GET /connections/active_directory/{ad_connection_id}.
func (o *OPA) GetADConnection(ctx context.Context, id string) (ADConnection, error) {
	var out ADConnection
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "connections", "active_directory", id), nil, &out)
	return out, err
}

// UpdateADConnectionStatus is PUT …/connections/active_directory/{id}/status (connected or disconnected).
func (o *OPA) UpdateADConnectionStatus(ctx context.Context, id, status string) error {
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "connections", "active_directory", id, "status"),
		map[string]string{"status": status}, nil)
	return err
}

func (o *OPA) assignURL(connID string, rest ...string) string {
	return o.url(nil, append([]string{"resource_assignment", "active_directory", connID}, rest...)...)
}

// ForceSyncAD is PUT …/resource_assignment/active_directory/{id}/force_sync.
func (o *OPA) ForceSyncAD(ctx context.Context, connID string) error {
	_, err := o.call(ctx, http.MethodPut, o.assignURL(connID, "force_sync"), nil, nil)
	return err
}

// GetADSyncStatus is GET …/sync_status.
func (o *OPA) GetADSyncStatus(ctx context.Context, connID string) (string, error) {
	var out string
	_, err := o.call(ctx, http.MethodGet, o.assignURL(connID, "sync_status"), nil, &out)
	return out, err
}

// ListADConnectionAccounts is GET …/resource_assignment/active_directory/{id}/accounts.
func (o *OPA) ListADConnectionAccounts(ctx context.Context, connID string) ([]ADAccount, error) {
	return opaList[ADAccount](ctx, o, o.assignURL(connID, "accounts"))
}

// GetADConnectionAccount is GET …/accounts/{ad_account_id}.
func (o *OPA) GetADConnectionAccount(ctx context.Context, connID, id string) (ADAccount, error) {
	var out ADAccount
	_, err := o.call(ctx, http.MethodGet, o.assignURL(connID, "accounts", id), nil, &out)
	return out, err
}

// GetADAccountMatch is GET …/accounts/{ad_account_id}/match.
func (o *OPA) GetADAccountMatch(ctx context.Context, connID, id string) (ADMatch, error) {
	var out ADMatch
	_, err := o.call(ctx, http.MethodGet, o.assignURL(connID, "accounts", id, "match"), nil, &out)
	return out, err
}

// UpdateADAccountMatch is PUT …/accounts/{ad_account_id}/match.
func (o *OPA) UpdateADAccountMatch(ctx context.Context, connID, id string, m ADMatch) (ADMatch, error) {
	var out ADMatch
	in := ADMatch{ForceNoMatch: m.ForceNoMatch, MatchOverrideUserID: m.MatchOverrideUserID}
	_, err := o.call(ctx, http.MethodPut, o.assignURL(connID, "accounts", id, "match"), in, &out)
	return out, err
}

// GetADRuleSettings is GET …/rule_settings.
func (o *OPA) GetADRuleSettings(ctx context.Context, connID string) (ADRuleSettings, error) {
	var out ADRuleSettings
	_, err := o.call(ctx, http.MethodGet, o.assignURL(connID, "rule_settings"), nil, &out)
	return out, err
}

// ConfigureADRuleSettings is POST …/rule_settings.
func (o *OPA) ConfigureADRuleSettings(ctx context.Context, connID string, s ADRuleSettings) error {
	s.IsConfigured = false
	_, err := o.call(ctx, http.MethodPost, o.assignURL(connID, "rule_settings"), s, nil)
	return err
}

// ListADRules is GET …/rules: the rules by priority.
func (o *OPA) ListADRules(ctx context.Context, connID string) ([]ADRule, error) {
	var out struct {
		List []ADRule `json:"list"`
	}
	_, err := o.call(ctx, http.MethodGet, o.assignURL(connID, "rules"), nil, &out)
	return out.List, err
}

// CreateADRule is POST …/rules; it returns the rule with its id and priority.
func (o *OPA) CreateADRule(ctx context.Context, connID string, r ADRule) (ADRule, error) {
	var out ADRule
	_, err := o.call(ctx, http.MethodPost, o.assignURL(connID, "rules"), r, &out)
	return out, err
}

// GetADRule is GET …/rules/{ad_account_rule_id}.
func (o *OPA) GetADRule(ctx context.Context, connID, id string) (ADRule, error) {
	var out ADRule
	_, err := o.call(ctx, http.MethodGet, o.assignURL(connID, "rules", id), nil, &out)
	return out, err
}

// UpdateADRule is PUT …/rules/{ad_account_rule_id}: a full replace keeping the priority.
func (o *OPA) UpdateADRule(ctx context.Context, connID, id string, r ADRule) error {
	_, err := o.call(ctx, http.MethodPut, o.assignURL(connID, "rules", id), r, nil)
	return err
}

// DeleteADRule is DELETE …/rules/{ad_account_rule_id}.
func (o *OPA) DeleteADRule(ctx context.Context, connID, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.assignURL(connID, "rules", id), nil, nil)
	return err
}

// ReorderADRules is POST …/rules/reorder with rule id → new priority; it returns the rules in order.
func (o *OPA) ReorderADRules(ctx context.Context, connID string, priorities map[string]int) ([]ADRule, error) {
	in := []map[string]any{}
	for id, p := range priorities {
		in = append(in, map[string]any{"rule_id": id, "priority": p})
	}
	var out struct {
		List []ADRule `json:"list"`
	}
	_, err := o.call(ctx, http.MethodPost, o.assignURL(connID, "rules", "reorder"), in, &out)
	return out.List, err
}

func (o *OPA) projectURL(rgID, projectID string, rest ...string) string {
	return o.url(nil, append([]string{"resource_groups", rgID, "projects", projectID}, rest...)...)
}

// ListProjectADAccounts is GET …/projects/{project_id}/active_directory_accounts; contains
// filters by UPN.
func (o *OPA) ListProjectADAccounts(ctx context.Context, rgID, projectID string, opts ListOptions) ([]ADAccount, error) {
	return opaList[ADAccount](ctx, o, o.url(opts.query(), "resource_groups", rgID, "projects", projectID, "active_directory_accounts"))
}

// GetProjectADAccount is GET …/active_directory_accounts/{ad_account_id}.
func (o *OPA) GetProjectADAccount(ctx context.Context, rgID, projectID, id string) (ADAccount, error) {
	var out ADAccount
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, "active_directory_accounts", id), nil, &out)
	return out, err
}

// GetADCheckoutSettings is GET …/active_directory_checkout_settings.
func (o *OPA) GetADCheckoutSettings(ctx context.Context, rgID, projectID string) (ADCheckoutSettings, error) {
	var out ADCheckoutSettings
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, "active_directory_checkout_settings"), nil, &out)
	return out, err
}

// UpdateADCheckoutSettings is PUT …/active_directory_checkout_settings: a full replace.
func (o *OPA) UpdateADCheckoutSettings(ctx context.Context, rgID, projectID string, s ADCheckoutSettings) error {
	_, err := o.call(ctx, http.MethodPut, o.projectURL(rgID, projectID, "active_directory_checkout_settings"), s, nil)
	return err
}

// GetADPasswordPolicy is GET …/active_directory_password_settings.
func (o *OPA) GetADPasswordPolicy(ctx context.Context, rgID, projectID string) (ADPasswordPolicy, error) {
	var out ADPasswordPolicy
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, "active_directory_password_settings"), nil, &out)
	return out, err
}

// UpdateADPasswordPolicy is PUT …/active_directory_password_settings: a full replace; it
// returns the policy as stored.
func (o *OPA) UpdateADPasswordPolicy(ctx context.Context, rgID, projectID string, p ADPasswordPolicy) (ADPasswordPolicy, error) {
	var out ADPasswordPolicy
	_, err := o.call(ctx, http.MethodPut, o.projectURL(rgID, projectID, "active_directory_password_settings"), p, &out)
	return out, err
}
