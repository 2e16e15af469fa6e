package pam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Resource types of security policy rules that pick service accounts, and their selector kinds.
const (
	OktaAppBasedResource          = "okta_app_based_resource"
	ManagedSaaSAppBasedResource   = "managed_saas_app_based_resource"
	UnmanagedSaaSAppBasedResource = "unmanaged_saas_app_based_resource"
	SelectIndividualOktaAccount   = "individual_okta_account"
	SelectIndividualManagedSaaS   = "individual_managed_saas_app_account"
	SelectIndividualUnmanagedSaaS = "individual_unmanaged_saas_app_account"
	maxServiceAccountSelectors    = 20 // per rule (the spec's maxItems)
)

// serviceAccountSelector is the part of a UD or SaaS rule's resource_selector evaluation
// reads: the accounts its individual selectors name.
type serviceAccountSelector struct {
	Selectors []struct {
		SelectorType string `json:"selector_type"`
		Selector     struct {
			ServiceAccount *struct {
				ID string `json:"id"`
			} `json:"service_account"`
		} `json:"selector"`
	} `json:"selectors"`
}

// checkServiceAccountSelector returns the causes against the selector of a UD or SaaS rule:
// individual selectors of the resource type's kind, each naming an account by id (none for
// rules of other resource types).
func (r PolicyRule) checkServiceAccountSelector(at string) []string {
	kind, ok := selectorKinds[r.ResourceType]
	if !ok {
		return nil
	}
	at += ".resource_selector"
	var sel serviceAccountSelector
	if err := json.Unmarshal(r.Selector, &sel); err != nil {
		return []string{at + ": must be an object with selectors"}
	}
	if len(sel.Selectors) == 0 || len(sel.Selectors) > maxServiceAccountSelectors {
		return []string{fmt.Sprintf("%s.selectors: must hold 1 to %d selectors", at, maxServiceAccountSelectors)}
	}
	var cs []string
	for i, s := range sel.Selectors {
		field := fmt.Sprintf("%s.selectors[%d]", at, i)
		if s.SelectorType != kind {
			cs = append(cs, field+".selector_type: must be "+kind)
		}
		if a := s.Selector.ServiceAccount; a == nil || a.ID == "" || !storable(a.ID) {
			cs = append(cs, field+".selector.service_account.id: is required")
		}
	}
	return cs
}

// selectorKinds maps a service-account resource type to its selector kind.
var selectorKinds = map[string]string{OktaAppBasedResource: SelectIndividualOktaAccount,
	ManagedSaaSAppBasedResource: SelectIndividualManagedSaaS, UnmanagedSaaSAppBasedResource: SelectIndividualUnmanagedSaaS}

// resourceTypeOf is the rule resource type that picks the account: a UD account is an Okta-app
// resource, a SaaS account a managed or unmanaged SaaS-app one as keyward may rotate it or not.
func resourceTypeOf(a ServiceAccount) string {
	switch {
	case a.Kind == store.ServiceAccountUD:
		return OktaAppBasedResource
	case a.Managed:
		return ManagedSaaSAppBasedResource
	}
	return UnmanagedSaaSAppBasedResource
}

// selectedAccounts returns, for each resource group, the ids of the service accounts of a
// resource type the active policies grant some privilege on.
func selectedAccounts(policies []SecurityPolicy) map[string]map[string]map[string]bool {
	out := map[string]map[string]map[string]bool{} // resource type → resource group → account ids
	for _, p := range policies {
		if !p.Active {
			continue
		}
		for _, r := range p.Rules {
			kind, ok := selectorKinds[r.ResourceType]
			if !ok || !slices.ContainsFunc(r.Privileges, func(pv Privilege) bool { return pv.Granted }) {
				continue
			}
			for _, id := range ruleAccountIDs(r, kind) {
				if out[r.ResourceType] == nil {
					out[r.ResourceType] = map[string]map[string]bool{}
				}
				if out[r.ResourceType][p.ResourceGroupID] == nil {
					out[r.ResourceType][p.ResourceGroupID] = map[string]bool{}
				}
				out[r.ResourceType][p.ResourceGroupID][id] = true
			}
		}
	}
	return out
}

// ruleAccountIDs are the accounts a UD or SaaS rule's individual selectors of its kind name.
func ruleAccountIDs(r PolicyRule, kind string) []string {
	var sel serviceAccountSelector
	if json.Unmarshal(r.Selector, &sel) != nil {
		return nil
	}
	var ids []string
	for _, s := range sel.Selectors {
		if s.SelectorType == kind && s.Selector.ServiceAccount != nil && s.Selector.ServiceAccount.ID != "" {
			ids = append(ids, s.Selector.ServiceAccount.ID)
		}
	}
	return ids
}

