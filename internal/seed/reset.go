package seed

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// Event types of resets, deletes and loads (docs/events.md).
const (
	EventOrgReset     = "org.reset"
	EventTeamReset    = "team.reset"
	EventServerReset  = "server.reset"
	EventPoolDeleted  = "pool.deleted"
	EventAgentDeleted = "agent.deleted"
	EventSeedLoaded   = "seed.loaded"
)

// record writes an event of a reset, delete or load in its transaction: after the deletions,
// so that a reset's own event is the first of what comes after it.
func (s *Service) record(ctx context.Context, q store.Queries, c events.Change) error {
	return s.Events.Record(ctx, q, c)
}

// forgetCredentials makes this process refuse the API tokens a reset deleted from the next
// request on (the credentials service remembers verified tokens for a moment).
func (s *Service) forgetCredentials() {
	if s.Auth != nil {
		s.Auth.ForgetCredentials()
	}
}

// adminGroupName is the group a team is created with: a team reset keeps it with its service
// users and their keys, so that the team's credentials go on working.
const adminGroupName = pam.AdminGroupName

// ResetOrg empties the org in one transaction: pools with their agents, jobs and registration
// tokens, service apps, API tokens and events go; the org stays. Its admin tokens stay unless
// keepAdminTokens is false: then every token goes and a new admin token is returned (shown
// once), for the org must keep one way in.
func (s *Service) ResetOrg(ctx context.Context, orgID string, keepAdminTokens bool) (string, error) {
	var token string
	err := s.inTx(ctx, func(tx *Service) error {
		if err := tx.Store.ResetOrg(ctx, orgID, keepAdminTokens); err != nil {
			return err
		}
		if !keepAdminTokens {
			var err error
			if _, token, err = tx.Auth.CreateAPIToken(ctx, orgID, "admin (after reset)", true, s.Now()); err != nil {
				return err
			}
		}
		return tx.record(ctx, tx.Store, events.Change{Type: EventOrgReset, Org: orgID, Resource: "org/" + orgID,
			Summary: "org reset", After: map[string]bool{"keptAdminTokens": keepAdminTokens}})
	})
	s.forgetCredentials()
	return token, err
}

// ResetTeam empties the team in one transaction, leaving it as created: its admin group, the
// service users in that group and their keys stay; everything else of the team goes (users,
// groups, resource groups, projects, servers, accounts, checkouts with their due work, policies,
// AD connections). The admin group gets its roles back. keepKeys false also replaces the kept
// service users' keys with one new key of the first of them, returned (its secret shown once).
func (s *Service) ResetTeam(ctx context.Context, name string, keepKeys bool) (store.Team, *CreatedKey, error) {
	team, err := s.PAM.Team(ctx, name)
	if err != nil {
		return team, nil, err
	}
	var key *CreatedKey
	err = s.inTx(ctx, func(tx *Service) error {
		if err := tx.resetTeam(ctx, tx.Store, team); err != nil {
			return err
		}
		if !keepKeys {
			var err error
			if key, err = tx.replaceKeys(ctx, team); err != nil {
				return err
			}
		}
		return tx.record(ctx, tx.Store, events.Change{Type: EventTeamReset, Team: team.ID, Resource: "team/" + team.Name,
			Summary: "team " + team.Name + " reset", After: map[string]bool{"keptAdminTokens": keepKeys}})
	})
	return team, key, err
}

