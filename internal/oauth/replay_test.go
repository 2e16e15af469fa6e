package oauth_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/oauth"
)

func TestMemoryReplay(t *testing.T) {
	c := &clock{now: t0}
	r := &oauth.MemoryReplay{Now: c.Now}
	ctx := context.Background()
	steps := []struct {
		advance  time.Duration
		client   string
		jti      string
		expires  time.Duration // after t0
		wantSeen bool
		wantLen  int
	}{
		{0, "a", "j1", time.Hour, false, 1},
		{0, "a", "j1", time.Hour, true, 1},
		{0, "b", "j1", time.Hour, false, 2},
		{0, "a", "j2", 10 * time.Minute, false, 3},
		{10 * time.Minute, "a", "j3", time.Hour, false, 3}, // j2 pruned, j3 added
		{0, "a", "j2", 2 * time.Hour, false, 4},            // expired entry forgotten
		{50 * time.Minute, "a", "j4", 2 * time.Hour, false, 2},
		{0, "a", "j1", 2 * time.Hour, false, 3},
	}
	for i, s := range steps {
		c.Add(s.advance)
		seen, err := r.Seen(ctx, s.client, s.jti, t0.Add(s.expires))
		if err != nil || seen != s.wantSeen || r.Len() != s.wantLen {
			t.Fatalf("step %d: seen=%v err=%v len=%d; want seen=%v len=%d", i, seen, err, r.Len(), s.wantSeen, s.wantLen)
		}
	}
}

func TestMemoryReplayConcurrent(t *testing.T) {
	var r oauth.MemoryReplay
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			seen, err := r.Seen(context.Background(), "a", "same", time.Now().Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if !seen {
				fresh.Add(1)
			}
		})
	}
	wg.Wait()
	if fresh.Load() != 1 {
		t.Fatalf("%d callers saw a fresh jti, want 1", fresh.Load())
	}
}
