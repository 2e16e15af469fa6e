package pam

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

// ServiceAccountRefView is a UD or SaaS account named by id in a project's settings (the
// spec's ServiceAccountSettingNameObject), as read: Missing when the project holds no account
// of that kind and id, else with its username and, for a SaaS account, its app's name.
type ServiceAccountRefView struct {
	ID       string
	Missing  bool
	AppName  string
	Username string
}

// ServiceAccountCheckoutSettings are a project's checkout settings for one kind of service
// account, the lists resolved. The settings themselves are the kind's CheckoutSettings, whose
// lists hold account ids (set through SetCheckoutSettings).
type ServiceAccountCheckoutSettings struct {
	Required        bool
	DurationSeconds int
	IncludeList     []ServiceAccountRefView
	ExcludeList     []ServiceAccountRefView
}

// ServiceAccountCheckoutSettings returns a project's checkout settings for a kind of service
// account (store.ServiceAccountUD or store.ServiceAccountSaaS).
func (s *Service) ServiceAccountCheckoutSettings(ctx context.Context, p Principal, kind, rgID, projectID string) (ServiceAccountCheckoutSettings, error) {
	set, err := s.CheckoutSettings(ctx, p, rgID, projectID, accountKind(kind))
	if err != nil {
		return ServiceAccountCheckoutSettings{}, err
	}
	refs, err := s.resolveServiceAccountRefs(ctx, p.TeamID, kind, projectID, set.IncludeList, set.ExcludeList)
	return ServiceAccountCheckoutSettings{Required: set.Required, DurationSeconds: set.DurationSeconds, IncludeList: refs[0],
		ExcludeList: refs[1]}, err
}

// ServiceAccountPasswordPolicy is a project's password policy for a kind of service account,
// its rotation lists resolved.
type ServiceAccountPasswordPolicy struct {
	PasswordPolicy
	Include, Exclude []ServiceAccountRefView
}

// ServiceAccountPasswordPolicy returns a project's password policy for a kind of service account.
func (s *Service) ServiceAccountPasswordPolicy(ctx context.Context, p Principal, kind, rgID, projectID string) (ServiceAccountPasswordPolicy, error) {
	pol, err := s.PasswordPolicy(ctx, p, rgID, projectID, accountKind(kind))
	if err != nil {
		return ServiceAccountPasswordPolicy{}, err
	}
	return s.resolveServiceAccountPolicy(ctx, p.TeamID, kind, projectID, pol)
}

// SetServiceAccountPasswordPolicy replaces a project's password policy for a kind of service
// account; the rotation lists (in.RotationInclude, in.RotationExclude) hold account ids.
func (s *Service) SetServiceAccountPasswordPolicy(ctx context.Context, p Principal, kind, rgID, projectID string, in PasswordPolicyInput) (ServiceAccountPasswordPolicy, error) {
	pol, err := s.SetPasswordPolicy(ctx, p, rgID, projectID, accountKind(kind), in)
	if err != nil {
		return ServiceAccountPasswordPolicy{}, err
	}
	return s.resolveServiceAccountPolicy(ctx, p.TeamID, kind, projectID, pol)
}

func (s *Service) resolveServiceAccountPolicy(ctx context.Context, teamID, kind, projectID string, pol PasswordPolicy) (ServiceAccountPasswordPolicy, error) {
	refs, err := s.resolveServiceAccountRefs(ctx, teamID, kind, projectID, pol.RotationInclude, pol.RotationExclude)
	return ServiceAccountPasswordPolicy{PasswordPolicy: pol, Include: refs[0], Exclude: refs[1]}, err
}

// resolveServiceAccountRefs resolves lists of account ids with one read of the accounts.
func (s *Service) resolveServiceAccountRefs(ctx context.Context, teamID, kind, projectID string, lists ...[]string) ([][]ServiceAccountRefView, error) {
	var ids []string
	for _, l := range lists {
		ids = append(ids, l...)
	}
	found := map[string]ServiceAccountView{}
	if len(ids) > 0 {
		recs, err := s.Store.ListServiceAccounts(ctx, teamID, store.ServiceAccountFilter{Kind: kind, ProjectID: projectID}, store.Page{IDs: ids})
		if err != nil {
			return nil, err
		}
		as, err := serviceAccountsOf(recs)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			v := ServiceAccountView{ServiceAccount: a}
			if a.AppID != "" {
				r, err := s.Store.GetSaaSApp(ctx, teamID, a.AppID)
				if err := ignoreMissing(err); err != nil {
					return nil, err
				}
				v.AppName = r.Name
			}
			found[a.ID] = v
		}
	}
	out := make([][]ServiceAccountRefView, len(lists))
	for i, l := range lists {
		out[i] = make([]ServiceAccountRefView, len(l))
		for j, id := range l {
			v, ok := found[id]
			out[i][j] = ServiceAccountRefView{ID: id, Missing: !ok, AppName: v.AppName, Username: v.Username}
		}
	}
	return out, nil
}
