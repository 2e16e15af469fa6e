package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
)

// adRaceRounds bounds the race loop: enough rounds for the delete to land before, inside and
// after the reveal's steps.
const adRaceRounds = 10

// TestOPAADRevealRacesProjectDelete: an end user's reveals of their AD account sent while the
// project the account is placed in is deleted answer 200 or the API's own 404, every answer
// checked against the specs, never a 5xx; the delete itself succeeds. Each round places the
// account in a new project by a rule and syncs.
func TestOPAADRevealRacesProjectDelete(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		f, alice := newADRevealFixture(t, o, sec)
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		noErr(t, err)
		jwk, err := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
		noErr(t, err)

		projectID := o.project.ID
		for i := range adRaceRounds {
			if i > 0 {
				p, err := o.svc.CreateProject(ctx, o.team.Team.ID, o.rg.ID, pam.ProjectInput{Name: ptrTo(fmt.Sprintf("race%d", i))})
				noErr(t, err)
				projectID = p.ID
				_, err = f.res.CreateADRule(ctx, f.conn.ID, client.ADRule{Name: fmt.Sprintf("people %d", i), RuleType: pam.ADIndividual,
					OrganizationalUnits: []string{peopleOU}, Project: client.NamedObject{ID: p.ID}, ResourceGroup: client.NamedObject{ID: o.rg.ID}})
				noErr(t, err)
				noErr(t, f.res.ForceSyncAD(ctx, f.conn.ID))
			}
			accounts, err := alice.ListADAccountsEndUser(ctx, f.conn.ID)
			noErr(t, err)
			if len(accounts) != 1 {
				t.Fatalf("round %d: alice's accounts %+v", i, accounts)
			}
			id := accounts[0].Account.ID
			var wg sync.WaitGroup
			errs := make([]error, 3)
			wg.Go(func() { errs[0] = f.res.DeleteProject(ctx, o.rg.ID, projectID) })
			for r := 1; r < len(errs); r++ {
				wg.Go(func() { _, errs[r] = alice.RevealADAccountPassword(ctx, f.conn.ID, id, "password", jwk) })
			}
			wg.Wait()
			noErr(t, errs[0])
			for _, err := range errs[1:] {
				if err != nil && client.StatusCode(err) != http.StatusNotFound {
					t.Fatalf("round %d: a reveal racing its project's delete: %v", i, err)
				}
			}
		}
	})
}
