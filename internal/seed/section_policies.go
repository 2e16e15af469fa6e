package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/httpapi/opa"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// securityPolicy is a security policy, matched by name: its principals' groups and its resource
// group by name, its rules (resource selectors, privileges, conditions) as OPA's API writes
// them, so that rules read from OPA can be pasted in.
type securityPolicy struct {
	Name          string          `json:"name"`
	Description   string          `json:"description,omitempty"`
	Active        bool            `json:"active"`
	Type          string          `json:"type,omitempty"`
	ResourceGroup string          `json:"resourceGroup"`
	Groups        []string        `json:"groups,omitempty"`
	WorkloadRoles json.RawMessage `json:"workloadRoles,omitempty"`
	Rules         json.RawMessage `json:"rules"`
}

func loadSecurityPolicies(ctx context.Context, r *run, team store.Team, items []securityPolicy) error {
	have, err := teamPolicies(ctx, r.Service, team)
	if err != nil {
		return err
	}
	rgs, err := teamResourceGroups(ctx, r.Service, team)
	if err != nil {
		return err
	}
	for i, it := range items {
		at := fmt.Sprintf("[%d].", i)
		if slices.ContainsFunc(have, func(p pam.SecurityPolicy) bool { return p.Name == it.Name }) {
			continue
		}
		j := slices.IndexFunc(rgs, func(rg store.ResourceGroup) bool { return rg.Name == it.ResourceGroup })
		if j < 0 {
			return invalid(at + "resourceGroup: " + it.ResourceGroup + " is not a resource group of the team")
		}
		ids := make([]string, len(it.Groups))
		for k, name := range it.Groups {
			g, err := r.Store.GetOPAGroupByName(ctx, team.ID, name)
			if ok, err := exists(g, err); err != nil {
				return err
			} else if !ok {
				return invalid(fmt.Sprintf("%sgroups[%d]: %s is not a group of the team", at, k, name))
			}
			ids[k] = g.ID
		}
		if it.Rules == nil {
			return invalid(at + "rules: is required")
		}
		raw, err := accountRefs(ctx, r.Service, team, it.Rules, at, true)
		if err != nil {
			return err
		}
		rules, err := opa.DecodePolicyRules(raw)
		if err != nil {
			return within(at[:len(at)-1], err)
		}
		in := pam.PolicyInput{GroupIDs: ids, Policy: pam.SecurityPolicy{Name: it.Name, Description: it.Description,
			Active: it.Active, Type: it.Type, ResourceGroupID: rgs[j].ID, WorkloadRoles: it.WorkloadRoles, Rules: rules}}
		created, err := r.PAM.CreateTeamSecurityPolicy(ctx, team.ID, in)
		if err != nil {
			return within(at[:len(at)-1], err)
		}
		have = append(have, created) // a name given twice is one policy
		r.made("securityPolicies")
	}
	return nil
}

func teamPolicies(ctx context.Context, s *Service, team store.Team) ([]pam.SecurityPolicy, error) {
	return pageAll(func(p store.Page) ([]pam.SecurityPolicy, error) {
		return s.PAM.ListSecurityPolicies(ctx, team.ID, p)
	}, func(p pam.SecurityPolicy) string { return p.ID })
}

func exportSecurityPolicies(ctx context.Context, s *Service, team store.Team) ([]securityPolicy, error) {
	ps, err := teamPolicies(ctx, s, team)
	if err != nil {
		return nil, err
	}
	rgs, err := teamResourceGroups(ctx, s, team)
	if err != nil {
		return nil, err
	}
	out := make([]securityPolicy, len(ps))
	for i, p := range ps {
		rules, err := opa.EncodePolicyRules(p.Rules)
		if err != nil {
			return nil, err
		}
		if rules, err = accountRefs(ctx, s, team, rules, "", false); err != nil {
			return nil, err
		}
		it := securityPolicy{Name: p.Name, Description: p.Description, Active: p.Active, Type: p.Type,
			WorkloadRoles: p.WorkloadRoles, Rules: rules}
		if j := slices.IndexFunc(rgs, func(rg store.ResourceGroup) bool { return rg.ID == p.ResourceGroupID }); j >= 0 {
			it.ResourceGroup = rgs[j].Name
		}
		for _, g := range p.Groups {
			it.Groups = append(it.Groups, g.Name)
		}
		slices.Sort(it.Groups)
		out[i] = it
	}
	return byName(out, func(p securityPolicy) string { return p.Name }), nil
}

// accountKinds are the rule resource types that pick UD or SaaS accounts, with the kind of
// account their selectors name.
var accountKinds = map[string]string{pam.OktaAppBasedResource: store.ServiceAccountUD,
	pam.ManagedSaaSAppBasedResource: store.ServiceAccountSaaS, pam.UnmanagedSaaSAppBasedResource: store.ServiceAccountSaaS}

// accountRefs rewrites the accounts that rules of UD and SaaS resource types select
// (resource_selector.selectors[].selector.service_account.id): from their Okta ids to the
// team's account ids when loading (an unknown one is bad input naming the field), and back
// when exporting, so that a document does not depend on generated ids. Other rules are kept.
func accountRefs(ctx context.Context, s *Service, team store.Team, raw json.RawMessage, at string, load bool) (json.RawMessage, error) {
	var rules []map[string]any
	if err := json.Unmarshal(raw, &rules); err != nil {
		return raw, nil // the rules' own decoding names what is wrong
	}
	changed := false
	maps := map[string]accountIDs{}
	for i, rule := range rules {
		kind, ok := accountKinds[fmt.Sprint(rule["resource_type"])]
		if !ok {
			continue
		}
		sel, _ := rule["resource_selector"].(map[string]any)
		list, _ := sel["selectors"].([]any)
		for j, one := range list {
			o, _ := one.(map[string]any)
			inner, _ := o["selector"].(map[string]any)
			acct, _ := inner["service_account"].(map[string]any)
			id, _ := acct["id"].(string)
			if id == "" {
				continue
			}
			m, ok := maps[kind]
			if !ok {
				var err error
				if m, err = teamAccountIDs(ctx, s, team, kind); err != nil {
					return nil, err
				}
				maps[kind] = m
			}
			to, known := m.toOkta[id]
			if load {
				to, known = m.toID[id]
			}
			if !known && load {
				return nil, invalid(fmt.Sprintf("%srules[%d].resource_selector.selectors[%d].selector.service_account.id: %s is not an account of the team", at, i, j, id))
			}
			if known {
				acct["id"], changed = to, true
			}
		}
	}
	if !changed {
		return raw, nil
	}
	return json.Marshal(rules)
}
