package pam

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// checkoutAdmins hold the admin checkout operations: team-wide, or delegated in their resource groups.
var checkoutAdmins = []string{RoleResourceAdmin, RoleSecurityAdmin, RoleDelegatedResourceAdmin, RoleDelegatedSecurityAdmin}

// Access credentials a reveal may name, and the privilege each needs.
var revealPrivileges = map[string]string{
	"encrypted-ssh-password": PrivilegePasswordCheckoutSSH,
	"encrypted-rdp-password": PrivilegePasswordCheckoutRDP,
	"password":               PrivilegeRevealPassword,
}

// CheckedOut is a checkout as the lists show it, with the account it is of.
type CheckedOut struct {
	store.Checkout
	ServerID    string
	Hostname    string
	AccountName string
	AppName     string // UD and SaaS accounts
	Username    string // who checked it out
}

// accountByID is a team's server account by id, with its server's hostname.
func accountByID(ctx context.Context, q store.Queries, teamID, id string) (store.ServerAccount, error) {
	if !storable(id) {
		return store.ServerAccount{}, fault.Missing(id, "ServerAccount")
	}
	as, err := q.ListServerAccounts(ctx, teamID, store.AccountFilter{}, store.Page{IDs: []string{id}})
	if err != nil {
		return store.ServerAccount{}, err
	}
	if len(as) == 0 {
		return store.ServerAccount{}, fault.Missing(id, "ServerAccount")
	}
	return as[0], nil
}

// ServerAccountAccess returns the access methods a user holds on one of the team's server
// accounts: none on an account keyward does not manage (managed.go).
func (s *Service) ServerAccountAccess(ctx context.Context, p Principal, accountID string) ([]AccessMethod, error) {
	t, err := serverTarget{}.Lookup(ctx, s.Store, p.TeamID, accountID)
	if err != nil {
		return nil, err
	}
	return s.serverAccessMethods(ctx, p, t)
}

// serverAccessMethods is ServerAccountAccess on an account already looked up.
func (s *Service) serverAccessMethods(ctx context.Context, p Principal, t TargetAccount) ([]AccessMethod, error) {
	if t.Unmanaged {
		return nil, nil
	}
	srv, err := s.Store.GetServer(ctx, t.TeamID, t.ProjectID, t.ServerID)
	if err != nil {
		return nil, missing(err, t.ServerID, "Server")
	}
	return s.principalAccessMethods(ctx, p, Account{TeamID: t.TeamID, ResourceGroupID: t.ResourceGroupID, ProjectID: t.ProjectID,
		ServerID: t.ServerID, ServerLabels: srv.Labels, AccountID: t.ID, AccountName: t.Login})
}

// UserAccessMethods returns the access methods a user, named, holds on one of the team's
// server accounts (keyward's admin view: the spec has no such list for server accounts).
func (s *Service) UserAccessMethods(ctx context.Context, teamID, userName, accountID string) ([]AccessMethod, error) {
	if !storable(userName) {
		return nil, fault.Missing(userName, "User")
	}
	u, err := s.Store.GetOPAUserByName(ctx, teamID, userName)
	if err != nil {
		return nil, missing(err, userName, "User")
	}
	return s.ServerAccountAccess(ctx, Principal{TeamID: teamID, UserID: u.ID}, accountID)
}

// AccessCredential names the reveal's access credential a privilege serves, "" for none.
func AccessCredential(privilege string) string {
	for cred, priv := range revealPrivileges {
		if priv == privilege {
			return cred
		}
	}
	return ""
}

// Revealed is a revealed password and the checkout it was revealed under (zero when the
// account needs none).
type Revealed struct {
	Password  string
	ExpiresAt time.Time
}

// RevealServerAccountPassword reveals a server account's password to a user through the access
// credential it names. Without a policy granting it: Forbidden. When checkout applies, the reveal
// checks the account out (or finds it already out to the same user); out to someone else, or
// being rotated: PreconditionFailed. An account whose password keyward never set gets one first.
func (s *Service) RevealServerAccountPassword(ctx context.Context, p Principal, accountID, credential string) (Revealed, error) {
	t, method, err := s.heldOn(ctx, p, ResourceServerAccountPassword, "ServerAccountsRevealCredentialsRequest", accountID, revealPrivileges[credential])
	if err != nil {
		return Revealed{}, err
	}
	return s.revealTarget(ctx, p, t, method)
}

