package pam

import (
	"context"
	"maps"
	"slices"

	"github.com/keyward/keyward/internal/store"
)

// Account describes a server account as evaluation sees it: where it is (team, resource group,
// project, server and the server's labels) and which account it is. The server-account
// aggregate fills it in.
type Account struct {
	TeamID          string
	ResourceGroupID string
	ProjectID       string
	ServerID        string
	ServerLabels    map[string]string
	AccountID       string
	AccountName     string
}

// AccessMethod is a privilege a user holds on an account, whether using it needs a checkout,
// and for how long a checkout lasts.
type AccessMethod struct {
	Privilege        string
	CheckoutRequired bool
	CheckoutSeconds  int
}

// AccessMethods returns the access methods a user holds on a server account through the active
// policies of its groups in the account's resource group. A user not active holds none.
func (s *Service) AccessMethods(ctx context.Context, userID string, acct Account) ([]AccessMethod, error) {
	return s.principalAccessMethods(ctx, Principal{TeamID: acct.TeamID, UserID: userID}, acct)
}

// principalAccessMethods is AccessMethods for a principal, whose groups its request may have
// read already (Principal.Known).
func (s *Service) principalAccessMethods(ctx context.Context, p Principal, acct Account) ([]AccessMethod, error) {
	policies, err := s.principalPolicies(ctx, p)
	if err != nil {
		return nil, err
	}
	checkout, err := s.projectCheckoutSettings(ctx, s.Store, acct.TeamID, acct.ProjectID, ServerAccounts)
	if err != nil {
		return nil, err
	}
	return Evaluate(policies, acct, checkout), nil
}

// userPolicies are the security policies naming one of the user's groups; none for a user not
// active.
func (s *Service) userPolicies(ctx context.Context, teamID, userID string) ([]SecurityPolicy, error) {
	return s.principalPolicies(ctx, Principal{TeamID: teamID, UserID: userID})
}

// principalPolicies is userPolicies for a principal.
func (s *Service) principalPolicies(ctx context.Context, p Principal) ([]SecurityPolicy, error) {
	ids, active, err := s.activeGroupIDs(ctx, p)
	if err != nil || !active {
		return nil, err
	}
	stored, err := s.Store.ListSecurityPoliciesOfGroups(ctx, p.TeamID, ids)
	if err != nil {
		return nil, err
	}
	policies := make([]SecurityPolicy, 0, len(stored))
	for _, sp := range stored {
		p, err := policyOf(ctx, s.Store, sp, []store.OPAGroup{})
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	return policies, nil
}

// Evaluate is the decision itself, without I/O: the privileges that the active policies (all
// already known to name one of the user's groups) grant on the account, each once, sorted.
// Checkout is required as the project's settings say for the account's name; its duration is
// the project's, or the longest override of the rules granting the privilege.
func Evaluate(policies []SecurityPolicy, acct Account, checkout CheckoutSettings) []AccessMethod {
	held := map[string]AccessMethod{}
	for _, p := range policies {
		if !p.Active || p.ResourceGroupID != acct.ResourceGroupID {
			continue
		}
		for _, r := range p.Rules {
			if r.ResourceType != ServerBasedResource || !slices.ContainsFunc(r.Servers, func(s ServerSelector) bool { return s.matches(acct) }) {
				continue
			}
			grantRule(held, r, serverPrivileges, checkout, acct.AccountName)
		}
	}
	return sortedMethods(held)
}

// grantRule adds the privileges of kind a rule grants to held: checkout required as the settings say
// for the account's settings key, for the longest duration of the rules granting the privilege.
func grantRule(held map[string]AccessMethod, r PolicyRule, kind []string, checkout CheckoutSettings, key string) {
	for _, priv := range r.Privileges {
		if !priv.Granted || !slices.Contains(kind, priv.Type) {
			continue
		}
		m, ok := held[priv.Type]
		if !ok {
			m = AccessMethod{Privilege: priv.Type, CheckoutRequired: checkout.Applies(key)}
		}
		seconds := checkout.DurationSeconds
		if r.OverrideCheckoutSeconds != nil {
			seconds = *r.OverrideCheckoutSeconds
		}
		m.CheckoutSeconds = max(m.CheckoutSeconds, seconds)
		held[priv.Type] = m
	}
}

func sortedMethods(held map[string]AccessMethod) []AccessMethod {
	out := make([]AccessMethod, 0, len(held))
	for _, k := range slices.Sorted(maps.Keys(held)) {
		out = append(out, held[k])
	}
	return out
}

// matches reports whether the selector picks the account.
func (s ServerSelector) matches(acct Account) bool {
	switch s.Kind {
	case SelectIndividualServer:
		return s.ServerID == acct.ServerID
	case SelectIndividualServerAccount:
		return s.ServerID == acct.ServerID && s.AccountName == acct.AccountName
	case SelectServerLabel:
		for k, v := range s.Labels {
			if got, ok := acct.ServerLabels[k]; !ok || got != v {
				return false
			}
		}
		return s.AccountSelector != AccountsUsername || slices.Contains(s.Usernames, acct.AccountName)
	}
	return false
}
