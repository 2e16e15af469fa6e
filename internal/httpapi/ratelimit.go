package httpapi

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// RateLimiter counts requests per key in one-minute windows that start with a key's first request
// (Okta's windows are not aligned to wall-clock minutes). It is safe for concurrent use; each
// process counts its own requests. Take answers in Okta's headers, TakeOPA in OPA's.
type RateLimiter struct {
	limit int
	now   func() time.Time

	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	count int
}

// quota is where a key stands after one more request.
type quota struct {
	allowed   bool
	remaining int
	reset     time.Time // when the window ends
}

// NewRateLimiter allows limit requests per key per minute.
func NewRateLimiter(limit int, now func() time.Time) *RateLimiter {
	return &RateLimiter{limit: limit, now: now, windows: map[string]*window{}}
}

func (l *RateLimiter) take(key string) quota {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	win := l.windows[key]
	if win == nil || now.Sub(win.start) >= time.Minute {
		if len(l.windows) > 10000 {
			l.sweep(now)
		}
		win = &window{start: now}
		l.windows[key] = win
	}
	allowed := win.count < l.limit
	if allowed {
		win.count++
	}
	return quota{allowed: allowed, remaining: l.limit - win.count, reset: win.start.Add(time.Minute)}
}

// Take counts one request for key, sets the X-Rate-Limit-* headers, and returns a 429 error when
// the key is over its limit.
func (l *RateLimiter) Take(w http.ResponseWriter, key string) error {
	q := l.take(key)
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(l.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(q.remaining))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(ceilUnix(q.reset), 10))
	if q.allowed {
		return nil
	}
	return oktaRateLimited()
}

// oktaRateLimited is Okta's 429 (its X-Rate-Limit-* headers are set apart).
func oktaRateLimited() *wire.Error {
	return &wire.Error{Status: http.StatusTooManyRequests, Code: wire.CodeRateLimit,
		Summary: "API call exceeded rate limit due to too many requests."}
}

// TakeOPA counts one request for key and, over the limit, returns OPA's 429 with
// X-RateLimit-Retry-At: the window's end in whole Unix seconds, rounded up so that it is always
// in the future (OPA's clients wait until then; a past value makes some wait a day).
func (l *RateLimiter) TakeOPA(key string) error {
	q := l.take(key)
	if q.allowed {
		return nil
	}
	return opaRateLimited(q.reset)
}

// opaRateLimited is OPA's 429 for a window that ends at reset.
func opaRateLimited(reset time.Time) *wire.Error {
	e := oktaRateLimited()
	e.Message = "Too Many Requests"
	e.Header = http.Header{"X-Ratelimit-Retry-At": {strconv.FormatInt(ceilUnix(reset), 10)}}
	return e
}

// ceilUnix is t in whole Unix seconds, rounded up: a client that waits until the advertised second
// must find its window over.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

// sweep drops finished windows so that the map stays bounded; the caller holds mu.
func (l *RateLimiter) sweep(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= time.Minute {
			delete(l.windows, k)
		}
	}
}
