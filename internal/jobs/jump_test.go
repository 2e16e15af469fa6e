package jobs_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/store"
)

// One jump runs the due moments of two kinds of work (one scanning its own records, one kept as
// claimed work items) in one global time order, each piece at its own moment.
func TestJumpRunsEveryKindInTimeOrder(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		ctx := context.Background()
		s := open()
		vc := clock.NewVirtual(t0)
		r := runnerOn(s, jobs.Options{Clock: vc})
		log := &journal{}
		r.Register(&reminders{name: "reminders", log: log, due: map[string]time.Time{
			"r0": t0, "r1": t0.Add(10 * time.Minute), "r2": t0.Add(40 * time.Minute), "r3": t0.Add(3 * time.Hour),
		}})
		r.RegisterItems("expiry", func(ctx context.Context, it store.WorkItem, now time.Time) error {
			log.add("expiry", it.ID, now)
			return nil
		})
		for id, at := range map[string]time.Duration{"e1": 5 * time.Minute, "e2": 10 * time.Minute, "e3": 25 * time.Minute, "e4": 2 * time.Hour} {
			must(t, s.AddWorkItem(ctx, store.WorkItem{Kind: "expiry", ID: id, DueAt: t0.Add(at)}))
		}

		must(t, r.Advance(ctx, t0.Add(150*time.Minute)))

		at := func(m time.Duration) time.Time { return t0.Add(m * time.Minute) }
		want := []entry{
			{"reminders", "r0", t0},
			{"expiry", "e1", at(5)},
			{"reminders", "r1", at(10)}, // same moment: kinds tick in registration order
			{"expiry", "e2", at(10)},
			{"expiry", "e3", at(25)},
			{"reminders", "r2", at(40)},
			{"expiry", "e4", at(120)},
		}
		if got := log.all(); !slices.Equal(got, want) {
			t.Fatalf("the jump ran\n%v\nwant\n%v", got, want)
		}
		if !vc.Now().Equal(at(150)) {
			t.Errorf("clock at %s after the jump", vc.Now())
		}
		if _, ok, err := s.NextWorkItemDue(ctx, "expiry", t0); err != nil || ok {
			t.Errorf("work items left after they ran: %v %v", ok, err)
		}
	})
}

// A kind that cannot see its work stops the jump at that moment: the clock stays there and no
// later work of any kind runs; the next jump carries on from there.
func TestJumpStopsWhereAKindCannotSeeItsWork(t *testing.T) {
	onBoth(t, func(t *testing.T, open func() store.Store) {
		ctx, vc, log := context.Background(), clock.NewVirtual(t0), &journal{}
		r := runnerOn(open(), jobs.Options{Clock: vc})
		broken := &reminders{name: "broken", log: log, fail: t0.Add(20 * time.Minute),
			due: map[string]time.Time{"b1": t0.Add(20 * time.Minute)}}
		r.Register(broken)
		r.Register(&reminders{name: "fine", log: log, due: map[string]time.Time{
			"f1": t0.Add(10 * time.Minute), "f2": t0.Add(30 * time.Minute)}})

		if err := r.Advance(ctx, t0.Add(time.Hour)); !errors.Is(err, errCannotSee) {
			t.Fatalf("jump over a kind that cannot see its work: %v", err)
		}
		if !vc.Now().Equal(t0.Add(20 * time.Minute)) {
			t.Fatalf("clock at %s, want it left at the failing moment", vc.Now())
		}
		if got := log.all(); len(got) != 1 || got[0].item != "f1" {
			t.Fatalf("ran %v, want only what was due before the failure", got)
		}
		broken.mu.Lock()
		broken.fail = time.Time{}
		broken.mu.Unlock()
		now, err := r.AdvanceBy(ctx, 40*time.Minute)
		must(t, err)
		if got := log.all(); !now.Equal(t0.Add(time.Hour)) || len(got) != 3 || got[1].item != "b1" || got[2].item != "f2" {
			t.Fatalf("after the second jump to %s: %v", now, got)
		}
	})
}

func TestRealClockCannotJump(t *testing.T) {
	r := jobs.New(jobs.Options{Clock: clock.Real{}, Interval: time.Second})
	if err := r.Advance(context.Background(), time.Now().Add(time.Hour)); !errors.Is(err, jobs.ErrRealClock) {
		t.Errorf("Advance: %v", err)
	}
	if _, err := r.AdvanceBy(context.Background(), time.Hour); !errors.Is(err, jobs.ErrRealClock) {
		t.Errorf("AdvanceBy: %v", err)
	}
}
