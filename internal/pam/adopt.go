package pam

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/store"
)

// AdoptLegacyKeys gives the API keys a team got before keys belonged to users (databases made
// before migration 0004) a service user of the name they were issued to, in the team's admin
// group, so that they keep working now that roles come from groups. It is a no-op once done.
func (s *Service) AdoptLegacyKeys(ctx context.Context, q store.Queries, teamName string) error {
	team, err := q.GetTeamByName(ctx, teamName)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	keys, err := q.ListOPAKeys(ctx, team.ID, "", store.Page{})
	if err != nil || len(keys) == 0 {
		return err
	}
	group, err := q.GetOPAGroupByName(ctx, team.ID, adminGroupName)
	if errors.Is(err, store.ErrNotFound) {
		group, err = newGroup(team.ID, adminGroupName, adminRoles, s.Clock.Now())
		if err == nil {
			err = q.CreateOPAGroup(ctx, group)
		}
	}
	if err != nil {
		return err
	}
	for _, k := range keys {
		legacy, err := q.GetServiceUserKey(ctx, team.ID, k.ID)
		if err != nil {
			return err
		}
		user, err := q.GetOPAUserByName(ctx, team.ID, legacy.UserName)
		if errors.Is(err, store.ErrNotFound) {
			user, err = newServiceUser(team.ID, legacy.UserName, s.Clock.Now())
			if err == nil {
				err = q.CreateOPAUser(ctx, user)
			}
		}
		if err == nil {
			err = errors.Join(q.AddOPAGroupMember(ctx, team.ID, group.ID, user.ID), q.SetOPAKeyUser(ctx, team.ID, k.ID, user.ID))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
