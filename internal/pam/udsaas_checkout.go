package pam

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// WorkInitialRotation is the due work of the initial rotation an assignment requests for a
// managed UD or SaaS account (udsaas_assign.go); its item id is "<account id>@<assignment ms>".
const WorkInitialRotation = "opa-initial-rotation"

// serviceAccountPrivileges are the privileges a UD or SaaS rule grants on an account.
var serviceAccountPrivileges = []string{PrivilegeRevealPassword, PrivilegeRotatePassword, PrivilegeUpdatePassword}

// serviceAccountTarget is a Universal Directory or SaaS-app account assigned to a project: its
// password lives in keyward's password directory, which stands in for Okta and the app.
type serviceAccountTarget struct {
	kind         string // store.ServiceAccountUD or store.ServiceAccountSaaS
	resourceType string
	settings     AccountKind
}

var (
	udTarget   = serviceAccountTarget{store.ServiceAccountUD, ResourceUDAccountPassword, UniversalDirectoryAccounts}
	saasTarget = serviceAccountTarget{store.ServiceAccountSaaS, ResourceSaaSAccountPassword, SaaSAppAccounts}
)

// serviceTargetOf is the checkout target of a kind of service account.
func serviceTargetOf(kind string) serviceAccountTarget {
	if kind == store.ServiceAccountSaaS {
		return saasTarget
	}
	return udTarget
}

// ServiceAccountResourceType is the checkout resource type of a kind of service account.
func ServiceAccountResourceType(kind string) string { return serviceTargetOf(kind).resourceType }

func (k serviceAccountTarget) Lookup(ctx context.Context, q store.Queries, teamID, id string) (TargetAccount, error) {
	a, err := serviceAccountIn(ctx, q, teamID, k.kind, id)
	if err == nil && a.ProjectID == "" {
		err = fault.Missing(id, serviceAccountNoun)
	}
	if err != nil {
		return TargetAccount{}, err
	}
	appName := UDAppName
	if a.Kind == store.ServiceAccountSaaS {
		app, err := q.GetSaaSApp(ctx, teamID, a.AppID)
		if err != nil {
			return TargetAccount{}, missing(err, a.AppID, saasAppNoun)
		}
		appName = app.Name
	}
	return TargetAccount{ID: a.ID, ResourceType: k.resourceType, TeamID: teamID, ResourceGroupID: a.ResourceGroupID,
		ProjectID: a.ProjectID, Name: a.Name, SettingsKind: k.settings, SettingsKey: a.ID, Apply: ApplyInDirectory,
		Unmanaged: !a.Managed, Login: a.Username, AppName: appName}, nil
}

// AccessMethods: the privileges the active UD or SaaS rules (of the account's rule resource type,
// naming it by id) grant in the account's resource group. Checkout applies to a managed account
// as the project's settings of its kind say; an unmanaged one is never checked out.
func (k serviceAccountTarget) AccessMethods(ctx context.Context, s *Service, userID string, t TargetAccount) ([]AccessMethod, error) {
	policies, err := s.userPolicies(ctx, t.TeamID, userID)
	if err != nil || len(policies) == 0 {
		return nil, err
	}
	checkout := CheckoutSettings{}
	if !t.Unmanaged {
		if checkout, err = s.projectCheckoutSettings(ctx, s.Store, t.TeamID, t.ProjectID, k.settings); err != nil {
			return nil, err
		}
	}
	ruleType := resourceTypeOf(ServiceAccount{Kind: k.kind, Managed: !t.Unmanaged})
	held := map[string]AccessMethod{}
	for _, p := range policies {
		if !p.Active || p.ResourceGroupID != t.ResourceGroupID {
			continue
		}
		for _, r := range p.Rules {
			if r.ResourceType == ruleType && slices.Contains(ruleAccountIDs(r, selectorKinds[ruleType]), t.ID) {
				grantRule(held, r, serviceAccountPrivileges, checkout, t.SettingsKey)
			}
		}
	}
	return sortedMethods(held), nil
}

// rotationRecorder is a target that keeps its own record of a successful rotation.
type rotationRecorder interface {
	rotated(ctx context.Context, q store.Queries, t TargetAccount, now time.Time) error
}

// rotated marks the account's credentials SYNCED and its requested initial rotation done.
func (k serviceAccountTarget) rotated(ctx context.Context, q store.Queries, t TargetAccount, now time.Time) error {
	a, err := serviceAccountIn(ctx, q, t.TeamID, k.kind, t.ID)
	if err != nil || (a.RotationDueAt.IsZero() && a.SyncStatus == SyncSynced) {
		return err
	}
	a.RotationDueAt, a.SyncStatus, a.UpdatedAt = time.Time{}, SyncSynced, now.UTC()
	rec, err := a.record(t.TeamID)
	if err != nil {
		return err
	}
	return q.PutServiceAccount(ctx, rec)
}

// ServiceAccountRevealPrivilege is the privilege a reveal's access credential uses on a UD or
// SaaS account: "password" (or none named) is reveal_password; any other grants nothing.
func ServiceAccountRevealPrivilege(credential string) string {
	if credential == "" || credential == "password" {
		return PrivilegeRevealPassword
	}
	return ""
}

// SaaSAccountOfApp checks that a SaaS account belongs to the app instance its path names
// (NotFound otherwise).
func (s *Service) SaaSAccountOfApp(ctx context.Context, teamID, appID, id string) error {
	a, err := s.serviceAccount(ctx, teamID, store.ServiceAccountSaaS, id)
	if err == nil && a.AppID != appID {
		err = fault.Missing(id, serviceAccountNoun)
	}
	return err
}

