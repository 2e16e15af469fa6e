package auth

import (
	"context"
	"errors"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

// countingStore counts API token lookups.
type countingStore struct {
	store.Store
	lookups int
}

func (c *countingStore) GetAPITokenByHash(ctx context.Context, hash string) (store.APIToken, error) {
	c.lookups++
	return c.Store.GetAPITokenByHash(ctx, hash)
}

func TestVerifiedTokenIsRememberedUntilForgotten(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	counted := &countingStore{Store: w.store}
	svc := &Service{Store: counted}
	header := "SSWS " + w.admin

	if _, ok := svc.KnownOkta(header); ok {
		t.Fatal("a token never verified is known")
	}
	first, err := svc.Okta(ctx, header)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.Okta(ctx, header)
	if err != nil || again.OrgID != first.OrgID || again.Actor != first.Actor || counted.lookups != 1 {
		t.Fatalf("second call: %+v %v after %d lookups, want %+v from one lookup", again, err, counted.lookups, first)
	}
	known, ok := svc.KnownOkta("ssws  " + w.admin)
	if !ok || known.OrgID != w.org || !known.Admin || known.Actor != w.adminID {
		t.Fatalf("known %+v %v", known, ok)
	}
	// The caller may change what it was given without changing the cache.
	known.Admin = false
	if again, _ := svc.Okta(ctx, header); !again.Admin {
		t.Fatal("a returned principal shares the cached one")
	}

	svc.ForgetCredentials()
	if _, ok := svc.KnownOkta(header); ok {
		t.Fatal("a forgotten token is known")
	}
	if _, err := svc.Okta(ctx, header); err != nil || counted.lookups != 2 {
		t.Fatalf("after forgetting: %v, %d lookups", err, counted.lookups)
	}

	// Unknown tokens are never remembered: each is looked up and refused.
	for range 2 {
		if _, err := svc.Okta(ctx, "SSWS not-a-token"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("unknown token: %v", err)
		}
	}
	if counted.lookups != 4 {
		t.Fatalf("%d lookups, want 4", counted.lookups)
	}
	if _, ok := svc.KnownOkta("SSWS not-a-token"); ok {
		t.Fatal("an unknown token is known")
	}
}
