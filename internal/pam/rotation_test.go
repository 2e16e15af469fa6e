package pam

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

// TestExpiryRotatesEachOnceAcrossProcesses: 200 checkouts expire at one moment; two processes
// (each its own Service and runner over the one store) tick at once, and every account is
// checked in as expired and gets exactly one rotation instruction.
func TestExpiryRotatesEachOnceAcrossProcesses(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		const n = 200
		box, err := secret.New(make([]byte, 32))
		f.must(err)
		ref := f.newServerProject()
		tok, err := f.svc.CreateEnrollmentToken(f.ctx, ref, "admin", "fleet")
		f.must(err)
		logins := make([]string, n)
		for i := range logins {
			logins[i] = fmt.Sprintf("user-%03d", i)
		}
		en, err := f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: "h1", OSType: "linux", Accounts: logins})
		f.must(err)
		accounts, err := f.svc.Store.ListServerAccounts(f.ctx, ref.TeamID, store.AccountFilter{ServerID: en.ServerID}, store.Page{})
		f.must(err)
		expires := t0.Add(15 * time.Minute)
		for _, a := range accounts {
			f.must(f.svc.Store.CreateCheckout(f.ctx, store.Checkout{AccountID: a.ID, ResourceType: ResourceServerAccountPassword,
				TeamID: a.TeamID, ResourceGroupID: a.ResourceGroupID, ProjectID: a.ProjectID, State: store.CheckoutCheckedOut,
				UserID: "u", CheckoutAt: t0, ExpiresAt: expires, Password: "sealed"}))
			f.must(f.svc.Store.EnsureWorkItem(f.ctx, store.WorkItem{Kind: WorkCheckoutExpiry, ID: workID(a.ID, expires), DueAt: expires}))
		}

		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			svc := &Service{Store: f.svc.Store, Clock: clock.NewVirtual(expires.Add(time.Second)), Box: box}
			r := jobs.New(jobs.Options{Store: svc.Store, Clock: svc.Clock, Lease: "test"})
			r.RegisterItems(WorkCheckoutExpiry, svc.ExpireCheckout)
			wg.Go(func() { errs[i] = r.Tick(f.ctx) })
		}
		wg.Wait()
		f.must(errs[0])
		f.must(errs[1])

		handed, err := f.svc.Store.DeliverServerInstructions(f.ctx, en.ServerID, expires)
		f.must(err)
		rotations := map[string]int{}
		for _, in := range handed {
			var p RotatePayload
			f.must(json.Unmarshal([]byte(in.Payload), &p))
			rotations[p.AccountID]++
		}
		for _, a := range accounts {
			c, err := f.svc.Store.GetCheckout(f.ctx, ref.TeamID, a.ID)
			f.must(err)
			if rotations[a.ID] != 1 || c.State != store.CheckoutPendingCheckin || c.CheckinType != CheckinExpired || c.InstructionID == "" {
				t.Fatalf("account %s: %d rotations, state %s/%s", a.Login, rotations[a.ID], c.State, c.CheckinType)
			}
		}
		if len(handed) != n {
			t.Fatalf("%d instructions for %d accounts", len(handed), n)
		}
	})
}
