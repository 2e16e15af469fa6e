package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testClaims(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, id := range []string{"c", "a", "b"} {
		must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "expiry", ID: id, DueAt: t0.Add(time.Duration(i) * time.Minute)}))
	}
	must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "rotation", ID: "a", DueAt: t0}))
	wantErr(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "expiry", ID: "a", DueAt: t0}), store.ErrConflict)
	// Ensuring an item already there changes nothing, inside a transaction that goes on.
	must(t, s.InTx(ctx, func(q store.Queries) error {
		if err := q.EnsureWorkItem(ctx, store.WorkItem{Kind: "expiry", ID: "a", DueAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		return q.EnsureWorkItem(ctx, store.WorkItem{Kind: "ensured", ID: "b", DueAt: t0})
	}))
	if next, ok, err := s.NextWorkItemDue(ctx, "ensured", t0.Add(-time.Second)); err != nil || !ok || !next.Equal(t0) {
		t.Fatalf("ensured next due %v %v %v", next, ok, err)
	}

	next, ok, err := s.NextWorkItemDue(ctx, "expiry", t0)
	must(t, err)
	if !ok || !next.Equal(t0.Add(time.Minute)) {
		t.Fatalf("next due after t0: %s %v", next, ok)
	}
	if _, ok, err := s.NextWorkItemDue(ctx, "expiry", t0.Add(2*time.Minute)); err != nil || ok {
		t.Fatalf("next due after the last item: %v %v", ok, err)
	}

	real0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) // claims run on real time, apart from due times
	claim := func(holder string, due, now time.Time, limit int) []string {
		t.Helper()
		var got []store.WorkItem
		must(t, s.InTx(ctx, func(q store.Queries) error {
			var err error
			got, err = q.ClaimWorkItems(ctx, "expiry", holder, due, now, now.Add(time.Minute), limit)
			return err
		}))
		var names []string
		for _, it := range got {
			if it.ClaimedBy != holder || it.Kind != "expiry" {
				t.Fatalf("claimed %+v for %s", it, holder)
			}
			names = append(names, it.ID)
		}
		return names
	}
	if got := claim("p1", t0.Add(time.Minute), real0, 10); len(got) != 2 || got[0] != "c" || got[1] != "a" {
		t.Fatalf("p1 claimed %v, want the two due items earliest first", got)
	}
	if got := claim("p2", t0.Add(time.Hour), real0.Add(59*time.Second), 10); len(got) != 1 || got[0] != "b" {
		t.Fatalf("p2 claimed %v, want only the item nobody holds", got)
	}
	must(t, s.FinishWorkItem(ctx, "expiry", "c", "p1"))
	wantErr(t, s.FinishWorkItem(ctx, "expiry", "a", "p2"), store.ErrStale)
	// p1's claim on "a" expires: p2 takes it over (not its own b, still claimed) and p1 can no
	// longer finish it.
	if got := claim("p2", t0.Add(time.Hour), real0.Add(time.Minute), 10); len(got) != 1 || got[0] != "a" {
		t.Fatalf("p2 claimed %v after p1's claim expired, want a", got)
	}
	wantErr(t, s.FinishWorkItem(ctx, "expiry", "a", "p1"), store.ErrStale)
	must(t, s.FinishWorkItem(ctx, "expiry", "a", "p2"))
	if got := claim("p3", t0.Add(time.Hour), real0.Add(time.Hour), 10); len(got) != 1 || got[0] != "b" {
		t.Fatalf("p3 claimed %v, want the one unfinished item", got)
	}
}
