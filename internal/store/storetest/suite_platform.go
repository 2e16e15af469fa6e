package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testReleases(t *testing.T, s store.Store) {
	ctx := context.Background()
	must(t, s.PutRelease(ctx, store.Release{AgentType: "AD", Channel: "GA", Version: "3.21.0", ReleasedAt: t0.Add(time.Hour)}))
	must(t, s.PutRelease(ctx, store.Release{AgentType: "AD", Channel: "GA", Version: "3.20.0", ReleasedAt: t0}))
	must(t, s.PutRelease(ctx, store.Release{AgentType: "LDAP", Channel: "GA", Version: "5.16.0", ReleasedAt: t0}))
	must(t, s.PutRelease(ctx, store.Release{AgentType: "AD", Channel: "GA", Version: "3.20.0", ReleasedAt: t0.Add(-time.Hour)}))
	got, err := s.ListReleases(ctx, "AD")
	must(t, err)
	if len(got) != 2 || got[0].Version != "3.20.0" || !got[0].ReleasedAt.Equal(t0.Add(-time.Hour)) || got[1].Version != "3.21.0" {
		t.Fatalf("got %+v", got)
	}
}

func testLeases(t *testing.T, s store.Store) {
	ctx := context.Background()
	acquire := func(holder string, now time.Time) bool {
		t.Helper()
		ok, err := s.AcquireLease(ctx, "engine", holder, now, now.Add(10*time.Second))
		must(t, err)
		return ok
	}
	if !acquire("a", t0) {
		t.Fatal("a could not take a free lease")
	}
	if acquire("b", t0.Add(5*time.Second)) {
		t.Fatal("b took a lease a holds")
	}
	if !acquire("a", t0.Add(9*time.Second)) {
		t.Fatal("a could not renew")
	}
	if acquire("b", t0.Add(18*time.Second)) {
		t.Fatal("b took a renewed lease")
	}
	if !acquire("b", t0.Add(19*time.Second)) {
		t.Fatal("b could not take an expired lease")
	}
	if acquire("a", t0.Add(20*time.Second)) {
		t.Fatal("a took back b's lease")
	}
}

func testEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		org := "org1"
		if i == 2 {
			org = "org2"
		}
		must(t, s.AppendEvent(ctx, store.Event{OrgID: org, At: t0.Add(time.Duration(i) * time.Second), Actor: "admin",
			RequestID: "r", Kind: "job.status", Subject: "j1", Data: `{"i":1}`}))
	}
	got, err := s.ListEvents(ctx, "org1", 0, 10)
	must(t, err)
	if len(got) != 4 || got[0].Kind != "job.status" || !got[3].At.Equal(t0.Add(4*time.Second)) {
		t.Fatalf("got %+v", got)
	}
	after, err := s.ListEvents(ctx, "org1", got[1].ID, 1)
	must(t, err)
	if len(after) != 1 || after[0].ID != got[2].ID {
		t.Fatalf("after %+v", after)
	}
	must(t, s.PruneEvents(ctx, 2))
	left, err := s.ListEvents(ctx, "org1", 0, 10)
	must(t, err)
	if len(left) != 2 || left[1].ID != got[3].ID {
		t.Fatalf("after prune %+v", left)
	}
}
