package pam

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// checkoutRaceRounds bounds the race loop: enough rounds for the project's delete to land
// before, inside and after each checkout step.
const checkoutRaceRounds = 25

// answered reports an error the API words as its own 4xx (or none): a fault of a client-facing
// kind or a store sentinel. Anything else would be a 500.
func answered(err error) bool {
	if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrStale) {
		return true
	}
	f, ok := fault.As(err)
	return ok && f.Kind != fault.Invalid // every fault but Invalid is a 4xx the request did not cause by its input
}

// TestCheckoutRacesItsProjectDelete: a reveal, a check-in, an admin rotation and the due work
// of an account (its checkout's expiry, a rotation retry, a periodic rotation) running while
// the account's project, or its server, is deleted answer as the API does (not found, changed, busy), never
// with an unclassified error; the due work of an account gone is done, not failed.
func TestCheckoutRacesItsProjectDelete(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		w := newLostAccessWorld(f)
		team, rg := w.ref.TeamID, w.ref.ResourceGroupID
		alice := w.member("alice")
		f.must(f.svc.AddMember(f.ctx, team, "g1", "alice"))
		for i := range checkoutRaceRounds {
			p, err := f.svc.CreateProject(f.ctx, team, rg, ProjectInput{Name: ptr(fmt.Sprintf("race%d", i)), ServerAccountManagement: ptr(true)})
			f.must(err)
			ref := ProjectRef{TeamID: team, TeamName: w.ref.TeamName, ResourceGroupID: rg, ProjectID: p.ID}
			_, err = f.svc.SetPasswordPolicy(f.ctx, w.admin, rg, p.ID, ServerAccounts, w.passwordPolicy())
			f.must(err)
			tok, err := f.svc.CreateEnrollmentToken(f.ctx, ref, "admin", fmt.Sprintf("fleet %d", i))
			f.must(err)
			en, err := f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: fmt.Sprintf("race%d", i), OSType: "linux",
				Labels: map[string]string{"env": "prod"}, Accounts: []string{"root", "app"}})
			f.must(err)
			as, err := f.svc.Store.ListServerAccounts(f.ctx, team, store.AccountFilter{ServerID: en.ServerID}, store.Page{})
			f.must(err)
			// root is available with a password (a reveal checks it out); app is out to alice.
			items := make([]store.WorkItem, 0, 3*len(as))
			for _, a := range as {
				target, err := serverTarget{}.Lookup(f.ctx, f.svc.Store, team, a.ID)
				f.must(err)
				f.must(f.svc.ensureCheckout(f.ctx, target))
				c, err := f.svc.Store.GetCheckout(f.ctx, team, a.ID)
				f.must(err)
				c.Password, c.SuccessAt = f.svc.seal("current"), t0
				if a.Login == "app" {
					c, err = checkOut(c, alice.UserID, t0, time.Hour)
					f.must(err)
				}
				f.must(f.svc.Store.UpdateCheckout(f.ctx, c))
				items = append(items, store.WorkItem{Kind: WorkCheckoutExpiry, ID: workID(a.ID, c.ExpiresAt)},
					store.WorkItem{Kind: WorkRotationRetry, ID: workID(a.ID, t0)}, store.WorkItem{Kind: WorkPeriodicRotation, ID: workID(a.ID, t0)})
			}
			root, app := as[0].ID, as[1].ID
			if as[0].Login != "root" {
				root, app = app, root
			}
			later := t0.Add(2 * time.Hour)
			steps := map[string]func() error{
				"reveal": func() error {
					_, err := f.svc.RevealServerAccountPassword(f.ctx, alice, root, "encrypted-ssh-password")
					return err
				},
				"self check-in": func() error { return f.svc.SelfCheckin(f.ctx, alice, ResourceServerAccountPassword, app) },
				"admin rotation": func() error {
					return f.svc.RotateResource(f.ctx, w.admin, rg, p.ID, ResourceServerAccountPassword, root)
				},
				"due work": func() error {
					for _, it := range items {
						var err error
						switch it.Kind {
						case WorkCheckoutExpiry:
							err = f.svc.ExpireCheckout(f.ctx, it, later)
						case WorkRotationRetry:
							err = f.svc.RetryRotation(f.ctx, it, later)
						default:
							err = f.svc.RotatePeriodically(f.ctx, it, later)
						}
						if err != nil {
							return fmt.Errorf("%s %s: %w", it.Kind, it.ID, err)
						}
					}
					return nil
				},
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			failures := map[string]error{}
			steps["delete"] = func() error { return f.svc.DeleteProject(f.ctx, team, rg, p.ID) }
			if i%2 == 1 { // the server goes, its accounts with it; the project stays
				steps["delete"] = func() error { return f.svc.DeleteProjectServer(f.ctx, ref, en.ServerID) }
			}
			for name, step := range steps {
				wg.Go(func() {
					if err := step(); !answered(err) || ((name == "due work" || name == "delete") && err != nil) {
						mu.Lock()
						failures[name] = err
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			for name, err := range failures {
				f.t.Errorf("round %d: %s racing the delete of its project or server: %v", i, name, err)
			}
			if f.t.Failed() {
				f.t.FailNow()
			}
		}
	})
}

// TestDueWorkOfAGoneAccountIsDone: the due work of an account whose server went without its
// checkout being ended (a delete landing between the work's read and its write) is done, not
// failed and tried again, and changes nothing.
func TestDueWorkOfAGoneAccountIsDone(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		w := newLostAccessWorld(f)
		alice := w.member("alice")
		en := w.enroll("h1", map[string]string{"env": "prod"}, "root", "app")
		w.lend("root", alice)
		out := w.state("root")
		app := w.accounts["app"].ID
		target, err := serverTarget{}.Lookup(f.ctx, f.svc.Store, w.ref.TeamID, app)
		f.must(err)
		f.must(f.svc.ensureCheckout(f.ctx, target))
		pending := w.state("app")
		pending.State = store.CheckoutPendingCheckin
		f.must(f.svc.Store.UpdateCheckout(f.ctx, pending))
		f.must(f.svc.Store.DeleteServer(f.ctx, w.ref.TeamID, w.ref.ProjectID, en.ServerID))

		later := out.ExpiresAt.Add(time.Minute)
		f.must(f.svc.ExpireCheckout(f.ctx, store.WorkItem{Kind: WorkCheckoutExpiry, ID: workID(out.AccountID, out.ExpiresAt)}, later))
		f.must(f.svc.RetryRotation(f.ctx, store.WorkItem{Kind: WorkRotationRetry, ID: workID(app, t0)}, later))
		if got := w.state("root"); got != out {
			f.t.Fatalf("the expiry of a gone account changed its checkout: %+v, was %+v", got, out)
		}
	})
}

// TestSecretFolderRacesItsProjectDelete: a top-level secret folder created while its project is
// deleted is made, or refused as the project not found; never an unclassified error.
func TestSecretFolderRacesItsProjectDelete(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		admin := Principal{TeamID: team, UserID: f.team.ServiceUser.ID}
		rg := f.newResourceGroup(team, "prod")
		for i := range checkoutRaceRounds {
			p := f.newProject(rg.ID, fmt.Sprintf("vault%d", i))
			var wg sync.WaitGroup
			var delErr, addErr error
			wg.Go(func() { delErr = f.svc.DeleteProject(f.ctx, team, rg.ID, p.ID) })
			wg.Go(func() {
				_, addErr = f.svc.CreateSecretFolder(f.ctx, admin, rg.ID, p.ID, SecretFolderInput{Name: "ops"})
			})
			wg.Wait()
			f.must(delErr)
			if fe, ok := fault.As(addErr); addErr != nil && (!ok || fe.Kind != fault.NotFound) {
				f.t.Fatalf("round %d: a folder created while its project is deleted: %v", i, addErr)
			}
		}
	})
}
