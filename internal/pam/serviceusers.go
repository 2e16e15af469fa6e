package pam

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// CreateServiceUser adds an active service user to a team.
func (s *Service) CreateServiceUser(ctx context.Context, teamID, name string) (store.OPAUser, error) {
	u, err := newServiceUser(teamID, name, s.Clock.Now())
	if err != nil {
		return u, err
	}
	return u, taken(s.Store.CreateOPAUser(ctx, u), "service user", name, "team")
}

// newServiceUser is a valid, active service user record, not yet stored.
func newServiceUser(teamID, name string, now time.Time) (store.OPAUser, error) {
	if c := checkPrincipalName("name", name); c != "" {
		return store.OPAUser{}, fault.Invalidf("ServiceUser", c)
	}
	return store.OPAUser{ID: newID(), TeamID: teamID, Name: name, Type: store.UserService, Status: store.UserActive, CreatedAt: now}, nil
}

// ServiceUser returns a team's service user by name.
func (s *Service) ServiceUser(ctx context.Context, teamID, name string) (store.OPAUser, error) {
	u, err := s.User(ctx, teamID, name)
	if err == nil && u.Type != store.UserService {
		return store.OPAUser{}, fault.Missing(name, "ServiceUser")
	}
	return u, err
}

// ListServiceUsers pages a team's service users.
func (s *Service) ListServiceUsers(ctx context.Context, teamID string, p store.Page) ([]store.OPAUser, error) {
	return s.ListUsers(ctx, teamID, store.UserService, p)
}

// UpdateServiceUser sets a service user's status, ACTIVE or DISABLED, for the caller, who cannot
// disable itself (as at OPA). The body names the user too (the spec requires it); renaming is not
// supported, so it must be the current name. A disabled service user's tokens stop working at
// once and its keys mint no new ones.
func (s *Service) UpdateServiceUser(ctx context.Context, caller Principal, name, newName, status string) (store.OPAUser, error) {
	teamID := caller.TeamID
	cs := causes(checkStatus(status, false))
	if status == "" {
		cs = append(cs, "status: is required")
	}
	if newName != "" && newName != name {
		cs = append(cs, "name: a service user cannot be renamed")
	}
	if len(cs) > 0 {
		return store.OPAUser{}, fault.Invalidf("ServiceUser", cs...)
	}
	u, err := s.ServiceUser(ctx, teamID, name)
	if err != nil {
		return store.OPAUser{}, err
	}
	if u.ID == caller.UserID && status != store.UserActive {
		return store.OPAUser{}, fault.Invalidf("ServiceUser", "status: a user cannot disable its own account")
	}
	return s.setStatus(ctx, teamID, name, store.UserService, status)
}
