package pam

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// End-user availability of an AD account (the spec's ActiveDirectoryAccountStatus).
const (
	ADAvailable              = "AVAILABLE"
	ADCheckedOut             = "CHECKED_OUT"
	ADCheckedOutByOtherUser  = "CHECKED_OUT_BY_OTHER_USER"
	ADUnavailable            = "UNAVAILABLE"
	maxADAccountsListedToEnd = maxADDirectory
)

// ADAccess is an AD account a user holds some privilege on, as the end-user operations show it.
type ADAccess struct {
	ADAccount
	Domain           string
	Methods          []AccessMethod
	CheckoutRequired bool
	CheckoutSeconds  int
	Checkout         store.Checkout // zero when the account was never lent nor rotated
	Directory        store.DirectoryPassword
	LastCheckoutUser string
}

// Status is the account's availability to user.
func (a ADAccess) Status(userID string) string { return Availability(a.Checkout, userID) }

// Availability is an account's availability to a user as its lending state c says (an
// ADAccountStatus value; the other kinds show it in lower case).
func Availability(c store.Checkout, userID string) string {
	switch {
	case c.State == store.CheckoutCheckedOut && c.UserID == userID:
		return ADCheckedOut
	case c.State == store.CheckoutCheckedOut:
		return ADCheckedOutByOtherUser
	case c.State == store.CheckoutPendingCheckin:
		return ADUnavailable
	}
	return ADAvailable
}

// adAccessor evaluates many accounts for one user, reading the user's policies and each
// project's checkout settings once.
type adAccessor struct {
	s        *Service
	p        Principal
	policies []SecurityPolicy
	checkout map[string]CheckoutSettings
}

func (s *Service) adAccessor(ctx context.Context, p Principal) (*adAccessor, error) {
	policies, err := s.userPolicies(ctx, p.TeamID, p.UserID)
	return &adAccessor{s: s, p: p, policies: policies, checkout: map[string]CheckoutSettings{}}, err
}

// access returns what the user holds on the account, ok false when nothing.
func (x *adAccessor) access(ctx context.Context, a ADAccount, domain string) (ADAccess, bool, error) {
	if a.ProjectID == "" || len(x.policies) == 0 {
		return ADAccess{}, false, nil
	}
	co, err := cached(x.checkout, a.ProjectID, func() (CheckoutSettings, error) {
		return x.s.projectCheckoutSettings(ctx, x.s.Store, x.p.TeamID, a.ProjectID, ActiveDirectoryAccounts)
	})
	if err != nil {
		return ADAccess{}, false, err
	}
	methods := EvaluateAD(x.policies, x.p.UserID, a, domain, co)
	if len(methods) == 0 {
		return ADAccess{}, false, nil
	}
	out := ADAccess{ADAccount: a, Domain: domain, Methods: methods, CheckoutRequired: co.Applies(adKey(domain, a.SID)),
		CheckoutSeconds: co.DurationSeconds}
	for _, m := range methods {
		out.CheckoutSeconds = max(out.CheckoutSeconds, m.CheckoutSeconds)
	}
	return out, true, nil
}

// withState adds the account's checkout and directory record.
func (s *Service) withState(ctx context.Context, teamID string, a *ADAccess) error {
	c, err := s.Store.GetCheckout(ctx, teamID, a.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	a.Checkout = c
	if c.UserID != "" {
		if u, err := s.Store.GetOPAUser(ctx, teamID, c.UserID); err == nil {
			a.LastCheckoutUser = u.Name
		}
	}
	d, err := s.Store.GetDirectoryPassword(ctx, teamID, a.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	a.Directory = d
	return nil
}

// userConnectionAccess is every account of a connection the user holds a privilege on, by id.
func (s *Service) userConnectionAccess(ctx context.Context, x *adAccessor, conn store.ADConnection) ([]ADAccess, error) {
	recs, err := s.Store.ListADAccounts(ctx, conn.TeamID, store.ADAccountFilter{ConnectionID: conn.ID}, store.Page{Limit: maxADAccountsListedToEnd})
	if err != nil {
		return nil, err
	}
	as, err := adAccountsOf(recs)
	if err != nil {
		return nil, err
	}
	var out []ADAccess
	for _, a := range as {
		acc, ok, err := x.access(ctx, a, conn.Domain)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, acc)
		}
	}
	return out, nil
}

