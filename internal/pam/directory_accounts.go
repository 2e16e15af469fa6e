package pam

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Account settings a project may enable for an account (the spec's AccountSetting).
const (
	SettingCheckout         = "CHECKOUT"
	SettingRotationSchedule = "ROTATION_SCHEDULE"
)

// ADAccountView is an account with the names of what it refers to, as the lists show it.
// MatchedUserName is "" when the account matches nobody (or is shared).
type ADAccountView struct {
	ADAccount
	Domain            string
	MatchedUserName   string
	ProjectName       string
	ResourceGroupName string
	SettingsEnabled   []string
}

// connectionADAccount returns an account of a connection of the team.
func (s *Service) connectionADAccount(ctx context.Context, q store.Queries, teamID, connID, id string) (ADAccount, error) {
	if _, err := s.adConnection(ctx, q, teamID, connID); err != nil {
		return ADAccount{}, err
	}
	return adAccountIn(ctx, q, teamID, connID, id)
}

// adAccountIn returns an account of a connection already read.
func adAccountIn(ctx context.Context, q store.Queries, teamID, connID, id string) (ADAccount, error) {
	if !storable(id) {
		return ADAccount{}, fault.Missing(id, adAccountNoun)
	}
	r, err := q.GetADAccount(ctx, teamID, id)
	if err == nil && r.ConnectionID != connID {
		err = store.ErrNotFound
	}
	if err != nil {
		return ADAccount{}, missing(err, id, adAccountNoun)
	}
	return adAccountOf(r)
}

// ConnectionADAccount returns an account of a connection, with its names.
func (s *Service) ConnectionADAccount(ctx context.Context, teamID, connID, id string) (ADAccountView, error) {
	a, err := s.connectionADAccount(ctx, s.Store, teamID, connID, id)
	if err != nil {
		return ADAccountView{}, err
	}
	views, err := s.adViews(ctx, teamID, []ADAccount{a})
	if err != nil {
		return ADAccountView{}, err
	}
	return views[0], nil
}

// ListConnectionADAccounts pages a connection's accounts by id, wherever they are placed.
func (s *Service) ListConnectionADAccounts(ctx context.Context, teamID, connID string, p store.Page) ([]ADAccountView, error) {
	if _, err := s.adConnection(ctx, s.Store, teamID, connID); err != nil {
		return nil, err
	}
	return s.listADAccounts(ctx, teamID, store.ADAccountFilter{ConnectionID: connID}, p)
}

// ListProjectADAccounts pages a project's accounts by id; p.Contains filters by UPN, ignoring
// case. Team resource and security admins reach every project, delegated ones their groups'.
func (s *Service) ListProjectADAccounts(ctx context.Context, pr Principal, rgID, projectID string, p store.Page) ([]ADAccountView, error) {
	if _, err := s.projectInScope(ctx, pr, rgID, projectID, checkoutReaders...); err != nil {
		return nil, err
	}
	f := store.ADAccountFilter{ProjectID: projectID, UPNContains: p.Contains}
	p.Contains = ""
	if err := checkPage(store.Page{Contains: f.UPNContains}); err != nil {
		return nil, err
	}
	return s.listADAccounts(ctx, pr.TeamID, f, p)
}

// ProjectADAccount returns an account of a project.
func (s *Service) ProjectADAccount(ctx context.Context, pr Principal, rgID, projectID, id string) (ADAccountView, error) {
	if _, err := s.projectInScope(ctx, pr, rgID, projectID, checkoutReaders...); err != nil {
		return ADAccountView{}, err
	}
	if !storable(id) {
		return ADAccountView{}, fault.Missing(id, adAccountNoun)
	}
	r, err := s.Store.GetADAccount(ctx, pr.TeamID, id)
	if err == nil && r.ProjectID != projectID {
		err = store.ErrNotFound
	}
	if err != nil {
		return ADAccountView{}, missing(err, id, adAccountNoun)
	}
	a, err := adAccountOf(r)
	if err != nil {
		return ADAccountView{}, err
	}
	views, err := s.adViews(ctx, pr.TeamID, []ADAccount{a})
	if err != nil {
		return ADAccountView{}, err
	}
	return views[0], nil
}

func (s *Service) listADAccounts(ctx context.Context, teamID string, f store.ADAccountFilter, p store.Page) ([]ADAccountView, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	recs, err := s.Store.ListADAccounts(ctx, teamID, f, p)
	if err != nil {
		return nil, err
	}
	as, err := adAccountsOf(recs)
	if err != nil {
		return nil, err
	}
	return s.adViews(ctx, teamID, as)
}

// adViews names what the accounts refer to, reading each connection, user, project and
// project setting once.
func (s *Service) adViews(ctx context.Context, teamID string, as []ADAccount) ([]ADAccountView, error) {
	r := adNamer{s: s, teamID: teamID, domains: map[string]string{}, users: map[string]string{}, projects: map[string]store.Project{},
		rgs: map[string]string{}, checkout: map[string]CheckoutSettings{}, rotation: map[string]PasswordPolicy{}}
	out := make([]ADAccountView, len(as))
	for i, a := range as {
		v, err := r.view(ctx, a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

type adNamer struct {
	s                   *Service
	teamID              string
	domains, users, rgs map[string]string
	projects            map[string]store.Project
	checkout            map[string]CheckoutSettings
	rotation            map[string]PasswordPolicy
}

func (r *adNamer) view(ctx context.Context, a ADAccount) (ADAccountView, error) {
	v := ADAccountView{ADAccount: a, SettingsEnabled: []string{}}
	var err error
	if v.Domain, err = cached(r.domains, a.ConnectionID, func() (string, error) {
		c, err := r.s.Store.GetADConnection(ctx, r.teamID, a.ConnectionID)
		return c.Domain, err
	}); err != nil {
		return v, err
	}
	if id := a.Match.UserID(); id != "" && a.AccountType == ADIndividual {
		if v.MatchedUserName, err = cached(r.users, id, func() (string, error) {
			u, err := r.s.Store.GetOPAUser(ctx, r.teamID, id)
			return u.Name, ignoreMissing(err)
		}); err != nil {
			return v, err
		}
	}
	if a.ProjectID == "" {
		return v, nil
	}
	p, err := cached(r.projects, a.ProjectID, func() (store.Project, error) {
		p, err := r.s.Store.GetProject(ctx, r.teamID, a.ResourceGroupID, a.ProjectID)
		return p, ignoreMissing(err)
	})
	if err != nil {
		return v, err
	}
	v.ProjectName = p.Name
	if v.ResourceGroupName, err = cached(r.rgs, a.ResourceGroupID, func() (string, error) {
		rg, err := r.s.Store.GetResourceGroup(ctx, r.teamID, a.ResourceGroupID)
		return rg.Name, ignoreMissing(err)
	}); err != nil {
		return v, err
	}
	co, err := cached(r.checkout, a.ProjectID, func() (CheckoutSettings, error) {
		return r.s.projectCheckoutSettings(ctx, r.s.Store, r.teamID, a.ProjectID, ActiveDirectoryAccounts)
	})
	if err != nil {
		return v, err
	}
	if co.Applies(adKey(v.Domain, a.SID)) {
		v.SettingsEnabled = append(v.SettingsEnabled, SettingCheckout)
	}
	rot, err := cached(r.rotation, a.ProjectID, func() (PasswordPolicy, error) {
		pol, err := r.s.ProjectPasswordPolicy(ctx, r.teamID, a.ProjectID, ActiveDirectoryAccounts)
		return pol, err
	})
	if rot.Rotates(adKey(v.Domain, a.SID)) {
		v.SettingsEnabled = append(v.SettingsEnabled, SettingRotationSchedule)
	}
	return v, err
}

// cached returns m[key], reading it with read on first use.
func cached[T any](m map[string]T, key string, read func() (T, error)) (T, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	v, err := read()
	if err == nil {
		m[key] = v
	}
	return v, err
}

// ignoreMissing lets a reference to something deleted since the last sync show without a name.
func ignoreMissing(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
