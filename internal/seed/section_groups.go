package seed

import (
	"context"
	"slices"

	"github.com/keyward/keyward/internal/store"
)

// group is a team's group with its roles and members (user names, human or service); matched
// by name. A group that exists keeps its roles; members the document names are added to it.
type group struct {
	Name    string   `json:"name"`
	Roles   []string `json:"roles,omitempty"`
	Members []string `json:"members,omitempty"`
}

func loadGroups(ctx context.Context, r *run, team store.Team, items []group) error {
	for _, it := range items {
		found, err := exists(r.Store.GetOPAGroupByName(ctx, team.ID, it.Name))
		if err != nil {
			return err
		}
		if !found {
			roles := it.Roles
			if roles == nil {
				roles = []string{}
			}
			if _, err := r.PAM.CreateGroup(ctx, team.ID, it.Name, roles); err != nil {
				return err
			}
			r.made("groups")
		}
		if err := addMembers(ctx, r, team, it); err != nil {
			return err
		}
	}
	return nil
}

// addMembers adds the members the group lacks.
func addMembers(ctx context.Context, r *run, team store.Team, it group) error {
	if len(it.Members) == 0 {
		return nil
	}
	g, err := r.Store.GetOPAGroupByName(ctx, team.ID, it.Name)
	if err != nil {
		return err
	}
	have, err := groupMembers(ctx, r.Service, team, g)
	if err != nil {
		return err
	}
	for _, m := range it.Members {
		if slices.Contains(have, m) {
			continue
		}
		if err := r.PAM.AddMember(ctx, team.ID, it.Name, m); err != nil {
			return err
		}
		r.made("members")
	}
	return nil
}

func groupMembers(ctx context.Context, s *Service, team store.Team, g store.OPAGroup) ([]string, error) {
	us, err := pageAll(func(p store.Page) ([]store.OPAUser, error) {
		return s.Store.ListOPAGroupMembers(ctx, team.ID, g.ID, p)
	}, func(u store.OPAUser) string { return u.ID })
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Name
	}
	slices.Sort(names)
	return names, err
}

func exportGroups(ctx context.Context, s *Service, team store.Team) ([]group, error) {
	gs, err := pageAll(func(p store.Page) ([]store.OPAGroup, error) {
		return s.Store.ListOPAGroups(ctx, team.ID, p)
	}, func(g store.OPAGroup) string { return g.ID })
	if err != nil {
		return nil, err
	}
	out := make([]group, len(gs))
	for i, g := range gs {
		members, err := groupMembers(ctx, s, team, g)
		if err != nil {
			return nil, err
		}
		out[i] = group{Name: g.Name, Roles: g.Roles, Members: members}
	}
	return byName(out, func(g group) string { return g.Name }), nil
}
