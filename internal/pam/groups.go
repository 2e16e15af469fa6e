package pam

import (
	"context"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// CreateGroup adds a group with roles (pam_admin, resource_admin, security_admin) to a team.
func (s *Service) CreateGroup(ctx context.Context, teamID, name string, roles []string) (store.OPAGroup, error) {
	g, err := newGroup(teamID, name, roles, s.Clock.Now())
	if err != nil {
		return g, err
	}
	return g, taken(s.Store.CreateOPAGroup(ctx, g), "group", name, "team")
}

// newGroup is a valid group record, not yet stored.
func newGroup(teamID, name string, roles []string, now time.Time) (store.OPAGroup, error) {
	roles, bad := checkRoles(roles, groupCreateRoles)
	if cs := causes(append([]string{checkPrincipalName("name", name)}, bad...)...); len(cs) > 0 {
		return store.OPAGroup{}, fault.Invalidf("Group", cs...)
	}
	return store.OPAGroup{ID: newID(), TeamID: teamID, Name: name, Roles: roles, CreatedAt: now}, nil
}

// group returns a team's group by name as stored, without derived roles.
func (s *Service) group(ctx context.Context, q store.Queries, teamID, name string) (store.OPAGroup, error) {
	if !storable(name) {
		return store.OPAGroup{}, fault.Missing(name, "Group")
	}
	g, err := q.GetOPAGroupByName(ctx, teamID, name)
	return g, missing(err, name, "Group")
}

// Group returns a team's group by name; its roles include delegated_resource_admin while it
// owns a resource group.
func (s *Service) Group(ctx context.Context, teamID, name string) (store.OPAGroup, error) {
	g, err := s.group(ctx, s.Store, teamID, name)
	if err != nil {
		return g, err
	}
	gs, err := s.withDelegation(ctx, teamID, []store.OPAGroup{g})
	if err != nil {
		return g, err
	}
	return gs[0], nil
}

// ListGroups pages a team's groups.
func (s *Service) ListGroups(ctx context.Context, teamID string, p store.Page) ([]store.OPAGroup, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	groups, err := s.Store.ListOPAGroups(ctx, teamID, p)
	if err != nil {
		return nil, err
	}
	return s.withDelegation(ctx, teamID, groups)
}

// UpdateGroupRoles replaces a group's roles (end_user, pam_admin, resource_admin,
// security_admin); members hold the new roles from their next request on.
func (s *Service) UpdateGroupRoles(ctx context.Context, teamID, name string, roles []string) error {
	roles, bad := checkRoles(roles, groupUpdateRoles)
	if len(bad) > 0 {
		return fault.Invalidf("Group", bad...)
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		g, err := s.group(ctx, q, teamID, name)
		if err != nil {
			return err
		}
		return q.UpdateOPAGroupRoles(ctx, teamID, g.ID, roles)
	})
}

// DeleteGroup removes a group, its memberships and its ownership of resource groups; its former
// members lose at once the checkouts their policies no longer grant without it.
func (s *Service) DeleteGroup(ctx context.Context, teamID, name string) error {
	var members []string
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		g, err := s.group(ctx, q, teamID, name)
		if err != nil {
			return err
		}
		users, err := q.ListOPAGroupMembers(ctx, teamID, g.ID, store.Page{})
		if err != nil {
			return err
		}
		for _, u := range users {
			members = append(members, u.ID)
		}
		return q.DeleteOPAGroup(ctx, teamID, g.ID)
	})
	if err != nil {
		return err
	}
	return s.endHoldersLostCheckouts(ctx, teamID, members)
}

// AddMember puts a user (human or service) into a group; adding a member twice is no error.
func (s *Service) AddMember(ctx context.Context, teamID, groupName, userName string) error {
	_, err := s.membership(ctx, teamID, groupName, userName, store.Queries.AddOPAGroupMember)
	return err
}

// RemoveMember takes a user out of a group; it loses the group's roles on its next request, and
// at once the checkouts its policies no longer grant.
func (s *Service) RemoveMember(ctx context.Context, teamID, groupName, userName string) error {
	userID, err := s.membership(ctx, teamID, groupName, userName, store.Queries.RemoveOPAGroupMember)
	if err != nil {
		return err
	}
	return s.endLostCheckouts(ctx, teamID, userID)
}

// membership changes a user's membership of a group and returns the user's id.
func (s *Service) membership(ctx context.Context, teamID, groupName, userName string,
	change func(q store.Queries, ctx context.Context, teamID, groupID, userID string) error) (string, error) {
	var userID string
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		g, err := s.group(ctx, q, teamID, groupName)
		if err != nil {
			return err
		}
		if !storable(userName) {
			return fault.Missing(userName, "User")
		}
		u, err := q.GetOPAUserByName(ctx, teamID, userName)
		if err != nil {
			return missing(err, userName, "User")
		}
		userID = u.ID
		return missing(change(q, ctx, teamID, g.ID, u.ID), userName, "GroupMember")
	})
	return userID, err
}

// Members pages the users of a group.
func (s *Service) Members(ctx context.Context, teamID, groupName string, p store.Page) ([]store.OPAUser, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	g, err := s.group(ctx, s.Store, teamID, groupName)
	if err != nil {
		return nil, err
	}
	return s.Store.ListOPAGroupMembers(ctx, teamID, g.ID, p)
}

// withDelegation adds delegated_resource_admin to the roles of the groups owning a resource group.
func (s *Service) withDelegation(ctx context.Context, teamID string, groups []store.OPAGroup) ([]store.OPAGroup, error) {
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	owners, err := s.Store.ListOPAAdminGroupIDs(ctx, teamID, ids)
	if err != nil {
		return nil, err
	}
	for i, g := range groups {
		if slices.Contains(owners, g.ID) {
			roles := append(slices.Clone(g.Roles), RoleDelegatedResourceAdmin)
			slices.Sort(roles)
			groups[i].Roles = roles
		}
	}
	return groups, nil
}
