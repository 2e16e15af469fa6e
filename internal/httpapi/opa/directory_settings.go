package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// adRef is the spec's ActiveDirectorySettingNameObject: an account by domain and SID, shown
// with its name and whether it was found.
type adRef struct {
	Domain      string `json:"domain"`
	AccountSID  string `json:"account_sid"`
	AccountName string `json:"account_name,omitempty"`
	Missing     *bool  `json:"missing,omitempty"`
}

func adRefsIn(in []adRef) []pam.ADAccountRef {
	if in == nil {
		return nil
	}
	out := make([]pam.ADAccountRef, len(in))
	for i, r := range in {
		out[i] = pam.ADAccountRef{Domain: r.Domain, SID: r.AccountSID}
	}
	return out
}

func adRefsOut(in []pam.ADAccountRefView) []adRef {
	out := make([]adRef, len(in))
	for i, r := range in {
		out[i] = adRef{Domain: r.Domain, AccountSID: r.SID, AccountName: r.AccountName, Missing: &r.Missing}
	}
	return out
}

// adCheckoutSettings is the spec's ActiveDirectoryCheckoutSettings.
type adCheckoutSettings struct {
	CheckoutRequired          *bool   `json:"checkout_required"`
	CheckoutDurationInSeconds *int    `json:"checkout_duration_in_seconds"`
	IncludeList               []adRef `json:"include_list"`
	ExcludeList               []adRef `json:"exclude_list"`
}

func (h *Handlers) fetchResourceGroupActiveDirectoryBasedProjectCheckoutSettings(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	s, err := h.PAM.ADCheckoutSettings(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adCheckoutSettings{CheckoutRequired: &s.Required, CheckoutDurationInSeconds: &s.DurationSeconds,
		IncludeList: adRefsOut(s.IncludeList), ExcludeList: adRefsOut(s.ExcludeList)})
	return nil
}

// updateResourceGroupActiveDirectoryBasedProjectCheckoutSettings is a full replace answered
// with 204, as for the other kinds.
func (h *Handlers) updateResourceGroupActiveDirectoryBasedProjectCheckoutSettings(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	if err := h.PAM.CheckoutSettingsWriterOf(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
		return err // refused whatever the body
	}
	var in adCheckoutSettings
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	err := h.PAM.SetADCheckoutSettings(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"),
		pam.ADCheckoutSettingsInput{Required: in.CheckoutRequired, DurationSeconds: in.CheckoutDurationInSeconds,
			IncludeList: adRefsIn(in.IncludeList), ExcludeList: adRefsIn(in.ExcludeList)})
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func adPasswordPolicyOf(p pam.ADPasswordPolicy) selectorPolicy[adRef] {
	return selectorPolicyOf(p.PasswordPolicy, adRefsOut(p.Include), adRefsOut(p.Exclude))
}

func (h *Handlers) getProjectPasswordPolicyForActiveDirectoryResources(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	pol, err := h.PAM.ADPasswordPolicy(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adPasswordPolicyOf(pol))
	return nil
}

func (h *Handlers) updateProjectPasswordPolicyForActiveDirectoryResources(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	if err := h.PAM.PasswordPolicyWriterOf(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
		return err // refused whatever the body
	}
	var in selectorPolicy[adRef] // the spec's ActiveDirectoryPasswordPolicy
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	pin := in.passwordPolicy.input()
	pin.SelectorMode = in.SelectorMode
	pol, err := h.PAM.SetADPasswordPolicy(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"), pin,
		adRefsIn(in.Include), adRefsIn(in.Exclude))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, adPasswordPolicyOf(pol))
	return nil
}
