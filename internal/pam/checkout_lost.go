package pam

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Where access to a checked-out account can go besides leaving a group, leaving ACTIVE and a
// policy changing (checkout_service.go): the group itself deleted, the server's labels changed
// at re-enrollment, the account no longer managed, and the account or its server gone. The
// first three re-evaluate the holders' grants (endLostCheckouts: checked in as
// system_user_lost_access, then rotated); an account that is gone has nothing to rotate, so its
// lending state is retired in the transaction that removes it.

// endHoldersLostCheckouts re-evaluates every checkout of the users.
func (s *Service) endHoldersLostCheckouts(ctx context.Context, teamID string, userIDs []string) error {
	for _, u := range userIDs {
		if err := s.endLostCheckouts(ctx, teamID, u); err != nil {
			return err
		}
	}
	return nil
}

// endAccountsLostCheckouts re-evaluates the checkouts of the accounts (a server relabelled, a
// project's managed accounts changed) for their holders.
func (s *Service) endAccountsLostCheckouts(ctx context.Context, teamID string, f store.AccountFilter) error {
	accounts, err := s.Store.ListServerAccounts(ctx, teamID, f, store.Page{})
	if err != nil || len(accounts) == 0 {
		return err
	}
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
	}
	cs, err := s.Store.ListCheckouts(ctx, teamID, store.CheckoutFilter{States: []string{store.CheckoutCheckedOut}}, store.Page{IDs: ids})
	if err != nil {
		return err
	}
	return s.endHoldersLostCheckouts(ctx, teamID, holdersOf(cs))
}

// holdersOf are the users the checkouts are out to, each once.
func holdersOf(cs []store.Checkout) []string {
	var holders []string
	seen := map[string]bool{}
	for _, c := range cs {
		if !seen[c.UserID] {
			seen[c.UserID] = true
			holders = append(holders, c.UserID)
		}
	}
	return holders
}

// retireCheckouts ends the lending state of accounts being removed, in the transaction that
// removes them: a checkout ends as system_user_lost_access, a rotation under way is dropped,
// and the state keeps no password (the account is gone, so there is nothing to reveal or
// rotate). Work items due for it then find nothing to do.
func retireCheckouts(ctx context.Context, q store.Queries, teamID string, accountIDs []string, now time.Time) error {
	if len(accountIDs) == 0 {
		return nil
	}
	cs, err := q.ListCheckouts(ctx, teamID, store.CheckoutFilter{}, store.Page{IDs: accountIDs})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if err := q.UpdateCheckout(ctx, retired(c, now)); err != nil {
			return err
		}
	}
	return nil
}

// retired is the lending state of an account that is gone: available to nobody, with no
// password, a checkout it was under ended as system_user_lost_access.
func retired(c store.Checkout, now time.Time) store.Checkout {
	if c.State == store.CheckoutCheckedOut {
		c.CheckinType, c.CheckinBy, c.CheckinStartAt = CheckinUserLostAccess, systemCheckinBy, now
	}
	c.State, c.UserID, c.CheckoutAt, c.ExpiresAt = store.CheckoutAvailable, "", time.Time{}, time.Time{}
	c.Password, c.PendingPassword, c.InstructionID, c.RotationFails, c.SuccessAt = "", "", "", 0, time.Time{}
	return c
}
