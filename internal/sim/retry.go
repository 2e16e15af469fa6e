package sim

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/keyward/keyward/client"
)

// Backoff bounds the retries of one call to keyward.
type Backoff struct {
	// Attempts is the total number of tries, at least 1.
	Attempts int
	// Initial is the wait after the first failure; it doubles up to Max.
	Initial, Max time.Duration
}

// DefaultBackoff is used when a Behaviour's Retry is zero.
var DefaultBackoff = Backoff{Attempts: 5, Initial: 250 * time.Millisecond, Max: 5 * time.Second}

func (b Backoff) orDefault() Backoff {
	if b.Attempts <= 0 {
		return DefaultBackoff
	}
	return b
}

// retryable reports whether a failed call may succeed if tried again:
// network errors and the server's transient statuses.
func retryable(err error) bool {
	switch client.StatusCode(err) {
	case 0, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retry calls fn until it succeeds, fails for good, runs out of attempts or
// ctx is cancelled, waiting with jittered exponential backoff in between.
func retry(ctx context.Context, b Backoff, fn func(context.Context) error) error {
	b = b.orDefault()
	delay := b.Initial
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil || ctx.Err() != nil || !retryable(err) || attempt >= b.Attempts {
			return err
		}
		// Wait between delay/2 and delay so that agents do not retry in step.
		wait := delay/2 + rand.N(delay/2+1)
		if !sleep(ctx, wait) {
			return err
		}
		delay = min(2*delay, b.Max)
	}
}

// sleep waits for d or until ctx is done; it reports whether the full
// duration elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
