package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// svcRef is the spec's ServiceAccountSettingNameObject: an account by id, shown with whether
// it was found, its username and (SaaS) its app's name. Only id is read.
type svcRef struct {
	ID                  string `json:"id"`
	Missing             *bool  `json:"missing,omitempty"`
	SaasAppInstanceName string `json:"saas_app_instance_name,omitempty"`
	ServiceAccountUser  string `json:"service_account_user_name,omitempty"`
}

func svcRefIDs(in []svcRef) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, r := range in {
		out[i] = r.ID
	}
	return out
}

func svcRefsOut(in []pam.ServiceAccountRefView) []svcRef {
	out := make([]svcRef, len(in))
	for i, r := range in {
		out[i] = svcRef{ID: r.ID, Missing: &r.Missing, ServiceAccountUser: r.Username}
		if r.AppName != pam.UDAppName {
			out[i].SaasAppInstanceName = r.AppName
		}
	}
	return out
}

// svcCheckoutSettings is the spec's APIServiceAccountCheckoutSettings.
type svcCheckoutSettings struct {
	CheckoutRequired          *bool    `json:"checkout_required"`
	CheckoutDurationInSeconds *int     `json:"checkout_duration_in_seconds"`
	IncludeList               []svcRef `json:"include_list"`
	ExcludeList               []svcRef `json:"exclude_list"`
}

// fetchServiceAccountCheckoutSettings serves Fetch…OktaUniversalDirectory…/…SaasApp…CheckoutSettings.
func (h *Handlers) fetchServiceAccountCheckoutSettings(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := h.PAM.ServiceAccountCheckoutSettings(r.Context(), principalOf(r), kind, r.PathValue("resource_group_id"), r.PathValue("project_id"))
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, svcCheckoutSettings{CheckoutRequired: &s.Required, CheckoutDurationInSeconds: &s.DurationSeconds,
			IncludeList: svcRefsOut(s.IncludeList), ExcludeList: svcRefsOut(s.ExcludeList)})
		return nil
	}
}

// updateServiceAccountCheckoutSettings is a full replace answered with 204, as for the other
// kinds; the lists keep the accounts' ids.
func (h *Handlers) updateServiceAccountCheckoutSettings(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := h.PAM.CheckoutSettingsWriterOf(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
			return err // refused whatever the body
		}
		var in svcCheckoutSettings
		if err := wire.Decode(r, &in); err != nil {
			return err
		}
		err := h.PAM.SetCheckoutSettings(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id"),
			pam.AccountKind(kind), pam.CheckoutSettingsInput{Required: in.CheckoutRequired, DurationSeconds: in.CheckoutDurationInSeconds,
				IncludeList: svcRefIDs(in.IncludeList), ExcludeList: svcRefIDs(in.ExcludeList)})
		if err != nil {
			return err
		}
		wire.NoContent(w)
		return nil
	}
}

// selectorPolicy is a password policy with the periodic rotation's account selector over
// account references of type R: the spec's PasswordPolicyWithExclude (R = svcRef) and
// ActiveDirectoryPasswordPolicy (R = adRef). It is the server kind's policy without its managed
// account names (the shadowing field keeps them out of both directions).
type selectorPolicy[R any] struct {
	passwordPolicy
	ManagedPrivilegedAccountsConfig []string `json:"managed_privileged_accounts_config,omitempty"`
	SelectorMode                    *string  `json:"periodic_rotation_account_selector_mode,omitempty"`
	Include                         []R      `json:"periodic_rotation_account_include_list,omitempty"`
	Exclude                         []R      `json:"periodic_rotation_account_exclude_list,omitempty"`
}

// selectorPolicyOf shows a policy with its resolved lists; the mode is ALL when never set.
func selectorPolicyOf[R any](p pam.PasswordPolicy, include, exclude []R) selectorPolicy[R] {
	out := selectorPolicy[R]{passwordPolicy: passwordPolicyOf(p), Include: include, Exclude: exclude}
	out.passwordPolicy.ManagedPrivilegedAccountsConfig = nil
	mode := p.SelectorMode
	if mode == "" {
		mode = "ALL"
	}
	out.SelectorMode = &mode
	return out
}

// input is the policy sent, the lists' references turned into what the domain stores by ids.
func (in selectorPolicy[R]) input(ids func([]R) []string) pam.PasswordPolicyInput {
	pin := in.passwordPolicy.input()
	pin.SelectorMode, pin.RotationInclude, pin.RotationExclude = in.SelectorMode, ids(in.Include), ids(in.Exclude)
	return pin
}

func svcPasswordPolicyOf(p pam.ServiceAccountPasswordPolicy) selectorPolicy[svcRef] {
	return selectorPolicyOf(p.PasswordPolicy, svcRefsOut(p.Include), svcRefsOut(p.Exclude))
}

func (h *Handlers) getServiceAccountPasswordPolicy(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pol, err := h.PAM.ServiceAccountPasswordPolicy(r.Context(), principalOf(r), kind, r.PathValue("resource_group_id"), r.PathValue("project_id"))
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, svcPasswordPolicyOf(pol))
		return nil
	}
}

func (h *Handlers) updateServiceAccountPasswordPolicy(kind string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := h.PAM.PasswordPolicyWriterOf(r.Context(), principalOf(r), r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
			return err // refused whatever the body
		}
		var in selectorPolicy[svcRef]
		if err := wire.Decode(r, &in); err != nil {
			return err
		}
		pol, err := h.PAM.SetServiceAccountPasswordPolicy(r.Context(), principalOf(r), kind, r.PathValue("resource_group_id"),
			r.PathValue("project_id"), in.input(svcRefIDs))
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, svcPasswordPolicyOf(pol))
		return nil
	}
}
