package opa

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

type revealRequest struct {
	PublicKey        json.RawMessage `json:"public_key"`
	UserAccessMethod *struct {
		AccessCredential string `json:"access_credential"`
	} `json:"user_access_method"`
}

// decodeReveal reads a reveal request (what names its schema): the sealer of the password to the
// caller's public key, and the access credential its user access method names.
func decodeReveal(r *http.Request, what string) (func(w http.ResponseWriter, pw string) error, string, error) {
	var in revealRequest
	if err := wire.Decode(r, &in); err != nil {
		return nil, "", err
	}
	var missing []fault.Cause
	if len(in.PublicKey) == 0 || string(in.PublicKey) == "null" {
		missing = append(missing, fault.Required("public_key", "public_key: is required"))
	}
	if in.UserAccessMethod == nil {
		missing = append(missing, fault.Required("user_access_method", "user_access_method: is required"))
	}
	if len(missing) > 0 {
		return nil, "", fault.InvalidFields(missing...)
	}
	seal, err := passwordSealer(in.PublicKey, what)
	return seal, in.UserAccessMethod.AccessCredential, err
}

// revealServerAccountPassword answers the account's password encrypted to the caller's key,
// checking the account out first when its checkout settings say so.
func (h *Handlers) revealServerAccountPassword(w http.ResponseWriter, r *http.Request) error {
	seal, credential, err := decodeReveal(r, "ServerAccountsRevealCredentialsRequest")
	if err != nil {
		return err
	}
	got, err := h.PAM.RevealServerAccountPassword(r.Context(), principalOf(r), r.PathValue("server_account_id"), credential)
	if err != nil {
		return err
	}
	return seal(w, got.Password)
}

// checkedOutResource is the spec's CheckedOutResourceByAdminDetails (the user's list leaves
// out the two admin fields). resource_name and resource_details come only with a resource_type
// query, as OPA sends them.
type checkedOutResource struct {
	ResourceID       string `json:"resource_id"`
	ResourceType     string `json:"resource_type"`
	CheckoutAt       string `json:"checkout_at"`
	CheckoutExpiryAt string `json:"checkout_expiry_at"`
	CheckinType      string `json:"checkin_type,omitempty"`
	CheckinBy        string `json:"checkin_by,omitempty"`
	CheckinStartAt   string `json:"checkin_start_at,omitempty"`
	ResourceName     string `json:"resource_name,omitempty"`
	ResourceDetails  any    `json:"resource_details,omitempty"`
	Username         string `json:"checkout_by_username,omitempty"`
	ResourceStatus   string `json:"resource_status,omitempty"`
}

type resourceDetails struct {
	Type     string `json:"_type"`
	Hostname string `json:"hostname"`
	ServerID string `json:"server_id"`
}

// appAccountDetails is the spec's SaasAppAccountCheckedOutResourceDetails and
// OktaUniversalDirectoryAccountCheckedOutResourceDetails.
type appAccountDetails struct {
	Type        string `json:"_type"`
	AccountName string `json:"account_name"`
	AppName     string `json:"app_name"`
}

func checkedOutBody(c pam.CheckedOut, detailed, admin bool) checkedOutResource {
	b := checkedOutResource{ResourceID: c.AccountID, ResourceType: c.ResourceType, CheckoutAt: timestamp(c.CheckoutAt),
		CheckoutExpiryAt: timestamp(c.ExpiresAt), CheckinType: c.CheckinType, CheckinBy: c.CheckinBy}
	if !c.CheckinStartAt.IsZero() {
		b.CheckinStartAt = timestamp(c.CheckinStartAt)
	}
	if detailed {
		b.ResourceName = c.AccountName
		switch c.ResourceType {
		case pam.ResourceUDAccountPassword, pam.ResourceSaaSAccountPassword:
			b.ResourceDetails = appAccountDetails{Type: c.ResourceType, AccountName: c.AccountName, AppName: c.AppName}
		default:
			b.ResourceDetails = resourceDetails{Type: c.ResourceType, Hostname: c.Hostname, ServerID: c.ServerID}
		}
	}
	if admin {
		b.Username, b.ResourceStatus = c.Username, "checked_out"
		if c.State != store.CheckoutCheckedOut {
			b.ResourceStatus = "unavailable"
		}
	}
	return b
}

