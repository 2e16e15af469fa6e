package pam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// policyBody is what the store keeps of a policy beyond its indexed columns.
type policyBody struct {
	Type          string          `json:"type,omitempty"`
	Rules         []PolicyRule    `json:"rules"`
	WorkloadRoles json.RawMessage `json:"workload_roles,omitempty"`
}

// PolicyInput is a security policy as sent on create or update; an update replaces everything.
// GroupIDs are the ids of principals.user_groups.
type PolicyInput struct {
	Policy   SecurityPolicy
	GroupIDs []string
}

// mayManagePolicies reports whether the principal manages the security policies of a resource
// group: a security admin manages all; a delegated security admin of the resource group (a
// member of one of its delegated security admin groups) manages its own.
func (s *Service) mayManagePolicies(ctx context.Context, p Principal, rgID string) (bool, error) {
	ok, err := s.Reaches(ctx, p, rgID, RoleSecurityAdmin, RoleDelegatedSecurityAdmin)
	if f, isFault := fault.As(err); isFault && f.Kind == fault.NotFound {
		return true, nil // no such resource group: record refuses it, naming the field
	}
	return ok, err
}

// policyInReach returns a stored policy the principal may manage; one of a resource group out
// of a delegated security admin's reach answers OPA's missing role, as the router would.
func (s *Service) policyInReach(ctx context.Context, p Principal, id string) (store.SecurityPolicy, error) {
	if !storable(id) {
		return store.SecurityPolicy{}, fault.Missing(id, "SecurityPolicy")
	}
	sp, err := s.Store.GetSecurityPolicy(ctx, p.TeamID, id)
	if err != nil {
		return sp, missing(err, id, "SecurityPolicy")
	}
	ok, err := s.mayManagePolicies(ctx, p, sp.ResourceGroupID)
	if err == nil && !ok {
		err = fault.MissingRole()
	}
	return sp, err
}

// SecurityPolicyAdminOf checks that the principal may manage the policy, before a request's body
// is read.
func (s *Service) SecurityPolicyAdminOf(ctx context.Context, p Principal, id string) error {
	_, err := s.policyInReach(ctx, p, id)
	return err
}

// admit validates the input and refuses a resource group the principal may not manage
// policies in. It reads outside any transaction, as the role checks do.
func (s *Service) admit(ctx context.Context, p Principal, in PolicyInput) error {
	if cs := in.Policy.check(in.GroupIDs); len(cs) > 0 {
		return fault.Invalidf("SecurityPolicy", cs...)
	}
	ok, err := s.mayManagePolicies(ctx, p, in.Policy.ResourceGroupID)
	if err == nil && !ok {
		err = fault.MissingRole()
	}
	return err
}

// record looks up an admitted input's resource group and groups and encodes it for the store.
func record(ctx context.Context, q store.Queries, p Principal, in PolicyInput) (store.SecurityPolicy, []store.OPAGroup, error) {
	pol := in.Policy
	if _, err := q.GetResourceGroup(ctx, p.TeamID, pol.ResourceGroupID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.SecurityPolicy{}, nil, fault.Invalidf("SecurityPolicy", "resource_group: "+pol.ResourceGroupID+" is not a resource group of the team")
		}
		return store.SecurityPolicy{}, nil, err
	}
	ids := slices.Compact(slices.Sorted(slices.Values(in.GroupIDs)))
	groups, err := q.ListOPAGroupsByID(ctx, p.TeamID, ids)
	if err != nil {
		return store.SecurityPolicy{}, nil, err
	}
	if len(groups) != len(ids) {
		return store.SecurityPolicy{}, nil, fault.Invalidf("SecurityPolicy", "principals.user_groups: "+unknownGroup(ids, groups)+" is not a group of the team")
	}
	body, err := json.Marshal(policyBody{Type: pol.Type, Rules: pol.Rules, WorkloadRoles: pol.WorkloadRoles})
	if err != nil {
		return store.SecurityPolicy{}, nil, err
	}
	return store.SecurityPolicy{TeamID: p.TeamID, Name: pol.Name, Description: pol.Description, Active: pol.Active,
		ResourceGroupID: pol.ResourceGroupID, GroupIDs: ids, Body: body}, groups, nil
}

// policyOf decodes a stored policy; groups are its groups as found (nil: look them up).
func policyOf(ctx context.Context, q store.Queries, sp store.SecurityPolicy, groups []store.OPAGroup) (SecurityPolicy, error) {
	var body policyBody
	if err := json.Unmarshal(sp.Body, &body); err != nil {
		return SecurityPolicy{}, fmt.Errorf("security policy %s: %w", sp.ID, err)
	}
	if groups == nil {
		var err error
		if groups, err = q.ListOPAGroupsByID(ctx, sp.TeamID, sp.GroupIDs); err != nil {
			return SecurityPolicy{}, err
		}
	}
	return SecurityPolicy{ID: sp.ID, Name: sp.Name, Description: sp.Description, Active: sp.Active, Type: body.Type,
		ResourceGroupID: sp.ResourceGroupID, Groups: groups, Rules: body.Rules, WorkloadRoles: body.WorkloadRoles,
		CreatedAt: sp.CreatedAt}, nil
}

