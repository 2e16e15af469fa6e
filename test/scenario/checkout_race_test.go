package scenario

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
)

// checkoutRaceRounds bounds the race loop: enough rounds for the delete to land before, inside
// and after the reveal's steps.
const checkoutRaceRounds = 12

// TestRevealRacesProjectDelete: reveals of a server account (its first: keyward sets its password
// through the agent), an admin rotation and the check-in sent while its project is deleted
// answer with the API's own refusals (not found, busy), never a 5xx; the delete itself succeeds.
func TestRevealRacesProjectDelete(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newCheckoutEnv(t, postgres)
		svc := e.domain()
		for i := range checkoutRaceRounds {
			p, err := svc.CreateProject(e.ctx, e.teamID, e.rgID, pam.ProjectInput{Name: ptr(fmt.Sprintf("race%d", i)), ServerAccountManagement: ptr(true)})
			e.must(err)
			_, err = e.opa.UpdateServerPasswordPolicy(e.ctx, e.rgID, p.ID, client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
				CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}})
			e.must(err)
			tok, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, p.ID, "race")
			e.must(err)
			_, err = e.s.Client.EnrollServer(e.ctx, tok.Token, client.Enrollment{Hostname: fmt.Sprintf("race%d", i), OSType: "linux",
				Labels: map[string]string{"sim": "true"}, Accounts: []string{"root"}})
			e.must(err)
			accounts, err := e.opa.ListProjectServerAccounts(e.ctx, e.rgID, p.ID)
			e.must(err)
			if len(accounts) != 1 {
				t.Fatalf("round %d: accounts %+v", i, accounts)
			}
			id := accounts[0].ID
			calls := map[string]func() error{
				"delete": func() error { return e.opa.DeleteProject(e.ctx, e.rgID, p.ID) },
				"reveal by a": func() error {
					_, err := e.users["a"].RevealServerAccountPassword(e.ctx, id, "encrypted-ssh-password", e.jwk)
					return err
				},
				"reveal by b": func() error {
					_, err := e.users["b"].RevealServerAccountPassword(e.ctx, id, "encrypted-ssh-password", e.jwk)
					return err
				},
				"rotate": func() error {
					return e.opa.RotateResource(e.ctx, e.rgID, p.ID, id)
				},
			}
			raceCalls(t, i, calls)
		}
	})
}

// raceCalls runs calls at once; the delete must succeed and every other call answer without an
// error or with one of the API's own refusals, never a 5xx.
func raceCalls(t *testing.T, round int, calls map[string]func() error) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := map[string]error{}
	for name, call := range calls {
		wg.Go(func() {
			err := call()
			if code := client.StatusCode(err); (err != nil && name == "delete") || (err != nil && (code == 0 || code >= http.StatusInternalServerError)) {
				mu.Lock()
				bad[name] = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for name, err := range bad {
		t.Errorf("round %d: %s racing the project's delete: %v", round, name, err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// TestServiceAccountCheckoutRacesProjectDelete: reveals, a rotation and a password update of a
// SaaS account, and a reveal of a UD account, sent while their project is deleted answer with
// the API's own refusals, never a 5xx; the accounts, back on the staged list, are assigned to
// the next round's project.
func TestServiceAccountCheckoutRacesProjectDelete(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newUDSaaSEnv(t, postgres)
		svc := e.domain()
		prID := e.prID
		pol := client.ServiceAccountPasswordPolicy{PasswordPolicy: client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
			CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}}}
		for i := range checkoutRaceRounds {
			if i > 0 {
				p, err := svc.CreateProject(e.ctx, e.teamID, e.rgID, pam.ProjectInput{Name: ptr(fmt.Sprintf("race%d", i))})
				e.must(err)
				prID = p.ID
				for _, kind := range []string{client.SaaSApps, client.UniversalDirectory} {
					_, err = e.opa.UpdateServiceAccountPasswordPolicy(e.ctx, kind, e.rgID, prID, pol)
					e.must(err)
					e.must(e.opa.UpdateServiceAccountCheckoutSettings(e.ctx, kind, e.rgID, prID, client.ServiceAccountCheckoutSettings{
						CheckoutRequired: true, CheckoutDurationInSeconds: 900, IncludeList: []client.ServiceAccountRef{}, ExcludeList: []client.ServiceAccountRef{}}))
				}
				for _, id := range []string{e.ci, e.dep} {
					e.must(e.opa.AssignStagedServiceAccount(e.ctx, id, prID, i%2 == 0))
				}
			}
			sealed := e.sealToTeam(fmt.Sprintf("Chosen-in-round-%d-0123456789", i))
			raceCalls(t, i, map[string]func() error{
				"delete": func() error { return e.opa.DeleteProject(e.ctx, e.rgID, prID) },
				"SaaS reveal": func() error {
					_, err := e.users["a"].RevealServiceAccountPassword(e.ctx, e.appID, e.ci, e.jwk)
					return err
				},
				"UD reveal": func() error {
					_, err := e.users["b"].RevealServiceAccountPassword(e.ctx, "", e.dep, e.jwk)
					return err
				},
				"SaaS rotate":   func() error { return e.users["b"].RotateServiceAccountPassword(e.ctx, e.appID, e.ci) },
				"SaaS password": func() error { return e.users["a"].UpdateSaaSAccountPassword(e.ctx, e.appID, e.ci, sealed) },
			})
		}
	})
}
