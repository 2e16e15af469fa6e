package pam

import (
	"context"
	"errors"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// GroupType is the NamedObject type of a group reference.
const GroupType = "user_group"

// GroupRef names a group in delegated_resource_admin_groups: {"id", "type": "user_group"}.
type GroupRef struct {
	ID   string
	Type string // "" or GroupType
}

// ResourceGroupInput is a resource group as sent on create or update. On update a nil field
// keeps its value.
type ResourceGroupInput struct {
	Name        *string
	Description *string
	AdminGroups *[]GroupRef
}

// ResourceGroup is a resource group with its owner groups resolved to names.
type ResourceGroup struct {
	store.ResourceGroup
	AdminGroups []store.OPAGroup
}

func (in ResourceGroupInput) check(creating bool) []string {
	var cs []string
	if in.Name != nil || creating {
		cs = append(cs, checkResourceName("name", deref(in.Name)))
	}
	if in.Description != nil {
		cs = append(cs, checkText("description", *in.Description))
	}
	if in.AdminGroups != nil {
		for _, g := range *in.AdminGroups {
			if g.Type != "" && g.Type != GroupType {
				cs = append(cs, "delegated_resource_admin_groups: type must be "+GroupType)
			}
			if g.ID == "" || checkText("", g.ID) != "" {
				cs = append(cs, "delegated_resource_admin_groups: every group needs an id")
			}
		}
	}
	return causes(cs...)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// CreateResourceGroup adds a resource group to a team.
func (s *Service) CreateResourceGroup(ctx context.Context, teamID string, in ResourceGroupInput) (ResourceGroup, error) {
	if cs := in.check(true); len(cs) > 0 {
		return ResourceGroup{}, fault.Invalidf("ResourceGroup", cs...)
	}
	rg := store.ResourceGroup{ID: newID(), TeamID: teamID, CreatedAt: s.Clock.Now()}
	var out ResourceGroup
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		var err error
		out, err = save(ctx, q, in.apply(rg), q.CreateResourceGroup)
		return err
	})
	return out, err
}

// UpdateResourceGroup changes the fields sent, reading and writing in one transaction.
func (s *Service) UpdateResourceGroup(ctx context.Context, teamID, id string, in ResourceGroupInput) (ResourceGroup, error) {
	if cs := in.check(false); len(cs) > 0 {
		return ResourceGroup{}, fault.Invalidf("ResourceGroup", cs...)
	}
	if !storable(id) {
		return ResourceGroup{}, fault.Missing(id, "ResourceGroup")
	}
	var out ResourceGroup
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		rg, err := q.GetResourceGroup(ctx, teamID, id)
		if err != nil {
			return missing(err, id, "ResourceGroup")
		}
		out, err = save(ctx, q, in.apply(rg), q.UpdateResourceGroup)
		return err
	})
	return out, err
}

// apply merges the fields sent into rg; owner groups are kept sorted and unique.
func (in ResourceGroupInput) apply(rg store.ResourceGroup) store.ResourceGroup {
	set(&rg.Name, in.Name)
	set(&rg.Description, in.Description)
	if in.AdminGroups != nil {
		rg.AdminGroupIDs = make([]string, 0, len(*in.AdminGroups))
		for _, g := range *in.AdminGroups {
			rg.AdminGroupIDs = append(rg.AdminGroupIDs, g.ID)
		}
		slices.Sort(rg.AdminGroupIDs)
		rg.AdminGroupIDs = slices.Compact(rg.AdminGroupIDs)
	}
	return rg
}

// save checks that rg's owner groups are groups of its team and stores it with write.
func save(ctx context.Context, q store.Queries, rg store.ResourceGroup,
	write func(ctx context.Context, rg store.ResourceGroup) error) (ResourceGroup, error) {
	groups, err := q.ListOPAGroupsByID(ctx, rg.TeamID, rg.AdminGroupIDs)
	if err != nil {
		return ResourceGroup{}, err
	}
	if len(groups) != len(rg.AdminGroupIDs) {
		return ResourceGroup{}, fault.Invalidf("ResourceGroup",
			"delegated_resource_admin_groups: "+unknownGroup(rg.AdminGroupIDs, groups)+" is not a group of the team")
	}
	if err := write(ctx, rg); err != nil {
		return ResourceGroup{}, taken(err, "resource group", rg.Name, "team")
	}
	return ResourceGroup{ResourceGroup: rg, AdminGroups: groups}, nil
}

func unknownGroup(ids []string, found []store.OPAGroup) string {
	for _, id := range ids {
		if !slices.ContainsFunc(found, func(g store.OPAGroup) bool { return g.ID == id }) {
			return id
		}
	}
	return ""
}

// ResourceGroup returns a team's resource group with its owner groups.
func (s *Service) ResourceGroup(ctx context.Context, teamID, id string) (ResourceGroup, error) {
	rg, err := s.teamResourceGroup(ctx, teamID, id)
	if err != nil {
		return ResourceGroup{}, err
	}
	groups, err := s.Store.ListOPAGroupsByID(ctx, teamID, rg.AdminGroupIDs)
	return ResourceGroup{ResourceGroup: rg, AdminGroups: groups}, err
}

// ListResourceGroups pages a team's resource groups (by name, or by id with p.OrderByID).
func (s *Service) ListResourceGroups(ctx context.Context, teamID string, p store.Page) ([]store.ResourceGroup, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	return s.Store.ListResourceGroups(ctx, teamID, p)
}

// ListResourceGroupsFor pages the resource groups a principal may see: every one of the team for
// a resource admin, those it administers for a delegated resource admin, none otherwise.
func (s *Service) ListResourceGroupsFor(ctx context.Context, p Principal, page store.Page) ([]store.ResourceGroup, error) {
	admin, err := s.HasRole(ctx, p, RoleResourceAdmin)
	if err != nil {
		return nil, err
	}
	if !admin {
		owned, err := s.AdministeredResourceGroups(ctx, p)
		if err != nil {
			return nil, err
		}
		page.IDs = append([]string{}, owned...)
	}
	return s.ListResourceGroups(ctx, p.TeamID, page)
}

// DeleteResourceGroup removes an empty resource group; while it holds projects it is a Conflict.
func (s *Service) DeleteResourceGroup(ctx context.Context, teamID, id string) error {
	if !storable(id) {
		return fault.Missing(id, "ResourceGroup")
	}
	err := s.Store.InTx(ctx, func(q store.Queries) error { return q.DeleteResourceGroup(ctx, teamID, id) })
	if errors.Is(err, store.ErrConflict) {
		return fault.Conflictf("resource group %s still holds projects: delete them first", id)
	}
	return missing(err, id, "ResourceGroup")
}