// staleAsBusy words a lost race for an account (another request changed it first) as OPA's 412.
func staleAsBusy(err error) error {
	if errors.Is(err, store.ErrStale) {
		return fault.PreconditionFailedf("The resource changed concurrently; try again")
	}
	return err
}

// CheckoutQuery narrows a checkout list.
type CheckoutQuery struct {
	ResourceType   string
	IncludePending bool
}

// Checkout lists show the spec's resource types unless the query names another kind keyward
// checks out (an AD account's: docs/opa.md).

func (cq CheckoutQuery) filter() (store.CheckoutFilter, error) {
	f := store.CheckoutFilter{ResourceType: cq.ResourceType, States: []string{store.CheckoutCheckedOut}}
	if cq.IncludePending {
		f.States = append(f.States, store.CheckoutPendingCheckin)
	}
	if cq.ResourceType == "" {
		f.ResourceTypes = specCheckoutTypes
		return f, nil
	}
	_, err := targetOf(cq.ResourceType, "CheckedOutResources")
	return f, err
}

// ListUserCheckouts pages the caller's own checkouts by account id.
func (s *Service) ListUserCheckouts(ctx context.Context, p Principal, cq CheckoutQuery, pg store.Page) ([]CheckedOut, error) {
	f, err := cq.filter()
	if err != nil {
		return nil, err
	}
	f.UserID = p.UserID
	return s.listCheckouts(ctx, p.TeamID, f, pg)
}

// ListProjectCheckouts pages a project's checkouts by account id, for its admins.
func (s *Service) ListProjectCheckouts(ctx context.Context, p Principal, rgID, projectID string, cq CheckoutQuery, pg store.Page) ([]CheckedOut, error) {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, checkoutAdmins...); err != nil {
		return nil, err
	}
	f, err := cq.filter()
	if err != nil {
		return nil, err
	}
	f.ProjectID = projectID
	return s.listCheckouts(ctx, p.TeamID, f, pg)
}

func (s *Service) listCheckouts(ctx context.Context, teamID string, f store.CheckoutFilter, pg store.Page) ([]CheckedOut, error) {
	if err := checkPage(pg); err != nil {
		return nil, err
	}
	cs, err := s.Store.ListCheckouts(ctx, teamID, f, pg)
	if err != nil {
		return nil, err
	}
	out := make([]CheckedOut, 0, len(cs))
	for _, c := range cs {
		if c.UserID == "" { // a rotation nobody checked out for
			continue
		}
		row := CheckedOut{Checkout: c}
		if a, err := lookupTarget(ctx, s.Store, c); err == nil {
			row.ServerID, row.Hostname, row.AccountName, row.AppName = a.ServerID, a.Hostname, a.Name, a.AppName
		}
		if u, err := s.Store.GetOPAUser(ctx, teamID, c.UserID); err == nil {
			row.Username = u.Name
		}
		out = append(out, row)
	}
	return out, nil
}

// SelfCheckin returns a resource the caller has checked out and starts its rotation.
func (s *Service) SelfCheckin(ctx context.Context, p Principal, resourceType, resourceID string) error {
	return s.checkinResource(ctx, p, resourceType, resourceID, func(c store.Checkout) error {
		if c.UserID != p.UserID || c.State != store.CheckoutCheckedOut {
			return fault.Missing(resourceID, "CheckedOutResource")
		}
		return nil
	}, CheckinSelf)
}

// CheckoutAdminOf checks that p administers checkouts in the project before anything of the
// request is read: a caller without the role there gets OPA's missing-role answer whatever it sent.
func (s *Service) CheckoutAdminOf(ctx context.Context, p Principal, rgID, projectID string) error {
	_, err := s.projectInScope(ctx, p, rgID, projectID, checkoutAdmins...)
	return err
}

// AdminCheckin forces the check-in of a project's resource, whoever holds it.
func (s *Service) AdminCheckin(ctx context.Context, p Principal, rgID, projectID, resourceType, resourceID string) error {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, checkoutAdmins...); err != nil {
		return err
	}
	return s.checkinResource(ctx, p, resourceType, resourceID, func(c store.Checkout) error {
		if c.ProjectID != projectID || c.State != store.CheckoutCheckedOut {
			return fault.Missing(resourceID, "CheckedOutResource")
		}
		return nil
	}, CheckinAdmin)
}

