package events

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlite"
)

func TestRecordInTheChangesTransaction(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	l := New(Options{Store: s, Clock: clock.NewVirtual(at), Origin: func(ctx context.Context) (string, string) {
		actor, _ := ctx.Value(actorKey{}).(string)
		return actor, "req-1"
	}})
	wake := l.Notifier().Wait()

	// A change that rolls back takes its event with it.
	boom := errors.New("boom")
	err = s.InTx(ctx, func(q store.Queries) error {
		if err := l.Record(ctx, q, Change{Type: "job.status", Org: "o1", Resource: "job/j1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	<-wake // recording wakes the streams, even before the commit

	if err := l.Record(context.WithValue(ctx, actorKey{}, "admin-token"), nil, Change{Type: "clock.moved", Resource: "clock",
		Before: map[string]string{"now": "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(ctx, nil, Change{Type: "job.status", Org: "o1", Resource: "job/j2", After: func() {}}); err != nil {
		t.Fatal(err) // a summary that cannot be encoded is left out, not an error
	}
	es, err := s.ListEvents(ctx, store.EventFilter{OrgID: "o1", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Type != "clock.moved" || es[0].Actor != "admin-token" || es[0].RequestID != "req-1" ||
		!es[0].At.Equal(at) || es[0].Before != `{"now":"a"}` || es[0].After != "" || es[1].Actor != System || es[1].After != "" {
		t.Fatalf("events %+v", es)
	}
	var none *Log
	if err := none.Record(ctx, nil, Change{Type: "x"}); err != nil {
		t.Fatal(err)
	}
}

type actorKey struct{}

func TestRetentionFallsDueWithTheOldestEvent(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range 4 {
		if _, err := s.AppendEvent(ctx, store.Event{OrgID: "o", At: t0.Add(time.Duration(i) * time.Minute), Type: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	r := &Retention{Store: s, Max: 3, MaxAge: time.Hour}
	next, ok, err := r.Tick(ctx, t0.Add(time.Minute))
	if err != nil || !ok || !next.Equal(t0.Add(time.Minute+time.Hour)) {
		t.Fatalf("next due %v %v %v, want an hour after the oldest left", next, ok, err)
	}
	if _, ok, err := r.Tick(ctx, t0.Add(5*time.Hour)); ok || err != nil {
		t.Fatalf("all old: %v %v", ok, err)
	}
	if _, found, _ := s.OldestEvent(ctx); found {
		t.Fatal("events older than the age limit kept")
	}
}
