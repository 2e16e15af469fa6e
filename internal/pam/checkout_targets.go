package pam

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Checkout resource types of the kinds of account no agent rotates. The Universal Directory and
// SaaS values are the spec's CheckoutResourceType; the spec has no AD value, so keyward names
// AD checkouts with one of its own (docs/opa.md: where AD checkouts appear).
const (
	ResourceADAccountPassword   = "active_directory_account_password_login"
	ResourceUDAccountPassword   = "okta_universal_directory_account_password_login"
	ResourceSaaSAccountPassword = "managed_saas_app_account_password_login"
)

// specCheckoutTypes are the resource types the spec's checkout lists may show.
var specCheckoutTypes = []string{ResourceSaaSAccountPassword, ResourceUDAccountPassword, ResourceServerAccountPassword}

// PasswordApplier says how a rotation's new password reaches an account.
type PasswordApplier int

const (
	// ApplyByAgent hands the password to the account's server agent as an instruction; the
	// rotation stays pending until the agent reports.
	ApplyByAgent PasswordApplier = iota
	// ApplyInDirectory sets the password in keyward's password directory (directory_checkout.go)
	// inside the rotation itself: the rotation is done, or failed, when it returns.
	ApplyInDirectory
)

// TargetAccount is an account that can be checked out and rotated, as the checkout state
// machine and the rotation see it, whatever its kind.
type TargetAccount struct {
	ID              string
	ResourceType    string // the checkout resource type, stored on its checkout
	TeamID          string
	ResourceGroupID string
	ProjectID       string
	// Name is what the checkout lists show as resource_name (login, sAMAccountName, …).
	Name string
	// SettingsKind picks the project's checkout settings and password policy that apply.
	SettingsKind AccountKind
	// SettingsKey is how those settings' include/exclude and rotation lists name the account.
	SettingsKey string
	Apply       PasswordApplier
	// Unmanaged: keyward does not manage the account's password (server accounts outside the
	// project's managed accounts, managed.go): it is neither revealed nor rotated.
	Unmanaged bool
	// Server accounts only: the server whose agent applies the password, and its hostname.
	ServerID string
	Hostname string
	Login    string
	// UD and SaaS accounts: the name of the account's app ("Okta" for UD accounts).
	AppName string
}

// CheckoutTarget is one kind of account keyward checks out and rotates. A kind plugs in by
// implementing it and adding itself to checkoutTargets under its resource type; reveal, check-out,
// check-in, expiry, rotation (retries, periodic), the checkout lists and the check-in and rotate
// operations then work for it unchanged.
type CheckoutTarget interface {
	// Lookup returns a team's account of this kind by id: fault.Missing when there is none, or
	// when it is in no project (nothing to check out).
	Lookup(ctx context.Context, q store.Queries, teamID, accountID string) (TargetAccount, error)
	// AccessMethods are the privileges the user holds on the account through the security
	// policies, each with whether using it needs a checkout (the project's settings of
	// t.SettingsKind for t.SettingsKey) and for how long.
	AccessMethods(ctx context.Context, s *Service, userID string, t TargetAccount) ([]AccessMethod, error)
}

// checkoutTargets are the kinds of account by checkout resource type.
var checkoutTargets = map[string]CheckoutTarget{
	ResourceServerAccountPassword: serverTarget{},
	ResourceADAccountPassword:     adTarget{},
	ResourceUDAccountPassword:     udTarget,
	ResourceSaaSAccountPassword:   saasTarget,
}