// CreateSecurityPolicy adds a policy to the team.
func (s *Service) CreateSecurityPolicy(ctx context.Context, p Principal, in PolicyInput) (SecurityPolicy, error) {
	if err := s.admit(ctx, p, in); err != nil {
		return SecurityPolicy{}, err
	}
	return s.createSecurityPolicy(ctx, p, in)
}

// CreateTeamSecurityPolicy adds a policy on the team's own authority, checking no caller's
// roles: what loading a seed document does.
func (s *Service) CreateTeamSecurityPolicy(ctx context.Context, teamID string, in PolicyInput) (SecurityPolicy, error) {
	if cs := in.Policy.check(in.GroupIDs); len(cs) > 0 {
		return SecurityPolicy{}, fault.Invalidf("SecurityPolicy", cs...)
	}
	return s.createSecurityPolicy(ctx, Principal{TeamID: teamID}, in)
}

func (s *Service) createSecurityPolicy(ctx context.Context, p Principal, in PolicyInput) (SecurityPolicy, error) {
	var out SecurityPolicy
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		sp, groups, err := record(ctx, q, p, in)
		if err != nil {
			return err
		}
		sp.ID, sp.CreatedAt = newID(), s.Clock.Now()
		if err := q.CreateSecurityPolicy(ctx, sp); err != nil {
			return taken(err, "security policy", sp.Name, "team")
		}
		out, err = policyOf(ctx, q, sp, groups)
		return err
	})
	return out, err
}

// SecurityPolicy returns a policy the principal may manage.
func (s *Service) SecurityPolicy(ctx context.Context, p Principal, id string) (SecurityPolicy, error) {
	sp, err := s.policyInReach(ctx, p, id)
	if err != nil {
		return SecurityPolicy{}, err
	}
	return policyOf(ctx, s.Store, sp, nil)
}

// ListSecurityPolicies pages the team's policies by name; Contains matches name or description.
func (s *Service) ListSecurityPolicies(ctx context.Context, teamID string, page store.Page) ([]SecurityPolicy, error) {
	if err := checkPage(page); err != nil {
		return nil, err
	}
	sps, err := s.Store.ListSecurityPolicies(ctx, teamID, page)
	if err != nil {
		return nil, err
	}
	groups, err := s.policiesGroups(ctx, teamID, sps)
	if err != nil {
		return nil, err
	}
	out := make([]SecurityPolicy, len(sps))
	for i, sp := range sps {
		own := []store.OPAGroup{}
		for _, g := range groups {
			if slices.Contains(sp.GroupIDs, g.ID) {
				own = append(own, g)
			}
		}
		if out[i], err = policyOf(ctx, s.Store, sp, own); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// policyGroupsRead is how many group ids one read of policiesGroups asks for.
const policyGroupsRead = 500

// policiesGroups reads the groups the policies name, in id order, a few reads for a whole page.
func (s *Service) policiesGroups(ctx context.Context, teamID string, sps []store.SecurityPolicy) ([]store.OPAGroup, error) {
	var ids []string
	for _, sp := range sps {
		ids = append(ids, sp.GroupIDs...)
	}
	slices.Sort(ids)
	var groups []store.OPAGroup
	for chunk := range slices.Chunk(slices.Compact(ids), policyGroupsRead) {
		gs, err := s.Store.ListOPAGroupsByID(ctx, teamID, chunk)
		if err != nil {
			return nil, err
		}
		groups = append(groups, gs...)
	}
	return groups, nil
}

// UpdateSecurityPolicy replaces a policy; a delegated admin may neither reach another resource
// group's policy nor move its own into one. Checkouts it no longer grants end at once.
func (s *Service) UpdateSecurityPolicy(ctx context.Context, p Principal, id string, in PolicyInput) error {
	old, err := s.policyInReach(ctx, p, id)
	if err != nil {
		return err
	}
	if err := s.admit(ctx, p, in); err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(q store.Queries) error {
		sp, _, err := record(ctx, q, p, in)
		if err != nil {
			return err
		}
		sp.ID, sp.CreatedAt = old.ID, old.CreatedAt
		return taken(missing(q.UpdateSecurityPolicy(ctx, sp), id, "SecurityPolicy"), "security policy", sp.Name, "team")
	})
	if err != nil {
		return err
	}
	return s.endTeamLostCheckouts(ctx, p.TeamID)
}

// DeleteSecurityPolicy removes a policy; its grants end at once, and so do the checkouts they
// granted.
func (s *Service) DeleteSecurityPolicy(ctx context.Context, p Principal, id string) error {
	if _, err := s.policyInReach(ctx, p, id); err != nil {
		return err
	}
	if err := s.Store.DeleteSecurityPolicy(ctx, p.TeamID, id); err != nil {
		return missing(err, id, "SecurityPolicy")
	}
	return s.endTeamLostCheckouts(ctx, p.TeamID)
}
