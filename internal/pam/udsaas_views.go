package pam

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// ServiceAccountView is a UD or SaaS account with what the lists and details show beside it:
// its app's names, the project settings enabled for it and its checkout state.
type ServiceAccountView struct {
	ServiceAccount
	AppName         string // the SaaS app instance's name, or UDAppName
	LoginURL        string
	LogoURL         string
	SettingsEnabled []string
	Checkout        ServiceAccountCheckout
}

// ServiceAccountCheckout is an account's lending state as one caller sees it, read from the
// checkout row the shared accounts of every kind keep (store.Checkout); an account never
// checked out has none and is available.
type ServiceAccountCheckout struct {
	Required     bool   // the project's checkout settings apply to the account
	Status       string // the spec's ResourceAvailabilityStatus
	ExpiresAt    time.Time
	LastUserName string
	SuccessAt    time.Time // last password change reported
	ErrorAt      time.Time // last failed password change
	ErrorType    string
}

// accountKind is the settings kind of a store kind of service account.
func accountKind(kind string) AccountKind { return AccountKind(kind) }

func (s *Service) listServiceAccounts(ctx context.Context, teamID, viewerID string, f store.ServiceAccountFilter, p store.Page) ([]ServiceAccountView, error) {
	if err := checkPage(store.Page{Contains: f.NameContains, After: p.After}); err != nil {
		return nil, err
	}
	recs, err := s.Store.ListServiceAccounts(ctx, teamID, f, p)
	if err != nil {
		return nil, err
	}
	as, err := serviceAccountsOf(recs)
	if err != nil {
		return nil, err
	}
	return s.serviceAccountViews(ctx, teamID, viewerID, as)
}

// serviceAccountViews names the accounts' apps and reads their projects' settings and their
// checkouts, each app and project once. viewerID is the end user looking ("" for an admin, who
// sees a checkout as checked_out whoever holds it).
func (s *Service) serviceAccountViews(ctx context.Context, teamID, viewerID string, as []ServiceAccount) ([]ServiceAccountView, error) {
	apps := map[string]SaaSApp{}
	checkout := map[string]CheckoutSettings{}
	rotation := map[string]PasswordPolicy{}
	users := map[string]string{}
	checkouts := map[string]map[string]store.Checkout{}
	out := make([]ServiceAccountView, len(as))
	for i, a := range as {
		v := ServiceAccountView{ServiceAccount: a, AppName: UDAppName, SettingsEnabled: []string{}, Checkout: ServiceAccountCheckout{Status: "available"}}
		if a.AppID != "" {
			app, err := cached(apps, a.AppID, func() (SaaSApp, error) {
				r, err := s.Store.GetSaaSApp(ctx, teamID, a.AppID)
				if err != nil {
					return SaaSApp{ID: a.AppID}, ignoreMissing(err)
				}
				return saasAppOf(r)
			})
			if err != nil {
				return nil, err
			}
			v.AppName, v.LoginURL, v.LogoURL = app.Name, app.LoginURL, app.LogoURL
		}
		if a.ProjectID != "" {
			key := a.ProjectID + "/" + a.Kind
			co, err := cached(checkout, key, func() (CheckoutSettings, error) {
				return s.projectCheckoutSettings(ctx, s.Store, teamID, a.ProjectID, accountKind(a.Kind))
			})
			if err != nil {
				return nil, err
			}
			rot, err := cached(rotation, key, func() (PasswordPolicy, error) {
				return s.ProjectPasswordPolicy(ctx, teamID, a.ProjectID, accountKind(a.Kind))
			})
			if err != nil {
				return nil, err
			}
			if v.Checkout.Required = co.Applies(a.ID); v.Checkout.Required {
				v.SettingsEnabled = append(v.SettingsEnabled, SettingCheckout)
			}
			if a.Managed && rot.Rotates(a.ID) {
				v.SettingsEnabled = append(v.SettingsEnabled, SettingRotationSchedule)
			}
		}
		if a.ProjectID != "" {
			rows, err := cached(checkouts, a.ProjectID, func() (map[string]store.Checkout, error) {
				return s.projectCheckouts(ctx, teamID, a.ProjectID)
			})
			if err != nil {
				return nil, err
			}
			if row, ok := rows[a.ID]; ok {
				if err := s.fillServiceAccountCheckout(ctx, teamID, viewerID, &v.Checkout, row, users); err != nil {
					return nil, err
				}
			}
		}
		out[i] = v
	}
	return out, nil
}

