package seed

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// projectSettings are a project's checkout settings and password policies, per kind of account;
// a kind left out keeps OPA's defaults. A load sets only what the project was never given, after
// the team's other sections (the lists of UD and SaaS accounts name accounts the later sections
// feed).
type projectSettings struct {
	Server             *kindSettings `json:"server,omitempty"`
	ActiveDirectory    *kindSettings `json:"activeDirectory,omitempty"`
	UniversalDirectory *kindSettings `json:"universalDirectory,omitempty"`
	SaaSApp            *kindSettings `json:"saasApp,omitempty"`
}

// kindSettings are the settings of one kind of account. Their account lists name server
// accounts by name, AD accounts as DOMAIN\SID, UD and SaaS accounts by their Okta id.
type kindSettings struct {
	Checkout       *checkoutSettings `json:"checkout,omitempty"`
	PasswordPolicy *passwordPolicy   `json:"passwordPolicy,omitempty"`
}

type checkoutSettings struct {
	Required        bool     `json:"required"`
	DurationSeconds int      `json:"durationSeconds,omitempty"`
	IncludeList     []string `json:"includeList,omitempty"`
	ExcludeList     []string `json:"excludeList,omitempty"`
}

type passwordPolicy struct {
	MinLength               int      `json:"minLength"`
	MaxLength               int      `json:"maxLength"`
	Upper                   bool     `json:"upper,omitempty"`
	Lower                   bool     `json:"lower,omitempty"`
	Digits                  bool     `json:"digits,omitempty"`
	Punctuation             bool     `json:"punctuation,omitempty"`
	ExcludeSymbols          []string `json:"excludeSymbols,omitempty"`
	RequireFromEachSet      *bool    `json:"requireFromEachSet,omitempty"`
	EnablePeriodicRotation  bool     `json:"enablePeriodicRotation,omitempty"`
	PeriodicRotationSeconds int      `json:"periodicRotationSeconds,omitempty"`
	ManagedAccounts         []string `json:"managedAccounts,omitempty"`
	SelectorMode            string   `json:"selectorMode,omitempty"`
	RotationInclude         []string `json:"rotationInclude,omitempty"`
	RotationExclude         []string `json:"rotationExclude,omitempty"`
}

// kinds pairs each kind of account with its field.
func (ps *projectSettings) kinds() []struct {
	name string
	kind pam.AccountKind
	set  **kindSettings
} {
	return []struct {
		name string
		kind pam.AccountKind
		set  **kindSettings
	}{{"server", pam.ServerAccounts, &ps.Server}, {"activeDirectory", pam.ActiveDirectoryAccounts, &ps.ActiveDirectory},
		{"universalDirectory", pam.UniversalDirectoryAccounts, &ps.UniversalDirectory}, {"saasApp", pam.SaaSAppAccounts, &ps.SaaSApp}}
}

// serviceKind is the service account kind whose lists name accounts by Okta id ("" for none).
func serviceKind(k pam.AccountKind) string {
	switch k {
	case pam.UniversalDirectoryAccounts:
		return store.ServiceAccountUD
	case pam.SaaSAppAccounts:
		return store.ServiceAccountSaaS
	}
	return ""
}

// accountIDs maps between the Okta ids and the ids of the team's accounts of a kind.
type accountIDs struct{ toOkta, toID map[string]string }

func teamAccountIDs(ctx context.Context, s *Service, team store.Team, kind string) (accountIDs, error) {
	m := accountIDs{toOkta: map[string]string{}, toID: map[string]string{}}
	if kind == "" {
		return m, nil
	}
	recs, err := s.Store.ListServiceAccounts(ctx, team.ID, store.ServiceAccountFilter{Kind: kind}, store.Page{})
	for _, r := range recs {
		m.toOkta[r.ID] = r.ExternalID
		if _, ok := m.toID[r.ExternalID]; !ok {
			m.toID[r.ExternalID] = r.ID
		}
	}
	return m, err
}

// ids turns a list's Okta ids into account ids; an unknown one is bad input naming the field.
func (m accountIDs) ids(kind string, field string, list []string) ([]string, error) {
	if kind == "" || list == nil {
		return list, nil
	}
	out := make([]string, len(list))
	for i, id := range list {
		var ok bool
		if out[i], ok = m.toID[id]; !ok {
			return nil, invalid(fmt.Sprintf("%s[%d]: %s is not an account of the team", field, i, id))
		}
	}
	return out, nil
}

// okta turns a list's account ids into Okta ids, leaving out accounts that are gone.
func (m accountIDs) okta(kind string, list []string) []string {
	if kind == "" {
		return list
	}
	var out []string
	for _, id := range list {
		if ext, ok := m.toOkta[id]; ok {
			out = append(out, ext)
		}
	}
	return out
}