// ServiceAccountAccess is what a user holds on a team's UD or SaaS account (the end user's
// user_access_methods), with the account's checkout state; NotFound for an account in no project.
func (s *Service) ServiceAccountAccess(ctx context.Context, p Principal, kind, id string) (TargetAccount, []AccessMethod, store.Checkout, error) {
	k := serviceTargetOf(kind)
	t, err := k.Lookup(ctx, s.Store, p.TeamID, id)
	if err != nil {
		return t, nil, store.Checkout{}, err
	}
	methods, err := k.AccessMethods(ctx, s, p.UserID, t)
	if err != nil {
		return t, nil, store.Checkout{}, err
	}
	c, err := s.Store.GetCheckout(ctx, p.TeamID, id)
	if errors.Is(err, store.ErrNotFound) {
		c, err = store.Checkout{State: store.CheckoutAvailable}, nil
	}
	return t, methods, c, err
}

// UpdateAccountPassword is an end user's setting of a UD or SaaS account's password (the
// password they changed it to in the app, or, for an account keyward does not rotate, the one
// it has), for a user holding update_password on it (Forbidden otherwise). The password becomes
// the directory's and the account's current one. A managed account out to someone else, or
// being rotated, is PreconditionFailed; when the project's checkout settings apply, the update
// checks the account out to the caller (who knows its password now), so its check-in rotates it.
// With the directory's failure switch on the change is refused (PreconditionFailed) and
// nothing changes.
func (s *Service) UpdateAccountPassword(ctx context.Context, p Principal, resourceType, accountID, password string) error {
	const noun = "ServiceAccountsUpdateCredentialsRequest"
	if password == "" || len(password) > limits.Description || !storable(password) {
		return fault.Invalidf(noun, "password_jwe: must hold a password of 1 to 1024 bytes")
	}
	t, method, err := s.heldOn(ctx, p, resourceType, noun, accountID, PrivilegeUpdatePassword)
	if err != nil {
		return err
	}
	return s.inCheckout(ctx, t, func(q store.Queries, c store.Checkout) error {
		switch {
		case c.State == store.CheckoutCheckedOut && c.UserID != p.UserID:
			return fault.PreconditionFailedf("The resource is checked out by another user")
		case c.State == store.CheckoutPendingCheckin:
			return fault.PreconditionFailedf("The resource's password is being rotated; try again shortly")
		}
		failure, err := q.DirectoryFailure(ctx, c.TeamID)
		if err != nil {
			return err
		}
		if failure != "" {
			return fault.PreconditionFailedf("The directory refused the password change: %s", failure)
		}
		now, sealed := s.Clock.Now(), s.seal(password)
		next := c
		next.Password, next.SuccessAt = sealed, now
		if method.CheckoutRequired && c.State != store.CheckoutCheckedOut {
			if next, err = checkOut(next, p.UserID, now, time.Duration(method.CheckoutSeconds)*time.Second); err != nil {
				return err
			}
			if err := schedule(ctx, q, WorkCheckoutExpiry, c.AccountID, next.ExpiresAt, next.ExpiresAt); err != nil {
				return err
			}
		}
		d, err := q.GetDirectoryPassword(ctx, c.TeamID, c.AccountID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		d.AccountID, d.TeamID, d.ResourceType, d.Password, d.ChangedAt = c.AccountID, c.TeamID, c.ResourceType, sealed, now
		d.Successes++
		if err := q.PutDirectoryPassword(ctx, d); err != nil {
			return err
		}
		if err := s.saveCheckout(ctx, q, c, next); err != nil {
			return err
		}
		if t.Unmanaged || next.State == store.CheckoutCheckedOut {
			return nil // no rotation follows; a checkout's check-in schedules the next period
		}
		return scheduleAfterRotation(ctx, q, t, next, true, now)
	})
}

// scheduleInitialRotation adds the due work of an assignment's initial rotation, with the
// account's lending state it runs on.
func scheduleInitialRotation(ctx context.Context, q store.Queries, a ServiceAccount, teamID string) error {
	k := serviceTargetOf(a.Kind)
	c, err := q.GetCheckout(ctx, teamID, a.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = q.CreateCheckout(ctx, store.Checkout{AccountID: a.ID, ResourceType: k.resourceType, TeamID: teamID,
			ResourceGroupID: a.ResourceGroupID, ProjectID: a.ProjectID, State: store.CheckoutAvailable})
	case err == nil && c.ProjectID != a.ProjectID: // assigned again after its project went
		c.ResourceGroupID, c.ProjectID = a.ResourceGroupID, a.ProjectID
		err = q.UpdateCheckout(ctx, c)
	}
	if err != nil {
		return err
	}
	return schedule(ctx, q, WorkInitialRotation, a.ID, a.RotationDueAt, a.RotationDueAt)
}

// RotateInitially is the work of WorkInitialRotation: a managed account whose initial rotation
// is still requested gets a new password now, when it is available. A checked-out account is
// rotated at its check-in, and a failed rotation by its retries; either success marks it done.
func (s *Service) RotateInitially(ctx context.Context, it store.WorkItem, now time.Time) error {
	return s.onAccount(ctx, it.ID, func(q store.Queries, c store.Checkout, _ int64) error {
		k, ok := checkoutTargets[c.ResourceType].(serviceAccountTarget)
		if !ok || c.State != store.CheckoutAvailable {
			return nil
		}
		a, err := serviceAccountIn(ctx, q, c.TeamID, k.kind, c.AccountID)
		if _, gone := fault.As(err); gone || (err == nil && (a.RotationDueAt.IsZero() || !a.Managed || a.ProjectID == "")) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.startRotation(ctx, q, c)
		return err
	})
}