// projectCheckouts are the checkout records of a project's accounts, by account id: read once
// per project for a page of accounts.
func (s *Service) projectCheckouts(ctx context.Context, teamID, projectID string) (map[string]store.Checkout, error) {
	rows, err := s.Store.ListCheckouts(ctx, teamID, store.CheckoutFilter{ProjectID: projectID}, store.Page{})
	out := make(map[string]store.Checkout, len(rows))
	for _, r := range rows {
		out[r.AccountID] = r
	}
	return out, err
}

// fillServiceAccountCheckout shows an account's checkout record in c, as viewerID (an end user,
// or "" for an admin) sees it. This is the one place the details' checkout fields come from.
func (s *Service) fillServiceAccountCheckout(ctx context.Context, teamID, viewerID string, c *ServiceAccountCheckout, row store.Checkout,
	users map[string]string) error {
	c.SuccessAt, c.ErrorAt, c.ErrorType = row.SuccessAt, row.ErrorAt, row.ErrorType
	switch row.State {
	case store.CheckoutCheckedOut:
		c.Status, c.ExpiresAt = "checked_out", row.ExpiresAt
		if viewerID != "" && row.UserID != viewerID {
			c.Status = "checked_out_by_other_user"
		}
	case store.CheckoutPendingCheckin:
		c.Status = "unavailable"
	}
	if row.UserID == "" {
		return nil
	}
	var err error
	c.LastUserName, err = cached(users, row.UserID, func() (string, error) {
		u, err := s.Store.GetOPAUser(ctx, teamID, row.UserID)
		return u.Name, ignoreMissing(err)
	})
	return err
}

// ListProjectServiceAccounts pages a project's accounts of a kind by id; p.Contains filters by
// name, managed (when not nil) by whether keyward may rotate the password.
func (s *Service) ListProjectServiceAccounts(ctx context.Context, pr Principal, kind, rgID, projectID string, managed *bool, p store.Page) ([]ServiceAccountView, error) {
	if _, err := s.projectInScope(ctx, pr, rgID, projectID, RoleResourceAdmin, RoleDelegatedResourceAdmin); err != nil {
		return nil, err
	}
	f := store.ServiceAccountFilter{Kind: kind, ResourceGroupID: rgID, ProjectID: projectID, Managed: managed, NameContains: p.Contains}
	p.Contains = ""
	return s.listServiceAccounts(ctx, pr.TeamID, "", f, p)
}

// ProjectServiceAccount returns an account of a kind in a project.
func (s *Service) ProjectServiceAccount(ctx context.Context, pr Principal, kind, rgID, projectID, id string) (ServiceAccountView, error) {
	if _, err := s.projectInScope(ctx, pr, rgID, projectID, checkoutReaders...); err != nil {
		return ServiceAccountView{}, err
	}
	a, err := s.serviceAccount(ctx, pr.TeamID, kind, id)
	if err == nil && a.ProjectID != projectID {
		err = fault.Missing(id, serviceAccountNoun)
	}
	if err != nil {
		return ServiceAccountView{}, err
	}
	views, err := s.serviceAccountViews(ctx, pr.TeamID, "", []ServiceAccount{a})
	if err != nil {
		return ServiceAccountView{}, err
	}
	return views[0], nil
}

func (s *Service) serviceAccount(ctx context.Context, teamID, kind, id string) (ServiceAccount, error) {
	return serviceAccountIn(ctx, s.Store, teamID, kind, id)
}

// serviceAccountIn is a team's account of a kind, read through q.
func serviceAccountIn(ctx context.Context, q store.Queries, teamID, kind, id string) (ServiceAccount, error) {
	if !storable(id) {
		return ServiceAccount{}, fault.Missing(id, serviceAccountNoun)
	}
	r, err := q.GetServiceAccount(ctx, teamID, id)
	if err == nil && r.Kind != kind {
		err = store.ErrNotFound
	}
	if err != nil {
		return ServiceAccount{}, missing(err, id, serviceAccountNoun)
	}
	return serviceAccountOf(r)
}

// ListAllServiceAccounts pages the team's assigned accounts of a kind by id, in one resource
// group when rgID is not "" (the security admins' all_… lists).
func (s *Service) ListAllServiceAccounts(ctx context.Context, teamID, kind, rgID string, managed *bool, p store.Page) ([]ServiceAccountView, error) {
	if rgID != "" {
		if !storable(rgID) {
			return nil, fault.Missing(rgID, "ResourceGroup")
		}
		if _, err := s.Store.GetResourceGroup(ctx, teamID, rgID); err != nil {
			return nil, missing(err, rgID, "ResourceGroup")
		}
	}
	f := store.ServiceAccountFilter{Kind: kind, ResourceGroupID: rgID, Assigned: true, Managed: managed, NameContains: p.Contains}
	p.Contains = ""
	return s.listServiceAccounts(ctx, teamID, "", f, p)
}
