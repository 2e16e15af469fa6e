package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// ResourceADAccountPassword is keyward's checkout resource type of an Active Directory account
// (the spec's CheckoutResourceType has none: docs/opa.md).
const ResourceADAccountPassword = "active_directory_account_password_login"

// ADDomain is an Active Directory domain an end user has access in (the spec's ActiveDirectoryDomain).
type ADDomain struct {
	ID                string `json:"id"`
	Domain            string `json:"domain"`
	OktaAppInstanceID string `json:"okta_app_instance_id"`
	Status            string `json:"status"`
}

// ADAccountEndUser is an AD account as its end user sees it (the spec's ActiveDirectoryAccountEndUser).
type ADAccountEndUser struct {
	Account struct {
		ID                 string `json:"id"`
		Username           string `json:"username"`
		AccountType        string `json:"account_type"`
		AvailabilityStatus string `json:"availability_status"`
		SID                string `json:"sid,omitempty"`
	} `json:"account"`
	CheckoutDetails struct {
		CheckoutRequired             bool   `json:"checkout_required"`
		CurrentUserCheckoutExpiresAt string `json:"current_user_checkout_expires_at,omitempty"`
		LastCheckedOutBy             string `json:"last_checked_out_by,omitempty"`
	} `json:"checkout_details"`
	Rotation *struct {
		LastErrorType   *string `json:"last_password_change_error_type,omitempty"`
		Successes       int     `json:"password_change_success_count"`
		Errors          int     `json:"password_change_error_count"`
		ErrorsSinceGood int     `json:"password_change_error_count_since_last_success"`
	} `json:"rotation,omitempty"`
}

// ADAccessMethod is a user access method on an AD account (the spec's UserAccessMethod).
type ADAccessMethod struct {
	Identity             string `json:"identity"`
	AccessCredential     string `json:"access_credential"`
	ResourceStatus       string `json:"resource_status"`
	CheckoutRequirements struct {
		MaxSeconds int  `json:"max_checkout_duration_in_seconds"`
		Required   bool `json:"required"`
	} `json:"checkout_requirements"`
	Details struct {
		AccountID  string `json:"account_id"`
		Privileges []struct {
			Type string `json:"privilege_type"`
		} `json:"privileges"`
	} `json:"details"`
}

func (o *OPA) adPath(connID string, rest ...string) string {
	return o.url(nil, append([]string{"active_directory", connID}, rest...)...)
}

// ListADDomains is GET /active_directory: the domains the caller has access in.
func (o *OPA) ListADDomains(ctx context.Context) ([]ADDomain, error) {
	return opaList[ADDomain](ctx, o, o.url(nil, "active_directory"))
}

// ListADAccountsEndUser is GET /active_directory/{id}/accounts.
func (o *OPA) ListADAccountsEndUser(ctx context.Context, connID string) ([]ADAccountEndUser, error) {
	return opaList[ADAccountEndUser](ctx, o, o.adPath(connID, "accounts"))
}

// GetADAccountEndUser is GET /active_directory/{id}/accounts/{account}.
func (o *OPA) GetADAccountEndUser(ctx context.Context, connID, id string) (ADAccountEndUser, error) {
	var out ADAccountEndUser
	_, err := o.call(ctx, http.MethodGet, o.adPath(connID, "accounts", id), nil, &out)
	return out, err
}

// ListADAccountAccessMethods is GET …/accounts/{account}/user_access_methods.
func (o *OPA) ListADAccountAccessMethods(ctx context.Context, connID, id string) ([]ADAccessMethod, error) {
	var out struct {
		List []ADAccessMethod `json:"list"`
	}
	_, err := o.call(ctx, http.MethodGet, o.adPath(connID, "accounts", id, "user_access_methods"), nil, &out)
	return out.List, err
}

func adMethod(credential string) map[string]any {
	return map[string]any{"access_credential": credential, "identity": "", "brokered": false, "user_access_type": "active_directory_account",
		"resource_status": "available", "server_host_name": "", "sudo_display_name": "", "rule_ids": []string{}}
}

// RevealADAccountPassword is POST …/accounts/{account}/reveal_credentials: the password as a
// compact JWE encrypted to publicKey ("password" is the reveal_password credential).
func (o *OPA) RevealADAccountPassword(ctx context.Context, connID, id, credential string, publicKey json.RawMessage) (string, error) {
	var out struct {
		PasswordJWE string `json:"password_jwe"`
	}
	_, err := o.call(ctx, http.MethodPost, o.adPath(connID, "accounts", id, "reveal_credentials"),
		map[string]any{"public_key": publicKey, "user_access_method": adMethod(credential)}, &out)
	return out.PasswordJWE, err
}

// RotateADAccountPassword is POST …/accounts/{account}/rotate_password.
func (o *OPA) RotateADAccountPassword(ctx context.Context, connID, id string) error {
	_, err := o.call(ctx, http.MethodPost, o.adPath(connID, "accounts", id, "rotate_password"),
		map[string]any{"user_access_method": adMethod("password")}, nil)
	return err
}

// ListAllADAccounts is GET /all_active_directory_accounts (a security admin's view); query may
// hold contains, ad_account_type and ad_connection_id.
func (o *OPA) ListAllADAccounts(ctx context.Context, query url.Values) ([]ADAccount, error) {
	return opaList[ADAccount](ctx, o, o.url(query, "all_active_directory_accounts"))
}

// CheckinResourceOfType is POST /checkin_resource for a resource of the given type.
func (o *OPA) CheckinResourceOfType(ctx context.Context, resourceType, resourceID string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "checkin_resource"),
		map[string]string{"resource_id": resourceID, "resource_type": resourceType}, nil)
	return err
}

// AdminCheckinResourceOfType is POST …/projects/{project_id}/checkin_resource for a resource of the given type.
func (o *OPA) AdminCheckinResourceOfType(ctx context.Context, rgID, projectID, resourceType, resourceID string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, o.projectPath(rgID, projectID, "checkin_resource")...),
		map[string]string{"resource_id": resourceID, "resource_type": resourceType}, nil)
	return err
}

// SetDirectoryFailure is PUT /keyward/v1/teams/{team}/directoryFailures: a message makes every
// password change of the team's directory accounts fail with it; "" lets them succeed again.
func (c *Client) SetDirectoryFailure(ctx context.Context, team, message string) error {
	return c.adminCall(ctx, http.MethodPut, map[string]string{"message": message}, nil, nil, "keyward", "v1", "teams", team, "directoryFailures")
}

// DirectoryPassword is GET /keyward/v1/teams/{team}/directoryPasswords/{account}: the account's
// current password as keyward's directory holds it.
func (c *Client) DirectoryPassword(ctx context.Context, team, accountID string) (string, time.Time, error) {
	var out struct {
		Password  string    `json:"password"`
		ChangedAt time.Time `json:"changedAt"`
	}
	err := c.adminCall(ctx, http.MethodGet, nil, &out, nil, "keyward", "v1", "teams", team, "directoryPasswords", accountID)
	return out.Password, out.ChangedAt, err
}
