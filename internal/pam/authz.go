package pam

import (
	"context"
	"errors"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Principal is who calls the OPA API: a human or service user of a team.
type Principal struct {
	TeamID string
	UserID string
}

// Roles returns the principal's roles, read from its groups now: a membership or group change
// applies to the next call. An active user is always an end user and, when one of its groups
// owns a resource group, a delegated resource admin. A user that is not active has no roles.
func (s *Service) Roles(ctx context.Context, teamID, userID string) ([]string, error) {
	groups, err := s.activeUserGroups(ctx, teamID, userID)
	if err != nil || groups == nil {
		return nil, err
	}
	roles := []string{RoleEndUser}
	ids := make([]string, len(groups))
	for i, g := range groups {
		roles = append(roles, g.Roles...)
		ids[i] = g.ID
	}
	owners, err := s.Store.ListOPAAdminGroupIDs(ctx, teamID, ids)
	if err != nil {
		return nil, err
	}
	if len(owners) > 0 {
		roles = append(roles, RoleDelegatedResourceAdmin)
	}
	slices.Sort(roles)
	return slices.Compact(roles), nil
}

// activeUserGroups are the groups of an active user: nil for a user not active, empty (not nil)
// for an active user in none.
func (s *Service) activeUserGroups(ctx context.Context, teamID, userID string) ([]store.OPAGroup, error) {
	u, err := s.Store.GetOPAUser(ctx, teamID, userID)
	if err != nil {
		return nil, missing(err, userID, "User")
	}
	if u.Status != store.UserActive {
		return nil, nil
	}
	groups, err := s.Store.ListOPAUserGroups(ctx, teamID, userID, store.Page{})
	if groups == nil && err == nil {
		groups = []store.OPAGroup{}
	}
	return groups, err
}

// HasRole reports whether the principal holds any of the roles now.
func (s *Service) HasRole(ctx context.Context, p Principal, roles ...string) (bool, error) {
	held, err := s.Roles(ctx, p.TeamID, p.UserID)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if slices.Contains(held, r) {
			return true, nil
		}
	}
	return false, nil
}

// CanAdminResourceGroup reports whether the principal may administer one resource group: as a
// resource admin (any resource group of the team) or as a member of one of its owner groups.
// A resource group of another team, or none, is never administrable.
func (s *Service) CanAdminResourceGroup(ctx context.Context, p Principal, rgID string) (bool, error) {
	if !storable(rgID) {
		return false, fault.Missing(rgID, "ResourceGroup")
	}
	rg, err := s.Store.GetResourceGroup(ctx, p.TeamID, rgID)
	if err != nil {
		return false, missing(err, rgID, "ResourceGroup")
	}
	u, err := s.Store.GetOPAUser(ctx, p.TeamID, p.UserID)
	if err != nil {
		return false, missing(err, p.UserID, "User")
	}
	if u.Status != store.UserActive {
		return false, nil
	}
	groups, err := s.Store.ListOPAUserGroups(ctx, p.TeamID, p.UserID, store.Page{})
	if err != nil {
		return false, err
	}
	for _, g := range groups {
		if slices.Contains(g.Roles, RoleResourceAdmin) || slices.Contains(rg.AdminGroupIDs, g.ID) {
			return true, nil
		}
	}
	return false, nil
}

// AdministeredResourceGroups returns the ids of the resource groups the principal administers
// as a delegated resource admin (through its groups), for filtering lists.
func (s *Service) AdministeredResourceGroups(ctx context.Context, p Principal) ([]string, error) {
	groups, err := s.Store.ListOPAUserGroups(ctx, p.TeamID, p.UserID, store.Page{})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return s.Store.ListResourceGroupIDsOwnedBy(ctx, p.TeamID, ids)
}

// ServiceTokenRoles returns the roles the holder of a service token has now: its key's user's
// roles, or, for a key from before keys had users, the roles stored with the token.
func (s *Service) ServiceTokenRoles(ctx context.Context, t store.ServiceToken) ([]string, error) {
	key, err := s.Store.GetOPAKey(ctx, t.TeamID, t.KeyID)
	if err != nil {
		return nil, refused(err)
	}
	if key.UserID == "" {
		return t.Roles, nil
	}
	return s.Roles(ctx, t.TeamID, key.UserID)
}

// DelegatedAdminOf reports whether the user of that name administers the resource group
// through one of its groups (as CanAdminResourceGroup), for callers known by name.
func (s *Service) DelegatedAdminOf(ctx context.Context, teamID, userName, rgID string) (bool, error) {
	u, err := s.Store.GetOPAUserByName(ctx, teamID, userName)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // a key from before keys had users: its roles are all it has
	}
	if err != nil {
		return false, err
	}
	return s.CanAdminResourceGroup(ctx, Principal{TeamID: teamID, UserID: u.ID}, rgID)
}
