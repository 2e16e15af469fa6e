package pam

import (
	"context"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// SecurityAdminGroups returns the groups whose members are a resource group's delegated
// security admins, by name.
func (s *Service) SecurityAdminGroups(ctx context.Context, teamID, rgID string) ([]store.OPAGroup, error) {
	if !storable(rgID) {
		return nil, fault.Missing(rgID, "ResourceGroup")
	}
	rg, err := s.Store.GetResourceGroup(ctx, teamID, rgID)
	if err != nil {
		return nil, missing(err, rgID, "ResourceGroup")
	}
	return s.groupsByName(ctx, teamID, rg.SecurityAdminGroupIDs)
}

// SetSecurityAdminGroups makes the named groups (and only them) a resource group's delegated
// security admin groups: their members manage its security policies and checkout settings and
// reach its checkouts and accounts, from their next request on. What OPA's security admins do
// in its dashboard; the spec has no operation for it.
func (s *Service) SetSecurityAdminGroups(ctx context.Context, teamID, rgID string, groupNames []string) ([]store.OPAGroup, error) {
	if !storable(rgID) {
		return nil, fault.Missing(rgID, "ResourceGroup")
	}
	var out []store.OPAGroup
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		ids := make([]string, 0, len(groupNames))
		for _, name := range groupNames {
			g, err := q.GetOPAGroupByName(ctx, teamID, name)
			if err != nil || !storable(name) {
				return fault.Invalidf("ResourceGroup", "groups: "+name+" is not a group of the team")
			}
			ids = append(ids, g.ID)
		}
		ids = slices.Compact(slices.Sorted(slices.Values(ids)))
		if err := q.SetResourceGroupSecurityAdmins(ctx, teamID, rgID, ids); err != nil {
			return missing(err, rgID, "ResourceGroup")
		}
		var err error
		out, err = q.ListOPAGroupsByID(ctx, teamID, ids)
		slices.SortFunc(out, func(a, b store.OPAGroup) int { return strings.Compare(a.Name, b.Name) })
		return err
	})
	return out, err
}

func (s *Service) groupsByName(ctx context.Context, teamID string, ids []string) ([]store.OPAGroup, error) {
	gs, err := s.Store.ListOPAGroupsByID(ctx, teamID, ids)
	slices.SortFunc(gs, func(a, b store.OPAGroup) int { return strings.Compare(a.Name, b.Name) })
	return gs, err
}
