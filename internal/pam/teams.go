package pam

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// NewTeam describes a team to create with its first service user, which an admin group holding
// every admin role makes able to set up the rest. KeyID and KeySecret are generated when empty.
type NewTeam struct {
	Name        string
	ServiceUser string // "keyward-admin" when empty
	KeyID       string
	KeySecret   string
}

// CreatedTeam is a new team with its first service user and key; Key.Secret is shown once.
type CreatedTeam struct {
	Team        store.Team
	ServiceUser store.OPAUser
	AdminGroup  store.OPAGroup
	Key         NewKey
}

// adminGroupName names a new team's admin group, which holds adminRoles.
const adminGroupName = "keyward-admins"

var adminRoles = []string{RolePAMAdmin, RoleResourceAdmin, RoleSecurityAdmin}

// CreateTeam creates a team with its first service user, admin group and key.
func (s *Service) CreateTeam(ctx context.Context, in NewTeam) (CreatedTeam, error) {
	var out CreatedTeam
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		var err error
		out, err = s.CreateTeamIn(ctx, q, in)
		return err
	})
	return out, err
}

// CreateTeamIn is CreateTeam inside the caller's transaction (bootstrap creates its org and
// team together).
func (s *Service) CreateTeamIn(ctx context.Context, q store.Queries, in NewTeam) (CreatedTeam, error) {
	if in.ServiceUser == "" {
		in.ServiceUser = "keyward-admin"
	}
	cs := causes(checkResourceName("name", in.Name), checkPrincipalName("service_user", in.ServiceUser))
	if (in.KeyID == "") != (in.KeySecret == "") {
		cs = append(cs, "key: give both the key id and its secret, or neither")
	}
	if in.KeyID != "" {
		cs = append(cs, causes(checkText("key_id", in.KeyID), checkText("key_secret", in.KeySecret))...)
	}
	if len(cs) > 0 {
		return CreatedTeam{}, fault.Invalidf("Team", cs...)
	}
	now := s.Clock.Now()
	team := store.Team{ID: ids.New(ids.Team), Name: in.Name, CreatedAt: now}
	if err := q.CreateTeam(ctx, team); err != nil {
		return CreatedTeam{}, taken(err, "team", in.Name, "server")
	}
	user, err := newServiceUser(team.ID, in.ServiceUser, now)
	if err != nil {
		return CreatedTeam{}, err
	}
	group, err := newGroup(team.ID, adminGroupName, adminRoles, now)
	if err != nil {
		return CreatedTeam{}, err
	}
	key := newKey(team.ID, user.ID, in.KeyID, in.KeySecret, now)
	err = errors.Join(q.CreateOPAUser(ctx, user), q.CreateOPAGroup(ctx, group))
	if err == nil {
		err = errors.Join(q.AddOPAGroupMember(ctx, team.ID, group.ID, user.ID), q.CreateOPAKey(ctx, key.OPAKey))
	}
	if err != nil {
		return CreatedTeam{}, err
	}
	return CreatedTeam{Team: team, ServiceUser: user, AdminGroup: group, Key: key}, nil
}

// Team returns a team by name.
func (s *Service) Team(ctx context.Context, name string) (store.Team, error) {
	if !storable(name) {
		return store.Team{}, fault.Missing(name, "Team")
	}
	t, err := s.Store.GetTeamByName(ctx, name)
	return t, missing(err, name, "Team")
}

// Teams returns every team by name.
func (s *Service) Teams(ctx context.Context) ([]store.Team, error) {
	return s.Store.ListTeams(ctx)
}
