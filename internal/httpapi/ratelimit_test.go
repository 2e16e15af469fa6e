package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// fakeClock is a limiter clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestRateLimiterWindows(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	clk := &fakeClock{t: t0}
	l := NewRateLimiter(3, clk.Now)
	steps := []struct {
		at        time.Duration // since t0
		key       string
		allowed   bool
		remaining int
		reset     time.Duration // since t0
	}{
		{0, "a", true, 2, time.Minute},
		{10 * time.Second, "a", true, 1, time.Minute},
		{20 * time.Second, "a", true, 0, time.Minute},
		{30 * time.Second, "a", false, 0, time.Minute},
		{30 * time.Second, "b", true, 2, 90 * time.Second}, // keys are counted apart
		{59 * time.Second, "a", false, 0, time.Minute},
		{60 * time.Second, "a", true, 2, 2 * time.Minute}, // a new window starts with the next request
		{61 * time.Second, "b", true, 1, 90 * time.Second},
	}
	for i, s := range steps {
		clk.t = t0.Add(s.at)
		w := httptest.NewRecorder()
		err := l.Take(w, s.key)
		if (err == nil) != s.allowed {
			t.Fatalf("step %d: err %v, want allowed=%v", i, err, s.allowed)
		}
		if err != nil {
			var e *wire.Error
			if !errors.As(err, &e) || e.Status != http.StatusTooManyRequests || e.Code != "E0000047" {
				t.Errorf("step %d: error %v, want 429 E0000047", i, err)
			}
		}
		h := w.Header()
		if h.Get("X-Rate-Limit-Limit") != "3" || h.Get("X-Rate-Limit-Remaining") != strconv.Itoa(s.remaining) ||
			h.Get("X-Rate-Limit-Reset") != strconv.FormatInt(t0.Add(s.reset).Unix(), 10) {
			t.Errorf("step %d: headers limit=%s remaining=%s reset=%s, want 3 %d %d", i, h.Get("X-Rate-Limit-Limit"),
				h.Get("X-Rate-Limit-Remaining"), h.Get("X-Rate-Limit-Reset"), s.remaining, t0.Add(s.reset).Unix())
		}
	}
}

func TestRateLimiterExactUnderConcurrency(t *testing.T) {
	const goroutines, perGoroutine, limit = 32, 40, 517
	l := NewRateLimiter(limit, time.Now)
	var allowed, denied atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perGoroutine {
				if l.Take(httptest.NewRecorder(), "org:1") == nil {
					allowed.Add(1)
				} else {
					denied.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != limit || denied.Load() != goroutines*perGoroutine-limit {
		t.Errorf("allowed %d denied %d, want %d and %d", allowed.Load(), denied.Load(), limit, goroutines*perGoroutine-limit)
	}
}

func TestRateLimitOverHTTP(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	const limit = 5
	f := newFixture(t, fixtureOptions{limit: limit, now: clk.Now})
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	get := func(path string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range limit {
		resp := get("/api/v1/things", f.ssws(f.admin)...)
		if resp.StatusCode != 200 || resp.Header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(limit-1-i) {
			t.Fatalf("request %d: %d remaining %q", i, resp.StatusCode, resp.Header.Get("X-Rate-Limit-Remaining"))
		}
	}
	// The org's other token and the other operations share its bucket.
	for _, path := range []string{"/api/v1/things", "/api/v1/panic"} {
		resp := get(path, f.ssws(f.user)...)
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("%s over the limit: %d", path, resp.StatusCode)
		}
		reset, err := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
		if err != nil || reset <= clk.Now().Unix() {
			t.Errorf("X-Rate-Limit-Reset %q: want epoch seconds after now", resp.Header.Get("X-Rate-Limit-Reset"))
		}
		if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
			t.Errorf("Date %q: %v", resp.Header.Get("Date"), err)
		}
		if resp.Header.Get("X-Rate-Limit-Remaining") != "0" || resp.Header.Get("X-Rate-Limit-Limit") != strconv.Itoa(limit) {
			t.Errorf("headers on 429: %v", resp.Header)
		}
	}
	w := f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...)
	if e := decodeOkta(t, w); w.Code != 429 || e.ErrorCode != "E0000047" {
		t.Errorf("%d %s", w.Code, w.Body)
	}
	// Unauthenticated callers are counted by address, apart from the org, and still see the headers.
	if resp := get("/api/v1/things"); resp.StatusCode != 401 || resp.Header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(limit-1) {
		t.Errorf("no token: %d remaining %q", resp.StatusCode, resp.Header.Get("X-Rate-Limit-Remaining"))
	}
	clk.Add(time.Minute)
	if resp := get("/api/v1/things", f.ssws(f.admin)...); resp.StatusCode != 200 {
		t.Errorf("next window: %d", resp.StatusCode)
	}
}

