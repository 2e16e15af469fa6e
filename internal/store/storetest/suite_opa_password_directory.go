package storetest

import (
	"context"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func testPasswordDirectory(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	_, err := s.GetDirectoryPassword(ctx, "tm1", "a1")
	wantErr(t, err, store.ErrNotFound)
	d := store.DirectoryPassword{AccountID: "a1", TeamID: "tm1", ResourceType: "active_directory_account_password_login",
		Password: "sealed-1", ChangedAt: t0, Successes: 1}
	must(t, s.PutDirectoryPassword(ctx, d))
	d.Password, d.Successes, d.Failures = "sealed-2", 2, 3
	must(t, s.PutDirectoryPassword(ctx, d))
	got, err := s.GetDirectoryPassword(ctx, "tm1", "a1")
	must(t, err)
	if got != d {
		t.Fatalf("got %+v, want %+v", got, d)
	}
	_, err = s.GetDirectoryPassword(ctx, "tm2", "a1")
	wantErr(t, err, store.ErrNotFound)

	for _, msg := range []string{"domain controller unreachable", "access denied", ""} {
		must(t, s.SetDirectoryFailure(ctx, "tm1", msg))
		if got, err := s.DirectoryFailure(ctx, "tm1"); err != nil || got != msg {
			t.Fatalf("failure %q %v, want %q", got, err, msg)
		}
	}
	must(t, s.SetDirectoryFailure(ctx, "tm1", "down"))
	if got, err := s.DirectoryFailure(ctx, "tm2"); err != nil || got != "" {
		t.Fatalf("tm2 sees %q %v", got, err)
	}
}
