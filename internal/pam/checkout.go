package pam

import (
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Check-in types: who or what ended a checkout.
const (
	CheckinSelf           = "self"
	CheckinAdmin          = "admin"
	CheckinExpired        = "system_checkout_expired"
	CheckinUserLostAccess = "system_user_lost_access"
)

// ResourceServerAccountPassword is the checkout resource type of a server account.
const ResourceServerAccountPassword = "server_account_password_login"

// systemCheckinBy is the checkin_by of the check-ins keyward makes itself (OPA names a UUID).
const systemCheckinBy = "00000000-0000-4000-8000-000000000000"

// The checkout state machine of a shared account (drawn in doc.go). Each transition is a pure
// function of the stored state: it returns the new state or a fault, and the caller stores the
// new state under the old one's version, so that of two processes only one makes a transition.

// checkOut lends an available account to user until now+d. The holder asking again gets the
// same checkout (same expiry); anyone else, or anyone while a rotation runs, is refused.
func checkOut(c store.Checkout, user string, now time.Time, d time.Duration) (store.Checkout, error) {
	switch {
	case c.State == store.CheckoutCheckedOut && c.UserID == user:
		return c, nil
	case c.State == store.CheckoutCheckedOut:
		return c, fault.PreconditionFailedf("The resource is checked out by another user")
	case c.State == store.CheckoutPendingCheckin || c.Password == "":
		return c, fault.PreconditionFailedf("The resource's password is being rotated; try again shortly")
	}
	c.State, c.UserID, c.CheckoutAt, c.ExpiresAt = store.CheckoutCheckedOut, user, now, now.Add(d)
	c.CheckinType, c.CheckinBy, c.CheckinStartAt = "", "", time.Time{}
	return c, nil
}

// revealable says whether an account's password may be read without a checkout: not while a
// rotation runs, nor while someone holds a checkout.
func revealable(c store.Checkout, user string) error {
	switch {
	case c.State == store.CheckoutCheckedOut && c.UserID != user:
		return fault.PreconditionFailedf("The resource is checked out by another user")
	case c.State == store.CheckoutPendingCheckin || c.Password == "":
		return fault.PreconditionFailedf("The resource's password is being rotated; try again shortly")
	}
	return nil
}

// checkIn ends a checkout: it becomes pending check-in until the rotation that follows is confirmed.
func checkIn(c store.Checkout, typ, by string, now time.Time) (store.Checkout, error) {
	if c.State != store.CheckoutCheckedOut {
		return c, fault.PreconditionFailedf("The resource is not checked out")
	}
	c.State, c.CheckinType, c.CheckinBy, c.CheckinStartAt = store.CheckoutPendingCheckin, typ, by, now
	return c, nil
}

// rotate starts a rotation to the sealed pending password through instruction: an available
// account (or one pending check-in whose last try failed) becomes pending check-in. A checked-out
// account is rotated when it comes back.
func rotate(c store.Checkout, sealed, instruction string) (store.Checkout, error) {
	switch {
	case c.State == store.CheckoutCheckedOut:
		return c, fault.PreconditionFailedf("The resource is checked out; check it in to rotate it")
	case c.State == store.CheckoutPendingCheckin && c.InstructionID != "":
		return c, fault.PreconditionFailedf("A rotation of the resource is already in progress")
	}
	c.State, c.PendingPassword, c.InstructionID = store.CheckoutPendingCheckin, sealed, instruction
	return c, nil
}

// rotated records the agent's report on the rotation instruction: success makes the pending
// password current and the account available; failure keeps it pending, to be tried again.
// A report on any other instruction changes nothing (ok false).
func rotated(c store.Checkout, instruction string, succeeded bool, errType string, now time.Time) (store.Checkout, bool) {
	if c.InstructionID == "" || c.InstructionID != instruction || c.State != store.CheckoutPendingCheckin {
		return c, false
	}
	c.InstructionID = ""
	if !succeeded {
		c.PendingPassword, c.ErrorAt, c.ErrorType = "", now, errType
		c.RotationFails++
		return c, true
	}
	c.State, c.Password, c.PendingPassword, c.SuccessAt, c.RotationFails = store.CheckoutAvailable, c.PendingPassword, "", now, 0
	c.UserID, c.CheckoutAt, c.ExpiresAt = "", time.Time{}, time.Time{}
	return c, true
}
