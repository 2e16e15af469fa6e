package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// ResourceServerAccountPassword is the checkout resource type of a server account.
const ResourceServerAccountPassword = "server_account_password_login"

// CheckedOutResource is a checkout as the lists show it (the spec's
// CheckedOutResourceByAdminDetails; the user's list leaves the admin fields empty).
type CheckedOutResource struct {
	ResourceID       string `json:"resource_id"`
	ResourceType     string `json:"resource_type"`
	CheckoutAt       string `json:"checkout_at"`
	CheckoutExpiryAt string `json:"checkout_expiry_at"`
	CheckinType      string `json:"checkin_type,omitempty"`
	CheckinBy        string `json:"checkin_by,omitempty"`
	CheckinStartAt   string `json:"checkin_start_at,omitempty"`
	ResourceName     string `json:"resource_name,omitempty"`
	ResourceDetails  *struct {
		Hostname    string `json:"hostname,omitempty"`
		ServerID    string `json:"server_id,omitempty"`
		AccountName string `json:"account_name,omitempty"` // UD and SaaS accounts
		AppName     string `json:"app_name,omitempty"`     // UD and SaaS accounts
	} `json:"resource_details,omitempty"`
	CheckoutByUsername string `json:"checkout_by_username,omitempty"`
	ResourceStatus     string `json:"resource_status,omitempty"`
}

// CheckoutQuery narrows a checked-out resources list.
type CheckoutQuery struct {
	ResourceType          string
	IncludePendingCheckin bool
}

func (cq CheckoutQuery) query() url.Values {
	q := url.Values{}
	if cq.ResourceType != "" {
		q.Set("resource_type", cq.ResourceType)
	}
	if cq.IncludePendingCheckin {
		q.Set("include_pending_checkin", strconv.FormatBool(true))
	}
	return q
}

// RevealServerAccountPassword is POST /server_accounts/{id}/reveal_credentials: the account's
// password as a compact JWE encrypted to publicKey, through the access credential named
// ("encrypted-ssh-password", "encrypted-rdp-password" or "password"). It checks the account
// out when its project's checkout settings say so.
func (o *OPA) RevealServerAccountPassword(ctx context.Context, accountID, accessCredential string, publicKey json.RawMessage) (string, error) {
	in := map[string]any{"public_key": publicKey, "user_access_method": map[string]any{"access_credential": accessCredential}}
	var out struct {
		PasswordJWE string `json:"password_jwe"`
	}
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "server_accounts", accountID, "reveal_credentials"), in, &out)
	return out.PasswordJWE, err
}

// ListCheckedOutResources is GET /checked_out_resources: the caller's own checkouts.
func (o *OPA) ListCheckedOutResources(ctx context.Context, cq CheckoutQuery) ([]CheckedOutResource, error) {
	return opaList[CheckedOutResource](ctx, o, o.url(cq.query(), "checked_out_resources"))
}

// ListProjectCheckedOutResources is GET …/projects/{project_id}/checked_out_resources.
func (o *OPA) ListProjectCheckedOutResources(ctx context.Context, rgID, projectID string, cq CheckoutQuery) ([]CheckedOutResource, error) {
	return opaList[CheckedOutResource](ctx, o, o.url(cq.query(), o.projectPath(rgID, projectID, "checked_out_resources")...))
}

func resourceBody(resourceID string) map[string]string {
	return map[string]string{"resource_id": resourceID, "resource_type": ResourceServerAccountPassword}
}

// CheckinResource is POST /checkin_resource: the caller returns a server account it checked out.
func (o *OPA) CheckinResource(ctx context.Context, resourceID string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "checkin_resource"), resourceBody(resourceID), nil)
	return err
}

// AdminCheckinResource is POST …/projects/{project_id}/checkin_resource: a forced check-in.
func (o *OPA) AdminCheckinResource(ctx context.Context, rgID, projectID, resourceID string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, o.projectPath(rgID, projectID, "checkin_resource")...), resourceBody(resourceID), nil)
	return err
}

// RotateResource is POST …/projects/{project_id}/rotate_resource: a new password now.
func (o *OPA) RotateResource(ctx context.Context, rgID, projectID, resourceID string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, o.projectPath(rgID, projectID, "rotate_resource")...), resourceBody(resourceID), nil)
	return err
}

// RotateResourceOfType is POST …/projects/{project_id}/rotate_resource for a resource of the given type.
func (o *OPA) RotateResourceOfType(ctx context.Context, rgID, projectID, resourceType, resourceID string) error {
	_, err := o.call(ctx, http.MethodPost, o.url(nil, o.projectPath(rgID, projectID, "rotate_resource")...),
		map[string]string{"resource_id": resourceID, "resource_type": resourceType}, nil)
	return err
}

// AccessMethod is an access method a user holds on a server account (keyward's admin view).
type AccessMethod struct {
	Privilege                 string `json:"privilege"`
	AccessCredential          string `json:"accessCredential,omitempty"`
	CheckoutRequired          bool   `json:"checkoutRequired"`
	CheckoutDurationInSeconds int    `json:"checkoutDurationInSeconds"`
}

// UserAccessMethods lists the access methods a team's user holds on a server account, as a
// reveal would evaluate them now: GET /keyward/v1/teams/{team}/users/{user}/server_accounts/{id}/access_methods.
func (c *Client) UserAccessMethods(ctx context.Context, team, user, accountID string) ([]AccessMethod, error) {
	var out []AccessMethod
	err := c.adminCall(ctx, http.MethodGet, nil, &out, nil, "keyward", "v1", "teams", team, "users", user, "server_accounts", accountID, "access_methods")
	return out, err
}
