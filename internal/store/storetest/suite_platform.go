package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
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
	add := func(e store.Event) int64 {
		t.Helper()
		var id int64
		must(t, s.InTx(ctx, func(q store.Queries) error {
			var err error
			id, err = q.AppendEvent(ctx, e)
			return err
		}))
		return id
	}
	// org1: two job events and a checkout of a team; org2: one job event; the server: a clock move.
	j1 := add(store.Event{OrgID: "org1", At: t0, Actor: "admin", RequestID: "r1", Type: "job.status", Resource: "job/j1",
		Summary: "Scheduled to InProgress", Before: `{"status":"SCHEDULED"}`, After: `{"status":"IN_PROGRESS"}`})
	add(store.Event{OrgID: "org2", At: t0.Add(time.Second), Type: "job.status", Resource: "job/j9"})
	tm := add(store.Event{TeamID: "team1", At: t0.Add(2 * time.Second), Type: "checkout", Resource: "server_account/a1"})
	ag := add(store.Event{OrgID: "org1", At: t0.Add(3 * time.Second), Type: "agent.status", Resource: "agent/a1"})
	ck := add(store.Event{At: t0.Add(4 * time.Second), Type: "clock.moved", Resource: "clock"})
	list := func(f store.EventFilter) []int64 {
		t.Helper()
		if f.Limit == 0 {
			f.Limit = 10
		}
		es, err := s.ListEvents(ctx, f)
		must(t, err)
		out := []int64{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	eq := func(got []int64, want ...int64) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("got ids %v, want %v", got, want)
		}
	}
	eq(list(store.EventFilter{OrgID: "org1"}), j1, tm, ag, ck) // org2's event is not org1's
	es, err := s.ListEvents(ctx, store.EventFilter{OrgID: "org1", Limit: 1})
	must(t, err)
	if e := es[0]; e.Actor != "admin" || e.RequestID != "r1" || e.Summary != "Scheduled to InProgress" ||
		e.Before != `{"status":"SCHEDULED"}` || e.After != `{"status":"IN_PROGRESS"}` || !e.At.Equal(t0) || e.Resource != "job/j1" {
		t.Fatalf("event read back as %+v", e)
	}
	eq(list(store.EventFilter{OrgID: "org1", AfterID: j1, Limit: 2}), tm, ag)
	eq(list(store.EventFilter{OrgID: "org1", Since: t0.Add(3 * time.Second)}), ag, ck)
	eq(list(store.EventFilter{OrgID: "org1", Type: "job"}), j1)        // a dotted prefix
	eq(list(store.EventFilter{OrgID: "org1", Type: "job.status"}), j1) // exact
	eq(list(store.EventFilter{OrgID: "org1", Type: "jo"}))             // not a prefix of a part
	eq(list(store.EventFilter{OrgID: "org1", Resource: "agent"}), ag)
	eq(list(store.EventFilter{OrgID: "org1", Resource: "agent/a1"}), ag)
	eq(list(store.EventFilter{OrgID: "org2"}), j1+1, tm, ck)

	oldest, ok, err := s.OldestEvent(ctx)
	must(t, err)
	if !ok || !oldest.Equal(t0) {
		t.Fatalf("oldest %v %v", oldest, ok)
	}
	n, err := s.PruneEvents(ctx, 10, t0.Add(2*time.Second)) // by age: the first two go
	must(t, err)
	if n != 2 {
		t.Fatalf("pruned %d by age, want 2", n)
	}
	eq(list(store.EventFilter{OrgID: "org1"}), tm, ag, ck)
	n, err = s.PruneEvents(ctx, 1, time.Time{}) // by count: the newest stays
	must(t, err)
	if n != 2 {
		t.Fatalf("pruned %d by count, want 2", n)
	}
	eq(list(store.EventFilter{OrgID: "org1"}), ck)
	if next := add(store.Event{OrgID: "org1", At: t0}); next <= ck {
		t.Fatalf("id %d given out again after %d", next, ck)
	}
}

// testEventsVisibleInOrder appends events from concurrent transactions, each holding its
// transaction open a little after appending, while a reader tails the log by id: the reader must
// see every event, which it would not if a larger id could commit before a smaller one.
func testEventsVisibleInOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	const writers, each = 4, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.InTx(ctx, func(q store.Queries) error {
					if _, err := q.AppendEvent(ctx, store.Event{OrgID: "tail", At: t0, Type: "t", Summary: fmt.Sprint(w, i)}); err != nil {
						return err
					}
					_, err := q.ListEvents(ctx, store.EventFilter{OrgID: "tail", Limit: 1}) // more work before the commit
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	written := make(chan struct{})
	go func() { wg.Wait(); close(written) }()
	seen, cursor := map[int64]bool{}, int64(0)
	for done := false; !done; {
		select {
		case <-written:
			done = true // one more read after the last commit
		default:
		}
		es, err := s.ListEvents(ctx, store.EventFilter{OrgID: "tail", AfterID: cursor, Limit: 1000})
		must(t, err)
		for _, e := range es {
			seen[e.ID], cursor = true, e.ID
		}
	}
	all, err := s.ListEvents(ctx, store.EventFilter{OrgID: "tail", Limit: 1000})
	must(t, err)
	if len(all) != writers*each {
		t.Fatalf("%d events stored, want %d", len(all), writers*each)
	}
	for _, e := range all {
		if !seen[e.ID] {
			t.Fatalf("the reader never saw event %d: it became visible after a larger id", e.ID)
		}
	}
}
