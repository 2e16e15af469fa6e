package pam

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// ServerAccount is a discovered local account. Managed says whether keyward manages its password
// (managed.go). The rotation times are zero until keyward rotated its password.
type ServerAccount struct {
	store.ServerAccount
	Managed           bool
	PasswordChangedAt time.Time // the agent's last confirmed rotation
	PasswordErrorAt   time.Time // the agent's last failed one
	PasswordErrorType string
}

// accountViews adds to accounts what their rotations left.
func (s *Service) accountViews(ctx context.Context, teamID string, as []store.ServerAccount) ([]ServerAccount, error) {
	if len(as) == 0 {
		return []ServerAccount{}, nil
	}
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	cs, err := s.Store.ListCheckoutRotations(ctx, teamID, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]store.CheckoutRotation, len(cs))
	for _, c := range cs {
		byID[c.AccountID] = c
	}
	rotations := make([]store.CheckoutRotation, len(as))
	for i, a := range as {
		rotations[i] = byID[a.ID]
	}
	return s.rotatedViews(ctx, teamID, as, rotations)
}

// rotatedViews are the views of accounts whose rotations (rotations[i] is as[i]'s) were read.
func (s *Service) rotatedViews(ctx context.Context, teamID string, as []store.ServerAccount, rotations []store.CheckoutRotation) ([]ServerAccount, error) {
	out := make([]ServerAccount, len(as))
	projects := map[string]management{}
	for i, a := range as {
		m, ok := projects[a.ProjectID]
		if !ok {
			var err error
			if m, err = projectManagement(ctx, s.Store, teamID, a.ProjectID); err != nil {
				return nil, err
			}
			projects[a.ProjectID] = m
		}
		c := rotations[i]
		out[i] = ServerAccount{ServerAccount: a, Managed: m.manages(a.Login), PasswordChangedAt: c.SuccessAt,
			PasswordErrorAt: c.ErrorAt, PasswordErrorType: c.ErrorType}
	}
	return out, nil
}

// ListProjectServerAccounts pages a project's server accounts by id.
func (s *Service) ListProjectServerAccounts(ctx context.Context, ref ProjectRef, p store.Page) ([]ServerAccount, error) {
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return nil, err
	}
	return s.listAccounts(ctx, ref.TeamID, store.AccountFilter{ResourceGroupID: ref.ResourceGroupID, ProjectID: ref.ProjectID}, p)
}

// ListServerServerAccounts pages one server's accounts by id.
func (s *Service) ListServerServerAccounts(ctx context.Context, ref ProjectRef, serverID string, p store.Page) ([]ServerAccount, error) {
	if _, err := s.ProjectServer(ctx, ref, serverID); err != nil {
		return nil, err
	}
	return s.listAccounts(ctx, ref.TeamID, store.AccountFilter{ProjectID: ref.ProjectID, ServerID: serverID}, p)
}

// ListResourceGroupServerAccounts pages a resource group's server accounts by id.
func (s *Service) ListResourceGroupServerAccounts(ctx context.Context, teamID, rgID string, p store.Page) ([]ServerAccount, error) {
	if _, err := s.teamResourceGroup(ctx, teamID, rgID); err != nil {
		return nil, err
	}
	return s.listAccounts(ctx, teamID, store.AccountFilter{ResourceGroupID: rgID}, p)
}

// ListTeamServerAccounts pages every server account of the team by id.
func (s *Service) ListTeamServerAccounts(ctx context.Context, teamID string, p store.Page) ([]ServerAccount, error) {
	return s.listAccounts(ctx, teamID, store.AccountFilter{}, p)
}

func (s *Service) listAccounts(ctx context.Context, teamID string, f store.AccountFilter, p store.Page) ([]ServerAccount, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	as, rotations, err := s.Store.ListServerAccountsRotated(ctx, teamID, f, p)
	if err != nil {
		return nil, err
	}
	return s.rotatedViews(ctx, teamID, as, rotations)
}

// ProjectServerAccount returns one of a project's server accounts.
func (s *Service) ProjectServerAccount(ctx context.Context, ref ProjectRef, id string) (ServerAccount, error) {
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return ServerAccount{}, err
	}
	if !storable(id) {
		return ServerAccount{}, fault.Missing(id, "ServerAccount")
	}
	a, err := s.Store.GetServerAccount(ctx, ref.TeamID, ref.ProjectID, id)
	if err != nil {
		return ServerAccount{}, missing(err, id, "ServerAccount")
	}
	views, err := s.accountViews(ctx, ref.TeamID, []store.ServerAccount{a})
	if err != nil {
		return ServerAccount{}, err
	}
	return views[0], nil
}

// syncAccounts makes a server's stored accounts the reported logins while the project discovers
// accounts, and none while it does not; the lending state of an account that goes is retired.
func (s *Service) syncAccounts(ctx context.Context, q store.Queries, p store.Project, srv store.Server, logins []string) error {
	have, err := q.ListServerAccounts(ctx, srv.TeamID, store.AccountFilter{ServerID: srv.ID}, store.Page{})
	if err != nil {
		return err
	}
	want := map[string]bool{}
	if p.ServerAccountManagement {
		for _, l := range logins {
			want[l] = true
		}
	}
	now := s.Clock.Now()
	var gone []string
	for _, a := range have {
		if want[a.Login] {
			delete(want, a.Login)
			continue
		}
		if err := q.DeleteServerAccount(ctx, srv.ID, a.ID); err != nil {
			return err
		}
		gone = append(gone, a.ID)
	}
	if err := retireCheckouts(ctx, q, srv.TeamID, gone, now); err != nil {
		return err
	}
	for _, l := range logins { // in reported order, so ids follow the agent's listing
		if !want[l] {
			continue
		}
		delete(want, l)
		if err := q.CreateServerAccount(ctx, store.ServerAccount{ID: newID(), TeamID: srv.TeamID, ResourceGroupID: srv.ResourceGroupID,
			ProjectID: srv.ProjectID, ServerID: srv.ID, Login: l, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}