// ListUserADDomains returns the team's connections in which the user holds a privilege on some
// account, by id; domain keeps the one of that name, contains those whose name contains it
// (both ignoring case).
func (s *Service) ListUserADDomains(ctx context.Context, p Principal, domain, contains string, pg store.Page) ([]ADConnection, error) {
	if err := checkPage(pg); err != nil {
		return nil, err
	}
	if cs := causes(checkText("domain", domain), checkText("contains", contains)); len(cs) > 0 {
		return nil, fault.Invalidf("ListActiveDirectoryDomains", cs...)
	}
	conns, err := s.Store.ListADConnections(ctx, p.TeamID, store.Page{})
	if err != nil {
		return nil, err
	}
	x, err := s.adAccessor(ctx, p)
	if err != nil {
		return nil, err
	}
	out := []ADConnection{}
	for _, c := range conns {
		if (domain != "" && !strings.EqualFold(domain, c.Domain)) || !strings.Contains(strings.ToLower(c.Domain), strings.ToLower(contains)) {
			continue
		}
		acc, err := s.userConnectionAccess(ctx, x, c)
		if err != nil {
			return nil, err
		}
		if len(acc) > 0 {
			out = append(out, ADConnection{c})
		}
	}
	return pageByID(out, func(c ADConnection) string { return c.ID }, pg), nil
}

// UserADDomain returns a connection in which the user holds a privilege on some account.
func (s *Service) UserADDomain(ctx context.Context, p Principal, connID string) (ADConnection, error) {
	c, _, err := s.userConnection(ctx, p, connID)
	return ADConnection{c}, err
}

func (s *Service) userConnection(ctx context.Context, p Principal, connID string) (store.ADConnection, []ADAccess, error) {
	c, err := s.adConnection(ctx, s.Store, p.TeamID, connID)
	if err != nil {
		return c, nil, err
	}
	x, err := s.adAccessor(ctx, p)
	if err != nil {
		return c, nil, err
	}
	acc, err := s.userConnectionAccess(ctx, x, c)
	if err == nil && len(acc) == 0 {
		err = fault.Missing(connID, adConnectionNoun)
	}
	return c, acc, err
}

