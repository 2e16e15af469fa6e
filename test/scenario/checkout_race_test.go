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
				t.Errorf("round %d: %s racing the project's delete: %v", i, name, err)
			}
			if t.Failed() {
				t.FailNow()
			}
		}
	})
}
