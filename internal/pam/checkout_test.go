package pam

import (
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

func TestCheckoutMachine(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	available := store.Checkout{AccountID: "a", State: store.CheckoutAvailable, Password: "p1"}
	outA := available
	outA.State, outA.UserID, outA.CheckoutAt, outA.ExpiresAt = store.CheckoutCheckedOut, "A", now, now.Add(15*time.Minute)
	pending := outA
	pending.State, pending.CheckinType, pending.CheckinBy, pending.CheckinStartAt = store.CheckoutPendingCheckin, CheckinSelf, "A", now
	rotating := pending
	rotating.PendingPassword, rotating.InstructionID = "p2", "i1"
	never := store.Checkout{AccountID: "a", State: store.CheckoutAvailable}

	type step func(store.Checkout) (store.Checkout, error)
	later := now.Add(time.Minute)
	cases := []struct {
		name string
		from store.Checkout
		step step
		want func(store.Checkout) bool
		err  bool
	}{
		{"available → checked out", available, func(c store.Checkout) (store.Checkout, error) { return checkOut(c, "A", now, 15*time.Minute) },
			func(c store.Checkout) bool { return c == outA }, false},
		{"the holder again keeps the expiry", outA, func(c store.Checkout) (store.Checkout, error) { return checkOut(c, "A", later, time.Hour) },
			func(c store.Checkout) bool { return c == outA }, false},
		{"another user is refused", outA, func(c store.Checkout) (store.Checkout, error) { return checkOut(c, "B", later, time.Hour) }, nil, true},
		{"nobody while pending", pending, func(c store.Checkout) (store.Checkout, error) { return checkOut(c, "A", later, time.Hour) }, nil, true},
		{"nobody before a first password", never, func(c store.Checkout) (store.Checkout, error) { return checkOut(c, "A", now, time.Hour) }, nil, true},
		{"check-in → pending", outA, func(c store.Checkout) (store.Checkout, error) { return checkIn(c, CheckinSelf, "A", now) },
			func(c store.Checkout) bool { return c == pending }, false},
		{"check-in of an available account", available, func(c store.Checkout) (store.Checkout, error) { return checkIn(c, CheckinAdmin, "x", now) }, nil, true},
		{"pending → rotating", pending, func(c store.Checkout) (store.Checkout, error) { return rotate(c, "p2", "i1") },
			func(c store.Checkout) bool { return c == rotating }, false},
		{"available → rotating", available, func(c store.Checkout) (store.Checkout, error) { return rotate(c, "p2", "i1") },
			func(c store.Checkout) bool { return c.State == store.CheckoutPendingCheckin && c.InstructionID == "i1" }, false},
		{"no rotation of a checked-out account", outA, func(c store.Checkout) (store.Checkout, error) { return rotate(c, "p2", "i1") }, nil, true},
		{"no second rotation at once", rotating, func(c store.Checkout) (store.Checkout, error) { return rotate(c, "p3", "i2") }, nil, true},
		{"confirmed → available with the new password", rotating, func(c store.Checkout) (store.Checkout, error) {
			c, _ = rotated(c, "i1", true, "", later)
			return c, nil
		}, func(c store.Checkout) bool {
			return c.State == store.CheckoutAvailable && c.Password == "p2" && c.PendingPassword == "" && c.SuccessAt == later && c.UserID == ""
		}, false},
		{"failed → still pending, error kept", rotating, func(c store.Checkout) (store.Checkout, error) {
			c, _ = rotated(c, "i1", false, "agent_failed", later)
			return c, nil
		}, func(c store.Checkout) bool {
			return c.State == store.CheckoutPendingCheckin && c.Password == "p1" && c.InstructionID == "" && c.RotationFails == 1 &&
				c.ErrorAt == later && c.ErrorType == "agent_failed"
		}, false},
		{"a report on another instruction changes nothing", rotating, func(c store.Checkout) (store.Checkout, error) {
			c, _ = rotated(c, "old", true, "", later)
			return c, nil
		}, func(c store.Checkout) bool { return c == rotating }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.step(tc.from)
			if tc.err {
				var f *fault.Error
				if !errors.As(err, &f) || f.Kind != fault.PreconditionFailed {
					t.Fatalf("err %v, want a precondition failure", err)
				}
				return
			}
			if err != nil || !tc.want(got) {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}
