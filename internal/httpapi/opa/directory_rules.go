package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// adRule is the spec's ActiveDirectoryAccountRuleRequest and …Response.
type adRule struct {
	ID                            string                `json:"id,omitempty"`
	Name                          *string               `json:"name"`
	Priority                      int                   `json:"priority,omitempty"`
	RuleType                      *string               `json:"rule_type"`
	Project                       *namedObject          `json:"project"`
	ResourceGroup                 *namedObject          `json:"resource_group"`
	OrganizationalUnits           []string              `json:"organizational_units"`
	EnhancedFilters               [][]pam.ADFieldFilter `json:"enhanced_filters"`
	EnableImportOktaUsers         *bool                 `json:"enable_import_okta_users"`
	EnableInitialPasswordRotation *bool                 `json:"enable_initial_password_rotation"`
}

func (in adRule) input() pam.ADRuleInput {
	out := pam.ADRuleInput{Name: in.Name, RuleType: in.RuleType, OrganizationalUnits: in.OrganizationalUnits,
		EnhancedFilters: in.EnhancedFilters, EnableImportOktaUsers: in.EnableImportOktaUsers,
		EnableInitialPasswordRotation: in.EnableInitialPasswordRotation}
	if in.Project != nil {
		out.ProjectID = in.Project.ID
	}
	if in.ResourceGroup != nil {
		out.ResourceGroupID = in.ResourceGroup.ID
	}
	return out
}

func adRuleBody(v pam.ADRuleView) adRule {
	return adRule{ID: v.ID, Name: &v.Name, Priority: v.Priority, RuleType: &v.RuleType,
		Project:             &namedObject{ID: v.ProjectID, Name: v.ProjectName, Type: "project"},
		ResourceGroup:       &namedObject{ID: v.ResourceGroupID, Name: v.ResourceGroupName, Type: "resource_group"},
		OrganizationalUnits: v.OrganizationalUnits, EnhancedFilters: v.EnhancedFilters,
		EnableImportOktaUsers: &v.ImportOktaUsers, EnableInitialPasswordRotation: &v.InitialRotation}
}

// writeADRules answers rules named, one or a {"list":[…]}.
func (h *Handlers) writeADRules(ctx context.Context, w http.ResponseWriter, teamID string, rules []pam.ADRule, one bool) error {
	views, err := h.PAM.NameADRules(ctx, teamID, rules)
	if err != nil {
		return err
	}
	out := mapped(views, adRuleBody)
	if one {
		wire.JSON(w, http.StatusOK, out[0])
		return nil
	}
	wire.JSON(w, http.StatusOK, map[string]any{"list": out})
	return nil
}

func (h *Handlers) listActiveDirectoryAccountRules(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	rules, err := h.PAM.ListADRules(r.Context(), teamID, r.PathValue("ad_connection_id"))
	if err != nil {
		return err
	}
	return h.writeADRules(r.Context(), w, teamID, rules, false)
}

func (h *Handlers) createActiveDirectoryAccountRule(w http.ResponseWriter, r *http.Request) error {
	var in adRule
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	teamID := wire.PrincipalFrom(r).TeamID
	rule, err := h.PAM.CreateADRule(r.Context(), teamID, r.PathValue("ad_connection_id"), in.input())
	if err != nil {
		return err
	}
	return h.writeADRules(r.Context(), w, teamID, []pam.ADRule{rule}, true)
}

func (h *Handlers) getActiveDirectoryAccountRule(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	rule, err := h.PAM.ADRule(r.Context(), teamID, r.PathValue("ad_connection_id"), r.PathValue("ad_account_rule_id"))
	if err != nil {
		return err
	}
	return h.writeADRules(r.Context(), w, teamID, []pam.ADRule{rule}, true)
}

func (h *Handlers) updateActiveDirectoryAccountRule(w http.ResponseWriter, r *http.Request) error {
	var in adRule
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	err := h.PAM.UpdateADRule(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"),
		r.PathValue("ad_account_rule_id"), in.input())
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) deleteActiveDirectoryAccountRule(w http.ResponseWriter, r *http.Request) error {
	err := h.PAM.DeleteADRule(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("ad_connection_id"), r.PathValue("ad_account_rule_id"))
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) reorderActiveDirectoryAccountRules(w http.ResponseWriter, r *http.Request) error {
	var in []struct {
		RuleID   string `json:"rule_id"`
		Priority int    `json:"priority"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	moves := make([]pam.ADRulePriority, len(in))
	for i, m := range in {
		moves[i] = pam.ADRulePriority{RuleID: m.RuleID, Priority: m.Priority}
	}
	teamID := wire.PrincipalFrom(r).TeamID
	rules, err := h.PAM.ReorderADRules(r.Context(), teamID, r.PathValue("ad_connection_id"), moves)
	if err != nil {
		return err
	}
	return h.writeADRules(r.Context(), w, teamID, rules, false)
}