func (s *Service) checkinResource(ctx context.Context, p Principal, resourceType, resourceID string, may func(store.Checkout) error, typ string) error {
	if _, err := targetOf(resourceType, "CheckinResourceRequest"); err != nil {
		return err
	}
	if !storable(resourceID) {
		return fault.Missing(resourceID, "CheckedOutResource")
	}
	return staleAsBusy(s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := q.GetCheckout(ctx, p.TeamID, resourceID)
		if err != nil {
			return missing(err, resourceID, "CheckedOutResource")
		}
		if c.ResourceType != resourceType {
			return fault.Missing(resourceID, "CheckedOutResource")
		}
		if err := may(c); err != nil {
			return err
		}
		return s.checkInAndRotate(ctx, q, c, typ, p.UserID, s.Clock.Now())
	}))
}

// RotateResource rotates a project's server account password now (an admin's request).
func (s *Service) RotateResource(ctx context.Context, p Principal, rgID, projectID, resourceType, resourceID string) error {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, checkoutAdmins...); err != nil {
		return err
	}
	kind, err := targetOf(resourceType, "RotateResourceRequest")
	if err != nil {
		return err
	}
	if !storable(resourceID) {
		return fault.Missing(resourceID, "Resource")
	}
	a, err := kind.Lookup(ctx, s.Store, p.TeamID, resourceID)
	if err != nil {
		return err
	}
	if a.ProjectID != projectID {
		return fault.Missing(resourceID, "Resource")
	}
	return s.rotateTarget(ctx, a, "")
}

// endTeamLostCheckouts ends the checkouts of every holder in the team that its policies no
// longer grant: after a policy changes or goes.
func (s *Service) endTeamLostCheckouts(ctx context.Context, teamID string) error {
	cs, err := s.Store.ListCheckouts(ctx, teamID, store.CheckoutFilter{States: []string{store.CheckoutCheckedOut}}, store.Page{})
	if err != nil {
		return err
	}
	return s.endHoldersLostCheckouts(ctx, teamID, holdersOf(cs))
}

// endLostCheckouts checks in, as system_user_lost_access, every checkout of the user that its
// policies no longer grant. It runs where a user can lose access, so the checkout ends at once:
// leaving a group, being deactivated, a policy changed or deleted, and the cases of
// checkout_lost.go (a group deleted, a server relabelled, an account no longer managed).
func (s *Service) endLostCheckouts(ctx context.Context, teamID, userID string) error {
	cs, err := s.Store.ListCheckouts(ctx, teamID, store.CheckoutFilter{UserID: userID, States: []string{store.CheckoutCheckedOut}}, store.Page{})
	if err != nil {
		return err
	}
	for _, c := range cs {
		methods, err := s.checkoutAccess(ctx, c, userID)
		if _, isFault := fault.As(err); isFault || isGone(err) { // the account, its server or project went: nothing to rotate
			continue
		}
		if err != nil {
			return err
		}
		if grantsCheckout(methods) {
			continue
		}
		err = s.Store.InTx(ctx, func(q store.Queries) error {
			cur, err := q.GetCheckout(ctx, teamID, c.AccountID)
			if err != nil || cur.State != store.CheckoutCheckedOut || cur.UserID != userID {
				return err
			}
			return s.checkInAndRotate(ctx, q, cur, CheckinUserLostAccess, systemCheckinBy, s.Clock.Now())
		})
		if err != nil && !isGone(err) { // one that went meanwhile, with its project or account, has nothing to end
			return err
		}
	}
	return nil
}

// checkoutAccess is what the user holds on the account a checkout is of.
func (s *Service) checkoutAccess(ctx context.Context, c store.Checkout, userID string) ([]AccessMethod, error) {
	t, err := lookupTarget(ctx, s.Store, c)
	if err != nil {
		return nil, err
	}
	return checkoutTargets[c.ResourceType].AccessMethods(ctx, s, userID, t)
}

func grantsCheckout(methods []AccessMethod) bool {
	for _, m := range methods {
		for _, priv := range revealPrivileges {
			if m.Privilege == priv {
				return true
			}
		}
	}
	return false
}
