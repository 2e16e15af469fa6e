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
	// Known, when set, is what the request's authentication read of the principal (CallerAccess):
	// its roles and groups are taken from it instead of being read again in the same request.
	Known *Access
}

// Access is a principal's roles and groups as read when its request was authenticated.
type Access struct {
	Roles    []string // the roles it holds (CallerRoles)
	Active   bool     // the user is active
	GroupIDs []string // the user's groups (all of them, whatever its status)
}

// CallerRoles returns the roles of a bearer token's holder as the store's GetOPACaller read it,
// by Roles' rules: a key from before keys had users holds the roles stored with its token; a
// user that is not active none; an active user is an end user, holds its groups' roles, and a
// delegated role when one of its groups owns or secures a resource group.
func CallerRoles(c store.OPACaller) []string {
	if c.Service && c.UserID == "" {
		return c.TokenRoles
	}
	if c.UserStatus != store.UserActive {
		return nil
	}
	roles := []string{RoleEndUser}
	for _, g := range c.Groups {
		roles = append(roles, g.Roles...)
		if g.Owns {
			roles = append(roles, RoleDelegatedResourceAdmin)
		}
		if g.Secures {
			roles = append(roles, RoleDelegatedSecurityAdmin)
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

// CallerAccess is the Access of a token's holder holding roles, as GetOPACaller read it.
func CallerAccess(c store.OPACaller, roles []string) *Access {
	a := &Access{Roles: roles, Active: c.UserStatus == store.UserActive, GroupIDs: make([]string, len(c.Groups))}
	for i, g := range c.Groups {
		a.GroupIDs[i] = g.ID
	}
	return a
}

// activeUserGroups returns a user's groups, and whether the user is active (none when not).
func (s *Service) activeUserGroups(ctx context.Context, teamID, userID string) ([]store.OPAGroup, bool, error) {
	u, err := s.Store.GetOPAUser(ctx, teamID, userID)
	if err != nil {
		return nil, false, missing(err, userID, "User")
	}
	if u.Status != store.UserActive {
		return nil, false, nil
	}
	groups, err := s.Store.ListOPAUserGroups(ctx, teamID, userID, store.Page{})
	return groups, err == nil, err
}

// activeGroupIDs returns the ids of the principal's groups, and whether it is an active user
// (none when not): as its request's authentication read them when it did (Known).
func (s *Service) activeGroupIDs(ctx context.Context, p Principal) ([]string, bool, error) {
	if p.Known != nil {
		if !p.Known.Active {
			return nil, false, nil
		}
		return p.Known.GroupIDs, true, nil
	}
	groups, active, err := s.activeUserGroups(ctx, p.TeamID, p.UserID)
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return ids, active, err
}

// Roles returns the principal's roles, read from its groups now: a membership or group change
// applies to the next call. An active user is always an end user; when one of its groups owns a
// resource group, a delegated resource admin; when one of its groups is among a resource group's
// delegated security admin groups, a delegated security admin. Both delegated roles act only in
// those resource groups (Reaches). A user that is not active has no roles.
func (s *Service) Roles(ctx context.Context, teamID, userID string) ([]string, error) {
	groups, active, err := s.activeUserGroups(ctx, teamID, userID)
	if err != nil || !active {
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
	secured, err := s.Store.ListResourceGroupIDsSecuredBy(ctx, teamID, ids)
	if err != nil {
		return nil, err
	}
	if len(secured) > 0 {
		roles = append(roles, RoleDelegatedSecurityAdmin)
	}
	slices.Sort(roles)
	return slices.Compact(roles), nil
}

// HasRole reports whether the principal holds any of the roles now.
func (s *Service) HasRole(ctx context.Context, p Principal, roles ...string) (bool, error) {
	var held []string
	if p.Known != nil {
		held = p.Known.Roles
	} else {
		var err error
		if held, err = s.Roles(ctx, p.TeamID, p.UserID); err != nil {
			return false, err
		}
	}
	for _, r := range roles {
		if slices.Contains(held, r) {
			return true, nil
		}
	}
	return false, nil
}

// delegatedRoles are held per resource group, through a group listed on it.
var delegatedRoles = []string{RoleDelegatedResourceAdmin, RoleDelegatedSecurityAdmin}

// splitRoles parts an operation's roles into those held team-wide and the delegated ones.
func splitRoles(roles []string) (teamWide, delegated []string) {
	for _, r := range roles {
		if slices.Contains(delegatedRoles, r) {
			delegated = append(delegated, r)
		} else {
			teamWide = append(teamWide, r)
		}
	}
	return teamWide, delegated
}

// Reaches reports whether the principal may act on one resource group in an operation open to
// roles: holding one of its team-wide roles (resource_admin, security_admin, …), or one of its
// delegated roles for this resource group (DelegatedIn, where a resource group of another team,
// or none, is NotFound).
func (s *Service) Reaches(ctx context.Context, p Principal, rgID string, roles ...string) (bool, error) {
	teamWide, delegated := splitRoles(roles)
	if ok, err := s.HasRole(ctx, p, teamWide...); ok || err != nil {
		return ok, err
	}
	return s.DelegatedIn(ctx, p, rgID, delegated...)
}

func (s *Service) teamResourceGroup(ctx context.Context, teamID, rgID string) (store.ResourceGroup, error) {
	if !storable(rgID) {
		return store.ResourceGroup{}, fault.Missing(rgID, "ResourceGroup")
	}
	rg, err := s.Store.GetResourceGroup(ctx, teamID, rgID)
	return rg, missing(err, rgID, "ResourceGroup")
}

// DelegatedIn reports whether the principal holds one of the delegated roles for one resource
// group: delegated_resource_admin as a member of one of its owner groups
// (delegated_resource_admin_groups), delegated_security_admin as a member of one of its
// delegated security admin groups. A user that is not active holds none.
func (s *Service) DelegatedIn(ctx context.Context, p Principal, rgID string, roles ...string) (bool, error) {
	rg, err := s.teamResourceGroup(ctx, p.TeamID, rgID)
	if err != nil {
		return false, err
	}
	return s.delegatedIn(ctx, p, rg, roles)
}

func (s *Service) delegatedIn(ctx context.Context, p Principal, rg store.ResourceGroup, roles []string) (bool, error) {
	if len(roles) == 0 {
		return false, nil
	}
	var groupIDs []string
	if p.Known != nil {
		if !p.Known.Active {
			return false, nil
		}
		groupIDs = p.Known.GroupIDs
	} else {
		u, err := s.Store.GetOPAUser(ctx, p.TeamID, p.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil // a key from before keys had users: its roles are all it has
		}
		if err != nil || u.Status != store.UserActive {
			return false, err
		}
		if groupIDs, err = s.userGroupIDs(ctx, p); err != nil {
			return false, err
		}
	}
	for _, g := range groupIDs {
		if slices.Contains(roles, RoleDelegatedResourceAdmin) && slices.Contains(rg.AdminGroupIDs, g) ||
			slices.Contains(roles, RoleDelegatedSecurityAdmin) && slices.Contains(rg.SecurityAdminGroupIDs, g) {
			return true, nil
		}
	}
	return false, nil
}

// CanAdminResourceGroup reports whether the principal may administer one resource group: as a
// resource admin (any resource group of the team) or as a member of one of its owner groups.
// A resource group of another team, or none, is never administrable.
func (s *Service) CanAdminResourceGroup(ctx context.Context, p Principal, rgID string) (bool, error) {
	rg, err := s.teamResourceGroup(ctx, p.TeamID, rgID)
	if err != nil {
		return false, err
	}
	if ok, err := s.HasRole(ctx, p, RoleResourceAdmin); ok || err != nil {
		return ok, err
	}
	return s.delegatedIn(ctx, p, rg, []string{RoleDelegatedResourceAdmin})
}

// AdministeredResourceGroups returns the ids of the resource groups the principal administers
// as a delegated resource admin (through its groups), for filtering lists.
func (s *Service) AdministeredResourceGroups(ctx context.Context, p Principal) ([]string, error) {
	ids, err := s.userGroupIDs(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.Store.ListResourceGroupIDsOwnedBy(ctx, p.TeamID, ids)
}

func (s *Service) userGroupIDs(ctx context.Context, p Principal) ([]string, error) {
	if p.Known != nil {
		return p.Known.GroupIDs, nil
	}
	groups, err := s.Store.ListOPAUserGroups(ctx, p.TeamID, p.UserID, store.Page{})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return ids, nil
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