// ListUserADAccounts pages by id the accounts of a connection the user holds a privilege on;
// accountName keeps those of that sAMAccountName (ignoring case).
func (s *Service) ListUserADAccounts(ctx context.Context, p Principal, connID, accountName string, pg store.Page) ([]ADAccess, error) {
	if err := checkPage(pg); err != nil {
		return nil, err
	}
	if cs := causes(checkText("account_name", accountName)); len(cs) > 0 {
		return nil, fault.Invalidf("ListActiveDirectoryAccountsEndUser", cs...)
	}
	_, acc, err := s.userConnection(ctx, p, connID)
	if err != nil {
		return nil, err
	}
	acc = slices.DeleteFunc(acc, func(a ADAccess) bool {
		return accountName != "" && !strings.EqualFold(a.SAMAccountName, accountName)
	})
	acc = pageByID(acc, func(a ADAccess) string { return a.ID }, pg)
	for i := range acc {
		if err := s.withState(ctx, p.TeamID, &acc[i]); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// UserADAccount returns an account of a connection the user holds a privilege on, with its
// checkout and rotation state; NotFound for any other.
func (s *Service) UserADAccount(ctx context.Context, p Principal, connID, id string) (ADAccess, error) {
	conn, err := s.adConnection(ctx, s.Store, p.TeamID, connID)
	if err != nil {
		return ADAccess{}, err
	}
	a, err := adAccountIn(ctx, s.Store, p.TeamID, connID, id)
	if err != nil {
		return ADAccess{}, err
	}
	x, err := s.adAccessor(ctx, p)
	if err != nil {
		return ADAccess{}, err
	}
	acc, ok, err := x.access(ctx, a, conn.Domain)
	if err != nil {
		return ADAccess{}, err
	}
	if !ok {
		return ADAccess{}, fault.Missing(id, adAccountNoun)
	}
	return acc, s.withState(ctx, p.TeamID, &acc)
}

// RevealADAccountPassword reveals an account's password to a user holding privilege on it
// (RevealAccountPassword); the account must be of the connection.
func (s *Service) RevealADAccountPassword(ctx context.Context, p Principal, connID, id, privilege string) (Revealed, error) {
	if _, err := s.connectionADAccount(ctx, s.Store, p.TeamID, connID, id); err != nil {
		return Revealed{}, err
	}
	return s.RevealAccountPassword(ctx, p, ResourceADAccountPassword, id, privilege)
}

// RotateADAccountPassword rotates an account's password for a user holding rotate_password on it.
func (s *Service) RotateADAccountPassword(ctx context.Context, p Principal, connID, id string) error {
	if _, err := s.connectionADAccount(ctx, s.Store, p.TeamID, connID, id); err != nil {
		return err
	}
	return s.RotateAccountPassword(ctx, p, ResourceADAccountPassword, id)
}

// ADAccountQuery narrows the security admin's AD account lists.
type ADAccountQuery struct {
	Contains      string   // in the account name or UPN, ignoring case
	AccountType   string   // SHARED or INDIVIDUAL
	ConnectionIDs []string // any of these connections
}

// ListAllADAccounts pages by id the team's AD accounts (rgID "": all of them, placed or not;
// else those placed in the resource group's projects, for its security admins).
func (s *Service) ListAllADAccounts(ctx context.Context, teamID, rgID string, f ADAccountQuery, pg store.Page) ([]ADAccountView, error) {
	if err := checkPage(pg); err != nil {
		return nil, err
	}
	var cs []string
	if f.AccountType != "" && !slices.Contains(ADAccountTypes, f.AccountType) {
		cs = append(cs, "ad_account_type: must be one of "+listed(ADAccountTypes))
	}
	for _, id := range f.ConnectionIDs {
		if !storable(id) {
			cs = append(cs, "ad_connection_id: must be valid UTF-8 without NUL bytes")
		}
	}
	if cs = causes(append(cs, checkText("contains", f.Contains))...); len(cs) > 0 {
		return nil, fault.Invalidf("ListAllActiveDirectoryAccounts", cs...)
	}
	if rgID != "" {
		if _, err := s.teamResourceGroup(ctx, teamID, rgID); err != nil {
			return nil, err
		}
	}
	recs, err := s.Store.ListADAccounts(ctx, teamID, store.ADAccountFilter{}, store.Page{})
	if err != nil {
		return nil, err
	}
	as, err := adAccountsOf(recs)
	if err != nil {
		return nil, err
	}
	as = slices.DeleteFunc(as, func(a ADAccount) bool {
		return (rgID != "" && a.ResourceGroupID != rgID) || (f.AccountType != "" && a.AccountType != f.AccountType) ||
			(len(f.ConnectionIDs) > 0 && !slices.Contains(f.ConnectionIDs, a.ConnectionID)) ||
			(f.Contains != "" && !strings.Contains(strings.ToLower(a.SAMAccountName+"\x00"+a.UPN), strings.ToLower(f.Contains)))
	})
	return s.adViews(ctx, teamID, pageByID(as, func(a ADAccount) string { return a.ID }, pg))
}

// pageByID pages items already sorted by id ascending as a store would.
func pageByID[T any](items []T, id func(T) string, p store.Page) []T {
	if p.Descending {
		items = slices.Clone(items)
		slices.Reverse(items)
	}
	var out []T
	for _, x := range items {
		k := id(x)
		past := p.After == "" || (!p.Descending && k > p.After) || (p.Descending && k < p.After)
		if past && (p.Limit <= 0 || len(out) < p.Limit) {
			out = append(out, x)
		}
	}
	return out
}

// ADAccountState is an account's checkout and rotation state, for the admin's account details.
type ADAccountState struct {
	Checkout         store.Checkout
	Directory        store.DirectoryPassword
	LastCheckoutUser string
	// The next rotation keyward has planned, and why: zero when none.
	NextRotationAt     time.Time
	NextRotationReason string
}

// Reasons of a next scheduled rotation.
const (
	NextRotationCheckoutExpiry = "checkout_expiry"
	NextRotationRetry          = "retry_after_failure"
	NextRotationPeriodic       = "periodic_rotation"
)

// ADAccountCheckoutState returns an account's checkout and rotation state.
func (s *Service) ADAccountCheckoutState(ctx context.Context, teamID string, v ADAccountView) (ADAccountState, error) {
	a := ADAccess{ADAccount: v.ADAccount}
	if err := s.withState(ctx, teamID, &a); err != nil {
		return ADAccountState{}, err
	}
	out := ADAccountState{Checkout: a.Checkout, Directory: a.Directory, LastCheckoutUser: a.LastCheckoutUser}
	switch c := a.Checkout; {
	case c.State == store.CheckoutCheckedOut:
		out.NextRotationAt, out.NextRotationReason = c.ExpiresAt, NextRotationCheckoutExpiry
	case c.State == store.CheckoutPendingCheckin && c.RotationFails > 0 && c.InstructionID == "":
		out.NextRotationAt, out.NextRotationReason = c.ErrorAt.Add(retryDelay(c.RotationFails)), NextRotationRetry
	case c.State == store.CheckoutAvailable && !c.SuccessAt.IsZero() && v.ProjectID != "":
		pol, err := s.ProjectPasswordPolicy(ctx, teamID, v.ProjectID, ActiveDirectoryAccounts)
		if err != nil {
			return out, err
		}
		if pol.Rotates(adKey(v.Domain, v.SID)) && pol.PeriodicRotationSeconds > 0 {
			out.NextRotationAt = c.SuccessAt.Add(time.Duration(pol.PeriodicRotationSeconds) * time.Second)
			out.NextRotationReason = NextRotationPeriodic
		}
	}
	return out, nil
}

// ADRevealPrivilege is the privilege a reveal's access credential uses on an AD account:
// "password" (or none named) is reveal_password; the encrypted-ad-* credentials are the
// password checkouts for RDP and SSH logins.
func ADRevealPrivilege(credential string) string {
	switch credential {
	case "", "password":
		return PrivilegeRevealPassword
	case "encrypted-ad-rdp-password", "encrypted-ad-rdp-password-with-remote-access", "encrypted-ad-rdp-password-with-admin":
		return PrivilegePasswordCheckoutRDP
	case "encrypted-ad-ssh-password":
		return PrivilegePasswordCheckoutSSH
	}
	return ""
}