// visibleServiceAccounts returns the assigned accounts of a kind (and, when appID is not "", of
// that app) the user holds a privilege on: a rule of the account's resource type in an active
// policy of the user's groups names it, in the account's resource group.
func (s *Service) visibleServiceAccounts(ctx context.Context, pr Principal, kind, appID string) ([]store.ServiceAccount, error) {
	policies, err := s.userPolicies(ctx, pr.TeamID, pr.UserID)
	if err != nil {
		return nil, err
	}
	selected := selectedAccounts(policies)
	var candidates []string
	for _, rgs := range selected {
		for _, ids := range rgs {
			for id := range ids {
				candidates = append(candidates, id)
			}
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	f := store.ServiceAccountFilter{Kind: kind, Assigned: true}
	if appID != "" {
		f.AppIDs = []string{appID}
	}
	recs, err := s.Store.ListServiceAccounts(ctx, pr.TeamID, f, store.Page{IDs: candidates})
	if err != nil {
		return nil, err
	}
	var out []store.ServiceAccount
	for _, r := range recs {
		a := ServiceAccount{Kind: r.Kind, Managed: r.Managed}
		if selected[resourceTypeOf(a)][r.ResourceGroupID][r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// visibleServiceAccountIDs is visibleServiceAccounts by id.
func (s *Service) visibleServiceAccountIDs(ctx context.Context, pr Principal, kind, appID string) ([]string, error) {
	recs, err := s.visibleServiceAccounts(ctx, pr, kind, appID)
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids, err
}

// ListUserServiceAccounts pages the accounts of a kind (of one app when appID is not "") the
// end user may use, by id; p.Contains filters by name.
func (s *Service) ListUserServiceAccounts(ctx context.Context, pr Principal, kind, appID string, p store.Page) ([]ServiceAccountView, error) {
	if appID != "" {
		if _, err := s.UserSaaSApp(ctx, pr, appID); err != nil {
			return nil, err
		}
	}
	ids, err := s.visibleServiceAccountIDs(ctx, pr, kind, appID)
	if err != nil {
		return nil, err
	}
	f := store.ServiceAccountFilter{Kind: kind, NameContains: p.Contains}
	p.Contains, p.IDs = "", ids
	return s.listServiceAccounts(ctx, pr.TeamID, pr.UserID, f, p)
}

// UserServiceAccount returns an account of a kind (of one app when appID is not "") the end
// user may use; any other is NotFound.
func (s *Service) UserServiceAccount(ctx context.Context, pr Principal, kind, appID, id string) (ServiceAccountView, error) {
	if appID != "" {
		if _, err := s.UserSaaSApp(ctx, pr, appID); err != nil {
			return ServiceAccountView{}, err
		}
	}
	ids, err := s.visibleServiceAccountIDs(ctx, pr, kind, appID)
	if err != nil {
		return ServiceAccountView{}, err
	}
	if !storable(id) || !slices.Contains(ids, id) {
		return ServiceAccountView{}, fault.Missing(id, serviceAccountNoun)
	}
	a, err := s.serviceAccount(ctx, pr.TeamID, kind, id)
	if err != nil {
		return ServiceAccountView{}, err
	}
	views, err := s.serviceAccountViews(ctx, pr.TeamID, pr.UserID, []ServiceAccount{a})
	if err != nil {
		return ServiceAccountView{}, err
	}
	return views[0], nil
}

// userSaaSAppIDs are the apps the user may use at least one account of.
func (s *Service) userSaaSAppIDs(ctx context.Context, pr Principal) ([]string, error) {
	recs, err := s.visibleServiceAccounts(ctx, pr, store.ServiceAccountSaaS, "")
	if err != nil {
		return nil, err
	}
	apps := []string{}
	for _, r := range recs {
		if !slices.Contains(apps, r.AppID) {
			apps = append(apps, r.AppID)
		}
	}
	return apps, nil
}

// ListUserSaaSApps pages the app instances the end user may use an account of, by id.
func (s *Service) ListUserSaaSApps(ctx context.Context, pr Principal, p store.Page) ([]SaaSApp, error) {
	ids, err := s.userSaaSAppIDs(ctx, pr)
	if err != nil {
		return nil, err
	}
	p.IDs = ids
	return s.ListSaaSApps(ctx, pr.TeamID, p)
}

// UserSaaSApp returns an app instance the end user may use an account of; any other is NotFound.
func (s *Service) UserSaaSApp(ctx context.Context, pr Principal, id string) (SaaSApp, error) {
	if !storable(id) {
		return SaaSApp{}, fault.Missing(id, saasAppNoun)
	}
	ids, err := s.userSaaSAppIDs(ctx, pr)
	if err != nil {
		return SaaSApp{}, err
	}
	if !slices.Contains(ids, id) {
		return SaaSApp{}, fault.Missing(id, saasAppNoun)
	}
	return s.SaaSApp(ctx, pr.TeamID, id)
}
