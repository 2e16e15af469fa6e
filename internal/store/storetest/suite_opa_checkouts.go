package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testCheckouts(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "web")
	c := store.Checkout{AccountID: "a1", ResourceType: "server_account_password_login", TeamID: "tm1", ResourceGroupID: "r1",
		ProjectID: p.ID, State: store.CheckoutAvailable, Password: "sealed-1"}
	must(t, s.CreateCheckout(ctx, c))
	wantErr(t, s.CreateCheckout(ctx, c), store.ErrConflict)
	must(t, s.CreateCheckout(ctx, store.Checkout{AccountID: "a2", ResourceType: "server_account_password_login", TeamID: "tm1",
		ResourceGroupID: "r1", ProjectID: p.ID, State: store.CheckoutAvailable}))

	got, err := s.GetCheckout(ctx, "tm1", "a1")
	must(t, err)
	if got != c {
		t.Fatalf("got %+v, want %+v", got, c)
	}
	out := got
	out.State, out.UserID, out.CheckoutAt, out.ExpiresAt = store.CheckoutCheckedOut, "u1", t0, t0.Add(15*time.Minute)
	must(t, s.UpdateCheckout(ctx, out))
	wantErr(t, s.UpdateCheckout(ctx, out), store.ErrStale) // the version moved on
	got, err = s.GetAccountCheckout(ctx, "a1")
	must(t, err)
	out.Version++
	if got != out {
		t.Fatalf("after update %+v, want %+v", got, out)
	}

	mine, err := s.ListCheckouts(ctx, "tm1", store.CheckoutFilter{UserID: "u1", States: []string{store.CheckoutCheckedOut}}, store.Page{})
	must(t, err)
	if len(mine) != 1 || mine[0].AccountID != "a1" {
		t.Fatalf("u1's checkouts %+v", mine)
	}
	page, err := s.ListCheckouts(ctx, "tm1", store.CheckoutFilter{ProjectID: "p1"}, store.Page{After: "a1", Limit: 5})
	must(t, err)
	if len(page) != 1 || page[0].AccountID != "a2" {
		t.Fatalf("page after a1 %+v", page)
	}

	t.Run("rotations", func(t *testing.T) {
		failed := store.Checkout{AccountID: "a3", ResourceType: "server_account_password_login", TeamID: "tm1", ResourceGroupID: "r1",
			ProjectID: p.ID, State: store.CheckoutAvailable, SuccessAt: t0, ErrorAt: t0.Add(time.Minute), ErrorType: "agent_error"}
		must(t, s.CreateCheckout(ctx, failed))
		got, err := s.ListCheckoutRotations(ctx, "tm1", []string{"a3", "nope", "a2"})
		must(t, err)
		want := []store.CheckoutRotation{{AccountID: "a2"}, {AccountID: "a3", SuccessAt: t0, ErrorAt: t0.Add(time.Minute), ErrorType: "agent_error"}}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("rotations %+v, want %+v", got, want)
		}
		if l, err := s.ListCheckoutRotations(ctx, "tm2", []string{"a3"}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 reads rotations %+v %v", l, err)
		}
		if l, err := s.ListCheckoutRotations(ctx, "tm1", nil); err != nil || len(l) != 0 {
			t.Fatalf("no ids: %+v %v", l, err)
		}
	})
	t.Run("another team cannot read it", func(t *testing.T) {
		_, err := s.GetCheckout(ctx, "tm2", "a1")
		wantErr(t, err, store.ErrNotFound)
		if l, err := s.ListCheckouts(ctx, "tm2", store.CheckoutFilter{}, store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 lists %+v %v", l, err)
		}
	})
	_, err = s.GetAccountCheckout(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
}
