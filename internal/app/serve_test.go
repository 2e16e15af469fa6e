package app

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/config"
)

// slowApp is an app whose GET /test/slow answers "done" once release is closed; every other
// request goes to the real handler.
func slowApp(t *testing.T, shutdownTimeout time.Duration) (a *App, started chan struct{}, release chan struct{}) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir, cfg.DatabaseURL, cfg.ShutdownTimeout = t.TempDir(), "memory", shutdownTimeout
	cfg.AdminToken = "00shutdown-test-token-0123-abcdefghijklmnopqrs"
	a, err := Open(context.Background(), cfg, quiet, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	started, release = make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /test/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	})
	mux.Handle("/", a.handler)
	a.handler = mux
	return a, started, release
}

type result struct {
	status int
	body   string
	err    error
}

func get(url string) result {
	resp, err := http.Get(url)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), err: err}
}

func TestShutdownFinishesInFlightRequest(t *testing.T) {
	a, started, release := slowApp(t, 10*time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	if r := get(url + "/healthz"); r.status != 200 {
		t.Fatalf("healthz: %+v", r)
	}

	slow := make(chan result, 1)
	go func() { slow <- get(url + "/test/slow") }()
	<-started
	cancel()
	// Serve must wait for the request; new connections are refused meanwhile.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) while a request was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if r := <-slow; r.err != nil || r.status != 200 || r.body != "done" {
		t.Errorf("in-flight request: %+v", r)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request")
	}
}

func TestShutdownGivesUpAfterTimeout(t *testing.T) {
	a, started, release := slowApp(t, 100*time.Millisecond)
	defer close(release)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	go get("http://" + ln.Addr().String() + "/test/slow")
	<-started
	begun := time.Now()
	cancel()
	select {
	case err := <-served:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Serve: %v, want the shutdown deadline", err)
		}
		if d := time.Since(begun); d > 2*time.Second {
			t.Errorf("shutdown took %v with a 100ms timeout", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not give up on the stuck request")
	}
}