// replaceKeys deletes the keys (and their tokens) of the admin group's service users and gives
// the first of them a new one.
func (s *Service) replaceKeys(ctx context.Context, team store.Team) (*CreatedKey, error) {
	g, err := s.Store.GetOPAGroupByName(ctx, team.ID, adminGroupName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fault.Invalidf("keepAdminToken", "keepAdminToken: the team has no "+adminGroupName+" group whose keys could be replaced")
	}
	if err != nil {
		return nil, err
	}
	members, err := s.Store.ListOPAGroupMembers(ctx, team.ID, g.ID, store.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	first := ""
	for _, u := range members {
		if u.Type != store.UserService {
			continue
		}
		if first == "" {
			first = u.Name
		}
		keys, err := s.Store.ListOPAKeys(ctx, team.ID, u.ID, store.Page{Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if err := s.Store.DeleteOPAKey(ctx, team.ID, u.ID, k.ID); err != nil {
				return nil, err
			}
		}
	}
	if first == "" {
		return nil, fault.Invalidf("keepAdminToken", "keepAdminToken: the team's "+adminGroupName+" group holds no service user to give a key")
	}
	k, err := s.PAM.CreateKey(ctx, team.ID, first)
	if err != nil {
		return nil, err
	}
	return &CreatedKey{Team: team.Name, User: first, ID: k.ID, Secret: k.Secret}, nil
}

func (s *Service) resetTeam(ctx context.Context, q store.Queries, team store.Team) error {
	keep := ""
	g, err := q.GetOPAGroupByName(ctx, team.ID, adminGroupName)
	switch {
	case err == nil:
		keep = g.ID
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if err := q.ResetTeam(ctx, team.ID, keep); err != nil {
		return err
	}
	if keep == "" {
		return nil
	}
	return q.UpdateOPAGroupRoles(ctx, team.ID, keep, pam.AdminRoles())
}

// ResetServer empties the whole server in one transaction, for throwaway runs: every org but
// the caller's is deleted and the caller's is reset (keeping its admin tokens); every team but
// the default one is deleted and the default one is reset; work items, used client assertions
// and the release catalog go, and the catalog gets its built-in releases back. Signing keys
// stay. Refused unless AllowServerReset.
func (s *Service) ResetServer(ctx context.Context, callerOrgID string) error {
	if !s.AllowServerReset {
		return fault.Forbiddenf("a server reset is disabled: start keyward serve with --allow-server-reset to allow it")
	}
	now := s.Pools.Clock.Now()
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		orgs, err := q.ListOrgs(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if o.ID == callerOrgID {
				err = q.ResetOrg(ctx, o.ID, true)
			} else {
				err = q.DeleteOrg(ctx, o.ID)
			}
			if err != nil {
				return err
			}
		}
		teams, err := q.ListTeams(ctx)
		if err != nil {
			return err
		}
		for _, t := range teams {
			if t.Name == s.DefaultTeam {
				err = s.resetTeam(ctx, q, t)
			} else {
				err = q.DeleteTeam(ctx, t.ID)
			}
			if err != nil {
				return err
			}
		}
		if err := q.ResetServerWide(ctx); err != nil {
			return err
		}
		for _, r := range agentpool.DefaultReleases(now) {
			if err := q.PutRelease(ctx, r); err != nil {
				return err
			}
		}
		return s.record(ctx, q, events.Change{Type: EventServerReset, Resource: "server", Summary: "server reset"})
	})
	s.forgetCredentials()
	return err
}

// DeletePool deletes a pool of the org with its agents, its update jobs (whatever their
// status: a running job stops, its agents being gone) and its registration tokens.
func (s *Service) DeletePool(ctx context.Context, orgID, poolID string) error {
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.Pools.Pool(ctx, q, orgID, poolID); err != nil {
			return err
		}
		if err := q.DeletePool(ctx, orgID, poolID); err != nil {
			return err
		}
		return s.record(ctx, q, events.Change{Type: EventPoolDeleted, Org: orgID, Resource: "pool/" + poolID,
			Summary: "pool " + poolID + " deleted with its agents and update jobs"})
	})
	return err
}

// DeleteAgent deletes an agent of the pool. The pool's update jobs go on without it: its
// progress rows go, the other agents' stay.
func (s *Service) DeleteAgent(ctx context.Context, orgID, poolID, agentID string) error {
	return s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.Pools.Pool(ctx, q, orgID, poolID); err != nil {
			return err
		}
		err := q.DeleteAgent(ctx, orgID, poolID, agentID)
		if errors.Is(err, store.ErrNotFound) {
			return fault.Missing(agentID, "Agent")
		}
		if err != nil {
			return err
		}
		return s.record(ctx, q, events.Change{Type: EventAgentDeleted, Org: orgID, Resource: "agent/" + agentID,
			Summary: "agent " + agentID + " deleted from pool " + poolID})
	})
}
