package pam

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

// benchAccounts enrolls one server labelled env=prod with n accounts in a new project with
// discovery on and a password policy (so keyward manages them), and gives the service a secret box.
func benchAccounts(b *testing.B, svc *Service, teamID, rgID string, n int) (Enrolled, []store.ServerAccount) {
	ctx := context.Background()
	box, err := secret.New(make([]byte, 32))
	mustB(b, err)
	svc.Box = box
	p, err := svc.CreateProject(ctx, teamID, rgID, ProjectInput{Name: ptr("vault"), ServerAccountManagement: ptr(true)})
	mustB(b, err)
	ref := ProjectRef{TeamID: teamID, ResourceGroupID: rgID, ProjectID: p.ID}
	mustB(b, writeSettings(ctx, svc.Store, store.ProjectSettings{TeamID: teamID, ProjectID: p.ID, // keyward manages every account
		Kind: settingsKind(ServerAccounts, settingsPassword), ModifiedAt: time.Now()}, DefaultPasswordPolicy()))
	tok, err := svc.CreateEnrollmentToken(ctx, ref, "bench", "bench")
	mustB(b, err)
	logins := make([]string, n)
	for i := range logins {
		logins[i] = fmt.Sprintf("user-%04d", i)
	}
	en, err := svc.Enroll(ctx, tok.Token, Enrollment{Hostname: "h1", OSType: "linux", Labels: map[string]string{"env": "prod"}, Accounts: logins})
	mustB(b, err)
	as, err := svc.Store.ListServerAccounts(ctx, teamID, store.AccountFilter{ServerID: en.ServerID}, store.Page{})
	mustB(b, err)
	return en, as
}

func mustB(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReveal is one end user's reveal of a server account's password under a label policy
// and checkout required (after the first, the same checkout): policy evaluation, the lending
// state in a transaction, and opening the sealed password.
func BenchmarkReveal(b *testing.B) {
	benchStores(b, func(b *testing.B, svc *Service, teamID, rgID string) {
		ctx := context.Background()
		_, as := benchAccounts(b, svc, teamID, rgID, 1)
		sec, err := svc.CreateUser(ctx, teamID, NewUser{Name: "sec"})
		mustB(b, err)
		_, err = svc.CreateGroup(ctx, teamID, "secs", []string{RoleSecurityAdmin})
		mustB(b, err)
		mustB(b, svc.AddMember(ctx, teamID, "secs", "sec"))
		u, err := svc.CreateUser(ctx, teamID, NewUser{Name: "alice"})
		mustB(b, err)
		ops, err := svc.CreateGroup(ctx, teamID, "ops", nil)
		mustB(b, err)
		mustB(b, svc.AddMember(ctx, teamID, "ops", "alice"))
		_, err = svc.CreateSecurityPolicy(ctx, Principal{TeamID: teamID, UserID: sec.ID}, PolicyInput{Policy: labelPolicy("ssh", rgID, true), GroupIDs: []string{ops.ID}})
		mustB(b, err)
		mustB(b, svc.SetCheckoutSettings(ctx, Principal{TeamID: teamID, UserID: sec.ID}, rgID, as[0].ProjectID, ServerAccounts,
			CheckoutSettingsInput{Required: ptr(true)}))
		mustB(b, svc.Store.CreateCheckout(ctx, store.Checkout{AccountID: as[0].ID, ResourceType: ResourceServerAccountPassword, TeamID: teamID,
			ResourceGroupID: rgID, ProjectID: as[0].ProjectID, State: store.CheckoutAvailable, Password: svc.seal("s3cret")}))
		me := Principal{TeamID: teamID, UserID: u.ID}
		for b.Loop() {
			got, err := svc.RevealServerAccountPassword(ctx, me, as[0].ID, "encrypted-ssh-password")
			if err != nil || got.Password != "s3cret" || got.ExpiresAt.IsZero() {
				b.Fatalf("reveal %+v %v", got, err)
			}
		}
	})
}

// BenchmarkExpireRotate1k is the time from 1,000 checkouts expiring at one moment to their
// rotations confirmed: one runner tick (check-in as expired, a password generated and an
// instruction queued for each), the agent's heartbeat collecting the 1,000 instructions, and its
// 1,000 reports.
func BenchmarkExpireRotate1k(b *testing.B) {
	const n = 1000
	benchStores(b, func(b *testing.B, svc *Service, teamID, rgID string) {
		ctx := context.Background()
		en, as := benchAccounts(b, svc, teamID, rgID, n)
		for _, a := range as {
			mustB(b, svc.Store.CreateCheckout(ctx, store.Checkout{AccountID: a.ID, ResourceType: ResourceServerAccountPassword, TeamID: teamID,
				ResourceGroupID: rgID, ProjectID: a.ProjectID, State: store.CheckoutAvailable, Password: svc.seal("initial")}))
		}
		r := jobs.New(jobs.Options{Store: svc.Store, Clock: svc.Clock, Lease: "bench"})
		r.RegisterItems(WorkCheckoutExpiry, svc.ExpireCheckout)
		vc := svc.Clock.(*clock.Virtual)
		for b.Loop() {
			b.StopTimer()
			expires, err := vc.Advance(time.Hour)
			mustB(b, err)
			for _, a := range as {
				c, err := svc.Store.GetCheckout(ctx, teamID, a.ID)
				mustB(b, err)
				c.State, c.UserID, c.CheckoutAt, c.ExpiresAt = store.CheckoutCheckedOut, "u", expires, expires
				mustB(b, svc.Store.UpdateCheckout(ctx, c))
				mustB(b, svc.Store.EnsureWorkItem(ctx, store.WorkItem{Kind: WorkCheckoutExpiry, ID: workID(a.ID, expires), DueAt: expires}))
			}
			b.StartTimer()
			mustB(b, r.Tick(ctx))
			ins, err := svc.Heartbeat(ctx, en.Credential, Beat{})
			mustB(b, err)
			if len(ins) != n {
				b.Fatalf("%d instructions", len(ins))
			}
			for _, in := range ins {
				mustB(b, svc.ReportInstructionResult(ctx, en.Credential, in.ID, InstructionResult{Succeeded: true}))
			}
		}
	})
}
