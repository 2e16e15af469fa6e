package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

// parentGoneRounds bounds the race loop: enough rounds for the two writers to meet in every order.
const parentGoneRounds = 60

// testParentGone: a row written under a project or server that is gone (a checkout, a server
// instruction, a project secret), or is deleted at the same moment, fails as store.ErrNotFound,
// in or out of a transaction, never as an unclassified error.
func testParentGone(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1")
	rg := seedResourceGroup(t, s, "tm1", "r1", "prod")
	checkout := func(id, project string) store.Checkout {
		return store.Checkout{AccountID: id, ResourceType: "server_account_password_login", TeamID: "tm1", ResourceGroupID: rg.ID,
			ProjectID: project, State: store.CheckoutAvailable}
	}
	instruction := func(id, server string) store.ServerInstruction {
		return store.ServerInstruction{ID: id, ServerID: server, Kind: "rotate_password", Payload: "{}", Status: "pending",
			CreatedAt: t0, UpdatedAt: t0}
	}

	wantErr(t, s.CreateCheckout(ctx, checkout("a0", "no-such-project")), store.ErrNotFound)
	wantErr(t, s.CreateServerInstruction(ctx, instruction("i0", "no-such-server")), store.ErrNotFound)
	wantErr(t, s.CreateSecretItem(ctx, secretItem(store.Project{ID: "no-such-project", TeamID: "tm1"}, "k0", "", store.SecretKeyValue, "top")),
		store.ErrNotFound)
	wantErr(t, s.InTx(ctx, func(q store.Queries) error { return q.CreateCheckout(ctx, checkout("a0", "no-such-project")) }),
		store.ErrNotFound)

	gone := func(err error) bool { return err == nil || errors.Is(err, store.ErrNotFound) }
	for i := range parentGoneRounds {
		p := seedProject(t, s, rg, fmt.Sprintf("p%d", i), fmt.Sprintf("web%d", i))
		srv := seedServer(t, s, p, fmt.Sprintf("s%d", i), fmt.Sprintf("host%d", i))
		var wg sync.WaitGroup
		errs := make([]error, 5)
		wg.Go(func() { errs[0] = s.DeleteProject(ctx, "tm1", rg.ID, p.ID) })
		wg.Go(func() { errs[1] = s.CreateCheckout(ctx, checkout(fmt.Sprintf("a%d", i), p.ID)) })
		wg.Go(func() {
			errs[2] = s.InTx(ctx, func(q store.Queries) error {
				if _, err := q.GetServer(ctx, "tm1", p.ID, srv.ID); err != nil {
					return err
				}
				return q.CreateServerInstruction(ctx, instruction(fmt.Sprintf("i%d", i), srv.ID))
			})
		})
		wg.Go(func() {
			errs[3] = s.InTx(ctx, func(q store.Queries) error {
				return q.CreateCheckout(ctx, checkout(fmt.Sprintf("b%d", i), p.ID))
			})
		})
		wg.Go(func() {
			errs[4] = s.CreateSecretItem(ctx, secretItem(p, fmt.Sprintf("k%d", i), "", store.SecretKeyValue, "top"))
		})
		wg.Wait()
		must(t, errs[0])
		for _, err := range errs[1:] {
			if !gone(err) {
				t.Fatalf("round %d: a write racing its project's delete failed with %v, want nil or store.ErrNotFound", i, err)
			}
		}
	}
}

// testGroupDeleteRacesProject: a resource group deleted while a project is created in it either
// goes, the project then failing as store.ErrNotFound, or stays, its delete failing as
// store.ErrConflict (it holds a project), whichever commits first.
func testGroupDeleteRacesProject(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1")
	for i := range parentGoneRounds {
		rg := seedResourceGroup(t, s, "tm1", fmt.Sprintf("r%d", i), fmt.Sprintf("group%d", i))
		p := store.Project{ID: fmt.Sprintf("p%d", i), TeamID: "tm1", ResourceGroupID: rg.ID, Name: "web", SSHCertificateType: "CERT_TYPE_ED25519_01",
			NextUnixUID: 60001, NextUnixGID: 63001, CreatedAt: t0}
		var wg sync.WaitGroup
		var delErr, addErr error
		wg.Go(func() {
			delErr = s.InTx(ctx, func(q store.Queries) error { return q.DeleteResourceGroup(ctx, "tm1", rg.ID) })
		})
		wg.Go(func() { addErr = s.CreateProject(ctx, p) })
		wg.Wait()
		switch {
		case delErr == nil && errors.Is(addErr, store.ErrNotFound):
		case errors.Is(delErr, store.ErrConflict) && addErr == nil:
		default:
			t.Fatalf("round %d: delete %v, create project %v", i, delErr, addErr)
		}
	}
}