// loadProjectSettings sets what the project was never given.
func loadProjectSettings(ctx context.Context, r *run, team store.Team, projectID, at string, ps projectSettings) error {
	for _, k := range ps.kinds() {
		set := *k.set
		if set == nil {
			continue
		}
		field := at + "." + k.name
		checkout, policy, err := r.PAM.StoredProjectSettings(ctx, team.ID, projectID, k.kind)
		if err != nil {
			return err
		}
		m, err := teamAccountIDs(ctx, r.Service, team, serviceKind(k.kind))
		if err != nil {
			return err
		}
		sk := serviceKind(k.kind)
		if c := set.Checkout; c != nil && checkout == nil {
			in := pam.CheckoutSettingsInput{Required: &c.Required, IncludeList: c.IncludeList, ExcludeList: c.ExcludeList}
			if c.DurationSeconds != 0 {
				in.DurationSeconds = &c.DurationSeconds
			}
			if in.IncludeList, err = m.ids(sk, field+".checkout.includeList", c.IncludeList); err != nil {
				return err
			}
			if in.ExcludeList, err = m.ids(sk, field+".checkout.excludeList", c.ExcludeList); err != nil {
				return err
			}
			if err := r.PAM.PutProjectCheckoutSettings(ctx, team.ID, projectID, k.kind, in); err != nil {
				return within(field+".checkout", err)
			}
			r.made("projectSettings")
		}
		if p := set.PasswordPolicy; p != nil && policy == nil {
			in := pam.PasswordPolicyInput{MinLength: &p.MinLength, MaxLength: &p.MaxLength, CharacterOptions: true,
				Upper: p.Upper, Lower: p.Lower, Digits: p.Digits, Punctuation: p.Punctuation, ExcludeSymbols: p.ExcludeSymbols,
				RequireFromEachSet: p.RequireFromEachSet, EnablePeriodicRotation: &p.EnablePeriodicRotation,
				ManagedAccounts: p.ManagedAccounts}
			if p.PeriodicRotationSeconds != 0 {
				in.PeriodicRotationSeconds = &p.PeriodicRotationSeconds
			}
			if p.SelectorMode != "" {
				in.SelectorMode = &p.SelectorMode
			}
			if in.RotationInclude, err = m.ids(sk, field+".passwordPolicy.rotationInclude", p.RotationInclude); err != nil {
				return err
			}
			if in.RotationExclude, err = m.ids(sk, field+".passwordPolicy.rotationExclude", p.RotationExclude); err != nil {
				return err
			}
			if _, err := r.PAM.PutProjectPasswordPolicy(ctx, team.ID, projectID, k.kind, in); err != nil {
				return within(field+".passwordPolicy", err)
			}
			r.made("projectSettings")
		}
	}
	return nil
}

// exportProjectSettings lists what the project was given; nil when nothing.
func exportProjectSettings(ctx context.Context, s *Service, team store.Team, projectID string) (*projectSettings, error) {
	var out projectSettings
	any := false
	for _, k := range out.kinds() {
		checkout, policy, err := s.PAM.StoredProjectSettings(ctx, team.ID, projectID, k.kind)
		if err != nil {
			return nil, err
		}
		if checkout == nil && policy == nil {
			continue
		}
		sk := serviceKind(k.kind)
		m, err := teamAccountIDs(ctx, s, team, sk)
		if err != nil {
			return nil, err
		}
		set := &kindSettings{}
		if c := checkout; c != nil {
			set.Checkout = &checkoutSettings{Required: c.Required, DurationSeconds: c.DurationSeconds,
				IncludeList: m.okta(sk, c.IncludeList), ExcludeList: m.okta(sk, c.ExcludeList)}
		}
		if p := policy; p != nil {
			each := p.Password.RequireFromEachSet
			set.PasswordPolicy = &passwordPolicy{MinLength: p.Password.MinLength, MaxLength: p.Password.MaxLength,
				Upper: p.Password.Upper, Lower: p.Password.Lower, Digits: p.Password.Digits, Punctuation: p.Password.Punctuation,
				ExcludeSymbols: p.Password.ExcludeSymbols, RequireFromEachSet: &each, EnablePeriodicRotation: p.EnablePeriodicRotation,
				PeriodicRotationSeconds: p.PeriodicRotationSeconds, ManagedAccounts: p.ManagedAccounts, SelectorMode: p.SelectorMode,
				RotationInclude: m.okta(sk, p.RotationInclude), RotationExclude: m.okta(sk, p.RotationExclude)}
		}
		*k.set, any = set, true
	}
	if !any {
		return nil, nil
	}
	return &out, nil
}
