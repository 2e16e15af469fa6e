package seed

import (
	"context"
	"errors"
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
		g, err := r.Store.GetOPAGroupByName(ctx, team.ID, it.Name)
		if errors.Is(err, store.ErrNotFound) {
			roles := it.Roles
			if roles == nil {
				roles = []string{}
			}
			g, err = r.PAM.CreateGroup(ctx, team.ID, it.Name, roles)
			if err == nil {
				r.made("groups")
			}
		}
		if err != nil {
			return err
		}
		if err := addMembers(ctx, r, team, g, it.Members); err != nil {
			return err
		}
	}
	return nil
}

// addMembers adds to g the members it lacks.
func addMembers(ctx context.Context, r *run, team store.Team, g store.OPAGroup, members []string) error {
	if len(members) == 0 {
		return nil
	}
	have, err := groupMembers(ctx, r.Service, team, g)
	if err != nil {
		return err
	}
	for _, m := range members {
		if slices.Contains(have, m) {
			continue
		}
		if err := r.PAM.AddMember(ctx, team.ID, g.Name, m); err != nil {
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