// checkoutQuery reads resource_type and include_pending_checkin.
func checkoutQuery(r *http.Request) (pam.CheckoutQuery, error) {
	q := r.URL.Query()
	cq := pam.CheckoutQuery{ResourceType: q.Get("resource_type")}
	if v := q.Get("include_pending_checkin"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cq, fault.Invalidf("CheckedOutResources", "include_pending_checkin: must be true or false")
		}
		cq.IncludePending = b
	}
	return cq, nil
}

func (h *Handlers) writeCheckouts(w http.ResponseWriter, r *http.Request, admin bool,
	fetch func(ctx context.Context, cq pam.CheckoutQuery, p store.Page) ([]pam.CheckedOut, error)) error {
	cq, err := checkoutQuery(r)
	if err != nil {
		return err
	}
	return writeList(h, w, r, func(c checkedOutResource) string { return c.ResourceID }, func(ctx context.Context, p store.Page) ([]checkedOutResource, error) {
		cs, err := fetch(ctx, cq, p)
		return mapped(cs, func(c pam.CheckedOut) checkedOutResource { return checkedOutBody(c, cq.ResourceType != "", admin) }), err
	})
}

func (h *Handlers) listAllCheckedOutResourcesByUser(w http.ResponseWriter, r *http.Request) error {
	return h.writeCheckouts(w, r, false, func(ctx context.Context, cq pam.CheckoutQuery, p store.Page) ([]pam.CheckedOut, error) {
		return h.PAM.ListUserCheckouts(ctx, principalOf(r), cq, p)
	})
}

func (h *Handlers) listAllCheckedOutResourcesByAdmin(w http.ResponseWriter, r *http.Request) error {
	return h.writeCheckouts(w, r, true, func(ctx context.Context, cq pam.CheckoutQuery, p store.Page) ([]pam.CheckedOut, error) {
		return h.PAM.ListProjectCheckouts(ctx, principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id"), cq, p)
	})
}

// resourceRequest is the spec's CheckinResourceRequest and RotateResourceRequest.
type resourceRequest struct {
	ResourceID   *string `json:"resource_id"`
	ResourceType *string `json:"resource_type"`
}

func decodeResource(r *http.Request) (id, typ string, err error) {
	var in resourceRequest
	if err := wire.Decode(r, &in); err != nil {
		return "", "", err
	}
	var missing []fault.Cause
	for _, f := range []struct {
		v    *string
		name string
	}{{in.ResourceID, "resource_id"}, {in.ResourceType, "resource_type"}} {
		if f.v == nil {
			missing = append(missing, fault.Required(f.name, f.name+": is required"))
		}
	}
	if len(missing) > 0 {
		return "", "", fault.InvalidFields(missing...)
	}
	return *in.ResourceID, *in.ResourceType, nil
}

// resourceAction answers 204 after act on the request body's resource.
func resourceAction(w http.ResponseWriter, r *http.Request, act func(id, typ string) error) error {
	id, typ, err := decodeResource(r)
	if err != nil {
		return err
	}
	if err := act(id, typ); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) selfCheckinResource(w http.ResponseWriter, r *http.Request) error {
	return resourceAction(w, r, func(id, typ string) error { return h.PAM.SelfCheckin(r.Context(), principalOf(r), typ, id) })
}

func (h *Handlers) adminCheckinResource(w http.ResponseWriter, r *http.Request) error {
	if err := h.PAM.CheckoutAdminOf(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
		return err
	}
	return resourceAction(w, r, func(id, typ string) error {
		return h.PAM.AdminCheckin(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id"), typ, id)
	})
}

func (h *Handlers) adminRotateResource(w http.ResponseWriter, r *http.Request) error {
	if err := h.PAM.CheckoutAdminOf(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
		return err
	}
	return resourceAction(w, r, func(id, typ string) error {
		return h.PAM.RotateResource(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id"), typ, id)
	})
}