// targetOf returns the kind of a resource type; field names the request field for a bad one.
func targetOf(resourceType, noun string) (CheckoutTarget, error) {
	if t, ok := checkoutTargets[resourceType]; ok {
		return t, nil
	}
	return nil, fault.Invalidf(noun, "resource_type: must be one of "+listed(slices.Sorted(mapKeys(checkoutTargets))))
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// lookupTarget returns the account a checkout is of.
func lookupTarget(ctx context.Context, q store.Queries, c store.Checkout) (TargetAccount, error) {
	t, ok := checkoutTargets[c.ResourceType]
	if !ok {
		return TargetAccount{}, fault.Missing(c.AccountID, "CheckedOutResource")
	}
	return t.Lookup(ctx, q, c.TeamID, c.AccountID)
}

// serverTarget is a server account: its password is applied by the server's agent.
type serverTarget struct{}

func (serverTarget) Lookup(ctx context.Context, q store.Queries, teamID, id string) (TargetAccount, error) {
	a, err := accountByID(ctx, q, teamID, id)
	if err != nil {
		return TargetAccount{}, err
	}
	managed, err := accountManaged(ctx, q, a)
	return TargetAccount{ID: a.ID, ResourceType: ResourceServerAccountPassword, TeamID: a.TeamID, ResourceGroupID: a.ResourceGroupID,
		ProjectID: a.ProjectID, Name: a.Login, SettingsKind: ServerAccounts, SettingsKey: a.Login, Apply: ApplyByAgent,
		Unmanaged: !managed, ServerID: a.ServerID, Hostname: a.Hostname, Login: a.Login}, err
}

func (serverTarget) AccessMethods(ctx context.Context, s *Service, userID string, t TargetAccount) ([]AccessMethod, error) {
	return s.serverAccessMethods(ctx, Principal{TeamID: t.TeamID, UserID: userID}, t)
}

// ensureCheckout makes an account's first lending state (available, no password yet) on first use.
func (s *Service) ensureCheckout(ctx context.Context, t TargetAccount) error {
	err := s.Store.CreateCheckout(ctx, store.Checkout{AccountID: t.ID, ResourceType: t.ResourceType, TeamID: t.TeamID,
		ResourceGroupID: t.ResourceGroupID, ProjectID: t.ProjectID, State: store.CheckoutAvailable})
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// RevealAccountPassword reveals the password of an account of any kind to a user who holds
// privilege on it (Forbidden otherwise). When the method needs a checkout, the reveal checks the
// account out (or finds it out to the same user already); out to someone else, or being rotated:
// PreconditionFailed. An account whose password keyward never set gets one first: at once for a
// directory account, through its agent (the caller tries again) for a server account.
func (s *Service) RevealAccountPassword(ctx context.Context, p Principal, resourceType, accountID, privilege string) (Revealed, error) {
	t, method, err := s.heldOn(ctx, p, resourceType, "RevealCredentialsRequest", accountID, privilege)
	if err != nil {
		return Revealed{}, err
	}
	return s.revealTarget(ctx, p, t, method)
}

// heldOn looks up a team's account of a resource type (noun names the request for a bad type)
// and the access method through which the user holds privilege on it: Forbidden when none.
func (s *Service) heldOn(ctx context.Context, p Principal, resourceType, noun, accountID, privilege string) (TargetAccount, AccessMethod, error) {
	kind, err := targetOf(resourceType, noun)
	if err != nil {
		return TargetAccount{}, AccessMethod{}, err
	}
	t, err := kind.Lookup(ctx, s.Store, p.TeamID, accountID)
	if err != nil {
		return t, AccessMethod{}, err
	}
	methods, err := kind.AccessMethods(ctx, s, p.UserID, t)
	if err != nil {
		return t, AccessMethod{}, err
	}
	i := slices.IndexFunc(methods, func(m AccessMethod) bool { return m.Privilege == privilege })
	if i < 0 || privilege == "" {
		return t, AccessMethod{}, fault.Forbiddenf("The selected user access method is not granted to the user for this account")
	}
	return t, methods[i], nil
}

// inCheckout runs fn in a transaction on the account's lending state, made on first use; a lost
// race for the account is OPA's 412.
func (s *Service) inCheckout(ctx context.Context, t TargetAccount, fn func(q store.Queries, c store.Checkout) error) error {
	if err := s.ensureCheckout(ctx, t); err != nil {
		return err
	}
	return staleAsBusy(s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := q.GetCheckout(ctx, t.TeamID, t.ID)
		if err != nil {
			return err
		}
		return fn(q, c)
	}))
}

func (s *Service) revealTarget(ctx context.Context, p Principal, t TargetAccount, method AccessMethod) (Revealed, error) {
	var c store.Checkout
	setting := false
	err := s.inCheckout(ctx, t, func(q store.Queries, cur store.Checkout) error {
		var err error
		c, setting = cur, false
		if c.Password == "" && t.Unmanaged {
			return fault.PreconditionFailedf("No password is stored for this account yet: a user holding update_password sets it")
		}
		if c.Password == "" && c.State == store.CheckoutAvailable {
			if c, err = s.startRotation(ctx, q, c); err != nil {
				return err
			}
			// Queued for the agent, or failed: kept, and the caller tries again.
			if setting = c.State != store.CheckoutAvailable; setting {
				return nil
			}
		}
		if !method.CheckoutRequired {
			return revealable(c, p.UserID)
		}
		next, err := checkOut(c, p.UserID, s.Clock.Now(), time.Duration(method.CheckoutSeconds)*time.Second)
		if err != nil || next == c {
			return err
		}
		if err := s.saveCheckout(ctx, q, c, next); err != nil {
			return err
		}
		c = next
		c.Version++
		return schedule(ctx, q, WorkCheckoutExpiry, c.AccountID, c.ExpiresAt, c.ExpiresAt)
	})
	if err == nil && setting {
		err = fault.PreconditionFailedf("The resource's password is being set; try again shortly")
	}
	if err != nil {
		return Revealed{}, err
	}
	pw, err := s.unseal(c.Password)
	out := Revealed{Password: pw}
	if c.State == store.CheckoutCheckedOut {
		out.ExpiresAt = c.ExpiresAt
	}
	return out, err
}

// RotateAccountPassword rotates an account's password at a user's request, for a user holding
// rotate_password on it (Forbidden otherwise). The user's own checkout is checked in first
// (self); anyone else's, or a rotation under way: PreconditionFailed.
func (s *Service) RotateAccountPassword(ctx context.Context, p Principal, resourceType, accountID string) error {
	t, _, err := s.heldOn(ctx, p, resourceType, "RotatePasswordRequest", accountID, PrivilegeRotatePassword)
	if err != nil {
		return err
	}
	return s.rotateTarget(ctx, t, p.UserID)
}

// rotateTarget starts the rotation of a managed account. A checkout held by self (when named) is
// checked in first; anyone else's, or a rotation under way: PreconditionFailed.
func (s *Service) rotateTarget(ctx context.Context, t TargetAccount, self string) error {
	if t.Unmanaged {
		return errUnmanagedTarget(t)
	}
	return s.inCheckout(ctx, t, func(q store.Queries, c store.Checkout) error {
		if self != "" && c.State == store.CheckoutCheckedOut && c.UserID == self {
			return s.checkInAndRotate(ctx, q, c, CheckinSelf, self, s.Clock.Now())
		}
		_, err := s.startRotation(ctx, q, c)
		return err
	})
}

// errUnmanagedTarget is the refusal to rotate an account whose password keyward does not manage.
func errUnmanagedTarget(t TargetAccount) error {
	if t.ResourceType == ResourceServerAccountPassword {
		return errUnmanaged()
	}
	return fault.PreconditionFailedf("The account's password cannot be rotated: its app does not support password rotation (lcm_sync_possible is false)")
}