func TestRateLimitHeadersOnEveryAgentPoolsResponse(t *testing.T) {
	f := newFixture(t, fixtureOptions{maxBody: 1024})
	cases := []struct {
		name, method, path, body string
		header                   []string
		status                   int
	}{
		{"ok", "GET", "/api/v1/things", "", f.ssws(f.admin), 200},
		{"created", "POST", "/api/v1/things", `{"name":"x"}`, f.ssws(f.admin), 201},
		{"malformed", "POST", "/api/v1/things", `{`, f.ssws(f.admin), 400},
		{"no token", "GET", "/api/v1/things", "", nil, 401},
		{"insufficient scope", "POST", "/api/v1/things", `{}`, []string{"Authorization", "Bearer good-access-token"}, 403},
		{"too large", "POST", "/api/v1/things", `"` + string(make([]byte, 2048)) + `"`, f.ssws(f.admin), 413},
		{"media type", "POST", "/api/v1/things", `x`, append(f.ssws(f.admin), "Content-Type", "text/plain"), 415},
		{"panic", "GET", "/api/v1/panic", "", f.ssws(f.admin), 500},
	}
	for _, c := range cases {
		w := f.do(c.method, c.path, c.body, c.header...)
		if w.Code != c.status {
			t.Errorf("%s: status %d, want %d", c.name, w.Code, c.status)
		}
		for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-Okta-Request-Id"} {
			if w.Header().Get(h) == "" {
				t.Errorf("%s: no %s", c.name, h)
			}
		}
	}
}

func TestRateLimitExactOverHTTPUnderConcurrency(t *testing.T) {
	const goroutines, perGoroutine, limit = 8, 20, 37
	f := newFixture(t, fixtureOptions{limit: limit})
	var ok, limited, other atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perGoroutine {
				switch f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...).Code {
				case 200:
					ok.Add(1)
				case 429:
					limited.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if ok.Load() != limit || limited.Load() != goroutines*perGoroutine-limit || other.Load() != 0 {
		t.Errorf("200: %d, 429: %d, other: %d; want %d, %d, 0", ok.Load(), limited.Load(), other.Load(),
			limit, goroutines*perGoroutine-limit)
	}
}

// TestRateLimitHeadersOnUnmatchedAndOAuth: Okta sends the headers on every /api/v1 and /oauth2
// response, including paths that do not exist, each counted in its own bucket.
func TestRateLimitHeadersOnUnmatchedAndOAuth(t *testing.T) {
	f := newFixture(t, fixtureOptions{limit: 2})
	for _, path := range []string{"/api/v1/nothing", "/oauth2/v1/nothing"} {
		first := f.do("GET", path, "")
		if first.Code != http.StatusNotFound || first.Header().Get("X-Rate-Limit-Remaining") != "1" {
			t.Fatalf("%s: status %d remaining %q", path, first.Code, first.Header().Get("X-Rate-Limit-Remaining"))
		}
		f.do("GET", path, "")
		over := f.do("GET", path, "")
		if over.Code != http.StatusTooManyRequests || decodeOkta(t, over).ErrorCode != "E0000047" {
			t.Fatalf("%s: third request got %d", path, over.Code)
		}
	}
	if w := f.do("GET", "/healthz", ""); w.Header().Get("X-Rate-Limit-Limit") != "" {
		t.Fatal("operator endpoints are not rate limited")
	}
}

// A client told to wait until X-Rate-Limit-Reset must be let through at that second, even when
// its window started part-way through a second.
func TestRateLimitResetIsRoundedUp(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 700_000_000)
	clk := &fakeClock{t: t0}
	l := NewRateLimiter(1, clk.Now)
	if err := l.Take(httptest.NewRecorder(), "k"); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	if err := l.Take(w, "k"); err == nil {
		t.Fatal("second request in the window allowed")
	}
	reset, err := strconv.ParseInt(w.Header().Get("X-Rate-Limit-Reset"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	clk.t = time.Unix(reset, 0)
	if err := l.Take(httptest.NewRecorder(), "k"); err != nil {
		t.Errorf("refused at the advertised reset %d: %v", reset, err)
	}
	if want := t0.Add(time.Minute).Unix() + 1; reset != want {
		t.Errorf("reset %d, want %d", reset, want)
	}
}

// A caller over its limit whose token was just verified is refused before any database work:
// with the store closed, it still gets its 429 (not a 500), while a token not seen before cannot
// be checked.
func TestRateLimitRefusesKnownCallerWithoutTheStore(t *testing.T) {
	f := newFixture(t, fixtureOptions{limit: 1})
	if w := f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...); w.Code != http.StatusOK {
		t.Fatalf("first request: %d %s", w.Code, w.Body)
	}
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	w := f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...)
	if e := decodeOkta(t, w); w.Code != http.StatusTooManyRequests || e.ErrorCode != "E0000047" {
		t.Fatalf("over the limit: %d %s", w.Code, w.Body)
	}
	if w := f.do("GET", "/api/v1/things", "", f.ssws(f.user)...); w.Code != http.StatusInternalServerError {
		t.Fatalf("a token not verified yet, store closed: %d %s", w.Code, w.Body)
	}
}
