package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// listSecurityPolicies is ListSecurityPolicies: the team's policies by name; `contains`
// matches the name or the description.
func (h *Handlers) listSecurityPolicies(w http.ResponseWriter, r *http.Request) error {
	req, err := h.Paging.Parse(r)
	if err != nil {
		return err
	}
	teamID, contains := wire.PrincipalFrom(r).TeamID, r.URL.Query().Get("contains")
	page, err := paging.List(r.Context(), req, func(p pam.SecurityPolicy) string { return p.Name },
		func(ctx context.Context, after string, desc bool, limit int) ([]pam.SecurityPolicy, error) {
			return h.PAM.ListSecurityPolicies(ctx, teamID, store.Page{After: after, Descending: desc, Limit: limit, Contains: contains})
		})
	if err != nil {
		return err
	}
	paging.Write(h.Paging, w, r, req, presented(page, policyOf))
	return nil
}

// createSecurityPolicy is CreateSecurityPolicy; it answers 200 with the policy, as the spec says.
func (h *Handlers) createSecurityPolicy(w http.ResponseWriter, r *http.Request) error {
	in, p, err := h.decodePolicy(r)
	if err != nil {
		return err
	}
	pol, err := h.PAM.CreateSecurityPolicy(r.Context(), p, in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, policyOf(pol))
	return nil
}

func (h *Handlers) getSecurityPolicy(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	pol, err := h.PAM.SecurityPolicy(r.Context(), p, r.PathValue("security_policy_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, policyOf(pol))
	return nil
}

// updateSecurityPolicy is UpdateSecurityPolicy: a full replace, answered with 204.
func (h *Handlers) updateSecurityPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := h.PAM.SecurityPolicyAdminOf(r.Context(), principalOf(r), r.PathValue("security_policy_id")); err != nil {
		return err // a policy out of the caller's reach is refused whatever the body
	}
	in, p, err := h.decodePolicy(r)
	if err != nil {
		return err
	}
	if err := h.PAM.UpdateSecurityPolicy(r.Context(), p, r.PathValue("security_policy_id"), in); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) deleteSecurityPolicy(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	if err := h.PAM.DeleteSecurityPolicy(r.Context(), p, r.PathValue("security_policy_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// decodePolicy reads a policy body and the caller.
func (h *Handlers) decodePolicy(r *http.Request) (pam.PolicyInput, pam.Principal, error) {
	var body securityPolicy
	if err := wire.Decode(r, &body); err != nil {
		return pam.PolicyInput{}, pam.Principal{}, err
	}
	in, err := body.input()
	if err != nil {
		return in, pam.Principal{}, err
	}
	return in, principalOf(r), nil
}
