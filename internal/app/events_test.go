package app

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/httpapi/eventsapi"
)

// TestEventStreamOutlivesTimeoutsAndEndsOnShutdown follows the event stream past the server's
// read and write timeouts, then shuts the server down: the stream ends and Serve returns without
// waiting out its shutdown timeout.
func TestEventStreamOutlivesTimeoutsAndEndsOnShutdown(t *testing.T) {
	const token = "00stream-test-token-0123-abcdefghijklmnopqrstu"
	cfg := config.Default()
	cfg.DataDir, cfg.DatabaseURL, cfg.AdminToken, cfg.VirtualClock = t.TempDir(), "memory", token, true
	cfg.ReadTimeout, cfg.WriteTimeout, cfg.ShutdownTimeout = 100*time.Millisecond, 100*time.Millisecond, time.Hour
	url, cancel, served := openAndServe(t, cfg)
	defer cancel()

	req, _ := http.NewRequest("GET", url+"/keyward/v1/events/stream", nil)
	req.Header.Set("Authorization", "SSWS "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	time.Sleep(3 * cfg.WriteTimeout) // the stream is older than both timeouts now
	move, _ := http.NewRequest("POST", url+"/keyward/v1/clock", strings.NewReader(`{"advance":"1m"}`))
	move.Header.Set("Authorization", "SSWS "+token)
	move.Header.Set("Content-Type", "application/json")
	mresp, err := http.DefaultClient.Do(move)
	if err != nil || mresp.StatusCode != http.StatusOK {
		t.Fatalf("move the clock: %v %v", err, mresp)
	}
	mresp.Body.Close()
	seen := false
	for line := range lines {
		if seen = line == "event: clock.moved"; seen {
			break
		}
	}
	if !seen {
		t.Fatal("the stream ended before the clock moved")
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	for range lines { // the stream ends
	}
}

// TestEventStreamsAreBoundedAndHoldNoRequestSlots opens more event streams than the server has
// request slots: the API still answers, and streams past the per-org bound get 429 until one
// closes.
func TestEventStreamsAreBoundedAndHoldNoRequestSlots(t *testing.T) {
	const token = "00stream-test-token-0123-abcdefghijklmnopqrstu"
	cfg := config.Default()
	cfg.DataDir, cfg.DatabaseURL, cfg.AdminToken = t.TempDir(), "memory", token
	cfg.MaxConcurrentRequests = 2
	url := serveForTest(t, cfg)

	get := func(path string) *http.Response { return callAs(t, token, "GET", url+path) }
	var open []*http.Response
	for range eventsapi.DefaultMaxStreamsPerOrg {
		resp := get("/keyward/v1/events/stream")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: status %d", len(open)+1, resp.StatusCode)
		}
		open = append(open, resp)
	}
	over := get("/keyward/v1/events/stream")
	body, _ := io.ReadAll(over.Body)
	over.Body.Close()
	if over.StatusCode != http.StatusTooManyRequests || over.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), "E0000047") {
		t.Fatalf("a stream over the bound: %d %v %s", over.StatusCode, over.Header, body)
	}
	api := get("/api/v1/agentPools")
	api.Body.Close()
	if api.StatusCode != http.StatusOK {
		t.Fatalf("the API while streams are open: status %d", api.StatusCode)
	}
	open[0].Body.Close() // a closed stream gives its slot back
	for {
		resp := get("/keyward/v1/events/stream")
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a stream after one closed: status %d", resp.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, resp := range open[1:] {
		resp.Body.Close()
	}
}

// TestEventStreamEndsWhenItsTokenIsGone: an org reset deleting the admin tokens ends a stream
// opened with one, and the token no longer opens one.
func TestEventStreamEndsWhenItsTokenIsGone(t *testing.T) {
	const token = "00stream-test-token-0123-abcdefghijklmnopqrstu"
	cfg := config.Default()
	cfg.DataDir, cfg.DatabaseURL, cfg.AdminToken = t.TempDir(), "memory", token
	url := serveForTest(t, cfg)
	call := func(method, path string) *http.Response { return callAs(t, token, method, url+path) }

	stream := call("GET", "/keyward/v1/events/stream")
	defer stream.Body.Close()
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("stream: status %d", stream.StatusCode)
	}
	reset := call("POST", "/keyward/v1/reset?keepAdminToken=false")
	reset.Body.Close()
	if reset.StatusCode != http.StatusOK {
		t.Fatalf("reset: status %d", reset.StatusCode)
	}
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, stream.Body); ended <- err }()
	select {
	case err := <-ended:
		if err != nil {
			t.Fatalf("the stream broke instead of ending: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the stream went on after its token was deleted")
	}
	again := call("GET", "/keyward/v1/events/stream")
	again.Body.Close()
	if again.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a stream with the deleted token: status %d", again.StatusCode)
	}
}

// serveForTest serves an app of cfg until the test ends and returns its URL.
func serveForTest(t *testing.T, cfg config.Config) string {
	t.Helper()
	url, cancel, served := openAndServe(t, cfg)
	t.Cleanup(func() { cancel(); <-served })
	return url
}

// openAndServe opens an app of cfg and serves it until cancel; served answers Serve's result.
func openAndServe(t *testing.T, cfg config.Config) (url string, cancel func(), served <-chan error) {
	t.Helper()
	a, err := Open(context.Background(), cfg, quiet, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), cancel, done
}

// callAs sends a request with the admin token over a connection of its own.
func callAs(t *testing.T, token, method, url string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "SSWS "+token)
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
