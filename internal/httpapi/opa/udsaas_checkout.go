package opa

import (
	"encoding/json"
	"net/http"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/vault"
)

// serviceAccountID is the UD or SaaS account the path names; a SaaS account must be of the
// path's app instance (404 otherwise).
func (h *Handlers) serviceAccountID(r *http.Request, kind string) (string, error) {
	if kind == store.ServiceAccountUD {
		return r.PathValue("okta_universal_directory_account_id"), nil
	}
	id := r.PathValue("saas_app_account_id")
	return id, h.PAM.SaaSAccountOfApp(r.Context(), principalOf(r).TeamID, r.PathValue("saas_app_instance_id"), id)
}

// revealServiceAccountPassword answers a UD or SaaS account's password encrypted to the
// caller's key, checking the account out first when its project's checkout settings say so.
func (h *Handlers) revealServiceAccountPassword(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		seal, credential, err := decodeReveal(r, "ServiceAccountsRevealCredentialsRequest")
		if err != nil {
			return err
		}
		id, err := h.serviceAccountID(r, kind)
		if err != nil {
			return err
		}
		got, err := h.PAM.RevealAccountPassword(r.Context(), principalOf(r), pam.ServiceAccountResourceType(kind), id,
			pam.ServiceAccountRevealPrivilege(credential))
		if err != nil {
			return err
		}
		return seal(w, got.Password)
	}
}

// credentialsRequest is the spec's ServiceAccountsRotateCredentialsRequest and
// ServiceAccountsUpdateCredentialsRequest: both fields are required.
type credentialsRequest struct {
	PasswordJWE      *string          `json:"password_jwe"`
	UserAccessMethod *json.RawMessage `json:"user_access_method"`
}

// decodeCredentials reads the request; needJWE: password_jwe must hold something.
func decodeCredentials(r *http.Request, needJWE bool) (string, error) {
	var in credentialsRequest
	if err := wire.Decode(r, &in); err != nil {
		return "", err
	}
	var missing []fault.Cause
	if in.PasswordJWE == nil || (needJWE && *in.PasswordJWE == "") {
		missing = append(missing, fault.Required("password_jwe", "password_jwe: is required"))
	}
	if in.UserAccessMethod == nil || string(*in.UserAccessMethod) == "null" {
		missing = append(missing, fault.Required("user_access_method", "user_access_method: is required"))
	}
	if len(missing) > 0 {
		return "", fault.InvalidFields(missing...)
	}
	return *in.PasswordJWE, nil
}

// rotateServiceAccountPassword rotates a UD or SaaS account's password (204). The request's
// password_jwe is required by the schema (any string, "" too) but keyward makes the new password
// itself, under the project's password policy (docs/opa.md).
func (h *Handlers) rotateServiceAccountPassword(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := decodeCredentials(r, false); err != nil {
			return err
		}
		id, err := h.serviceAccountID(r, kind)
		if err != nil {
			return err
		}
		if err := h.PAM.RotateAccountPassword(r.Context(), principalOf(r), pam.ServiceAccountResourceType(kind), id); err != nil {
			return err
		}
		wire.NoContent(w)
		return nil
	}
}

// updateSaasAppAccountPassword sets a SaaS account's password to the one the caller encrypted
// to the team's vault key (GET /vault/jwks.json), for a holder of update_password (204).
func (h *Handlers) updateSaasAppAccountPassword(w http.ResponseWriter, r *http.Request) error {
	jwe, err := decodeCredentials(r, true)
	if err != nil {
		return err
	}
	p := principalOf(r)
	key, err := h.Vault.TeamKey(p.TeamID)
	if err != nil {
		return err
	}
	plain, err := vault.Decrypt(jwe, key.Key)
	if err != nil {
		return fault.Invalidf("ServiceAccountsUpdateCredentialsRequest",
			"password_jwe: must be a compact JWE (RSA-OAEP-256 or ECDH-ES, A256GCM) encrypted to the team's vault key (GET /vault/jwks.json)")
	}
	id, err := h.serviceAccountID(r, store.ServiceAccountSaaS)
	if err != nil {
		return err
	}
	if err := h.PAM.UpdateAccountPassword(r.Context(), p, pam.ResourceSaaSAccountPassword, id, string(plain)); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// listedServicePrivileges are the privileges the spec's ServiceAccountPrivilegeContainer can
// show; rotate_password, which a rule may also grant, is not among them.
var listedServicePrivileges = map[string]bool{pam.PrivilegeRevealPassword: true, pam.PrivilegeUpdatePassword: true}

// listUAMForServiceAccount lists the caller's one user access method on a UD or SaaS account:
// the privileges its security policies grant, with the checkout they need. An account the
// caller holds nothing on is 404, as its end-user GET.
func (h *Handlers) listUAMForServiceAccount(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := h.serviceAccountID(r, kind)
		if err != nil {
			return err
		}
		p := principalOf(r)
		t, methods, c, err := h.PAM.ServiceAccountAccess(r.Context(), p, kind, id)
		if err != nil {
			return err
		}
		if len(methods) == 0 {
			return fault.Missing(id, "ServiceAccount")
		}
		ruleType := pam.OktaAppBasedResource
		if kind == store.ServiceAccountSaaS {
			ruleType = map[bool]string{false: pam.ManagedSaaSAppBasedResource, true: pam.UnmanagedSaaSAppBasedResource}[t.Unmanaged]
		}
		var req checkoutRequirements
		for _, m := range methods {
			req.Required = req.Required || m.CheckoutRequired
			req.MaxSeconds = max(req.MaxSeconds, m.CheckoutSeconds)
		}
		m := accessMethodBody(t.Login, "service_account", ruleType, t.ID, c, p.UserID, req)
		for _, am := range methods {
			if listedServicePrivileges[am.Privilege] {
				m.Details.Privileges = append(m.Details.Privileges, privilegeBody(am.Privilege))
			}
		}
		list := []userAccessMethod{}
		if len(m.Details.Privileges) > 0 {
			list = append(list, m)
		}
		wire.JSON(w, http.StatusOK, struct {
			List []userAccessMethod `json:"list"`
		}{list})
		return nil
	}
}
