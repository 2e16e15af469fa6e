//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// The hostile clients' shape: many idle connections from one address, and clients from another
// that ask for a large answer and never read it, against a server with few descriptors.
const (
	descriptorLimit = 256
	idleClients     = 500
	perClientLimit  = 100
	nonReaders      = 50
	inFlightLimit   = 4
	bigPools        = 100
	agentsPerPool   = 200
)

// TestBinaryHoldsUpUnderHostileClients runs keyward with a 256-descriptor limit, opens 500 idle
// keep-alive connections from 127.0.0.2 and 50 requests for a ~7 MB answer from 127.0.0.3 that
// are never read, and checks from 127.0.0.1 that /healthz and the API keep answering, that the
// idle client holds no more than its share of connections, and that memory stays below what 50
// copies of the answer would take. The figures it logs are in docs/limits.md.
func TestBinaryHoldsUpUnderHostileClients(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, addr, dataDir := buildBinary(t), freeAddr(t), t.TempDir()
	answerBytes := seedBigPools(t, dataDir)

	s := launch(t, addr, "/bin/sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, descriptorLimit), bin, "serve",
		"--addr", addr, "--data-dir", dataDir, "--rate-limit", "100000", "--idle-timeout", "10m",
		"--write-timeout", "20s", "--max-connections-per-client", strconv.Itoa(perClientLimit),
		"--max-concurrent-requests", strconv.Itoa(inFlightLimit))
	waitFor(t, s, "the server to start", func() bool { return s.healthy(addr) })
	baseline := metrics(t, addr)["process_resident_memory_bytes"]

	idle := holdIdle(t, addr)
	if idle > perClientLimit {
		t.Errorf("%d of %d idle connections from one address were served, want at most %d", idle, idleClients, perClientLimit)
	}
	refused := 0.0
	waitFor(t, s, "the server to refuse the idle client's extra connections", func() bool {
		refused = metrics(t, addr)["keyward_http_connections_refused_total"]
		return refused >= idleClients-perClientLimit
	})

	stuck := startNonReaders(t, addr)
	var peak float64
	answered := func() float64 {
		m := metrics(t, addr)
		peak = max(peak, m["process_resident_memory_bytes"])
		// Requests refused for want of a slot are refused before routing, counted as "overloaded".
		return m[`keyward_http_requests_total{route="GET /api/v1/agentPools",status="200"}`] +
			m[`keyward_http_requests_total{route="overloaded",status="503"}`]
	}
	healthzDuringAttack := 0
	waitFor(t, s, "every non-reading client's request to end", func() bool {
		if s.healthy(addr) {
			healthzDuringAttack++
		}
		return answered() >= nonReaders
	})
	if healthzDuringAttack == 0 {
		t.Error("/healthz never answered while the non-reading clients were being served")
	}
	waitFor(t, s, "an API call to answer 200", func() bool {
		status, body := request(t, "GET", "http://"+addr+"/api/v1/agentPools?poolType=LDAP", "")
		if status != 200 && (status != 503 || !strings.Contains(string(body), `"errorCode"`)) {
			t.Fatalf("API call: %d %s", status, body)
		}
		return status == 200
	})

	m := metrics(t, addr)
	t.Logf("answer %d bytes; RSS %.0f MB at rest, %.0f MB at peak; %d idle connections served, %.0f refused; %.0f connections open",
		answerBytes, baseline/1e6, peak/1e6, idle, refused, m["keyward_http_connections_open"])
	if open := m["keyward_http_connections_open"]; open > perClientLimit+nonReaders+8 {
		t.Errorf("%.0f connections open, want at most the idle client's %d, the %d non-readers and a few", open, perClientLimit, nonReaders)
	}
	// Unbounded, each of the 50 requests would hold its answer (and more) until its client read it.
	if limit := baseline + float64(nonReaders*answerBytes)*3/4; peak > limit {
		t.Errorf("RSS peaked at %.0f MB, want below %.0f MB (3/4 of %d copies of the answer over the %.0f MB at rest)",
			peak/1e6, limit/1e6, nonReaders, baseline/1e6)
	}
	close(stuck)
	s.stop(t)
}

// seedBigPools bootstraps dataDir as the binary would and adds pools whose listing is large,
// returning the size of that listing.
func seedBigPools(t *testing.T, dataDir string) int {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir, cfg.AdminToken = dataDir, binaryToken
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tok, err := a.Store().GetAPITokenByHash(ctx, ids.Hash(binaryToken))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	err = a.Store().InTx(ctx, func(q store.Queries) error {
		for i := range bigPools {
			p := store.Pool{ID: ids.New(ids.Pool), OrgID: tok.OrgID, Name: fmt.Sprintf("pool-%03d", i), Type: "AD", CreatedAt: now}
			if err := q.CreatePool(ctx, p); err != nil {
				return err
			}
			for j := range agentsPerPool {
				if err := q.CreateAgent(ctx, store.Agent{ID: ids.New(ids.Agent), OrgID: tok.OrgID, PoolID: p.ID,
					Name: fmt.Sprintf("agent-%03d-%03d.%s.corp.example.com", i, j, strings.Repeat("site", 25)), Type: "AD", Version: "3.20.0",
					Healthy: true, LastConnection: now, CreatedAt: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &countingWriter{header: http.Header{}}
	req, _ := http.NewRequest("GET", bigListing, nil)
	req.Header.Set("Authorization", "SSWS "+binaryToken)
	begun := time.Now()
	a.Handler().ServeHTTP(rec, req)
	t.Logf("the big listing takes %v alone", time.Since(begun))
	if rec.status != 200 || rec.n < 6<<20 {
		t.Fatalf("the big listing answered %d with %d bytes", rec.status, rec.n)
	}
	return rec.n
}

const bigListing = "/api/v1/agentPools?poolType=AD&limitPerPoolType=200"

type countingWriter struct {
	header http.Header
	status int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *countingWriter) Write(b []byte) (int, error) {
	w.WriteHeader(200)
	w.n += len(b)
	return len(b), nil
}

// dialFrom connects to addr from the loopback address from (all of 127/8 is loopback on Linux),
// with receive buffer rcvBuf when positive.
func dialFrom(from, addr string, rcvBuf int) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	if rcvBuf > 0 {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvBuf)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	return d.Dial("tcp", addr)
}

// holdIdle opens idleClients connections from 127.0.0.2, each making one keep-alive request and
// then staying open until the test ends; it returns how many were answered.
func holdIdle(t *testing.T, addr string) int {
	t.Helper()
	var (
		mu       sync.Mutex
		answered int
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, 50)
	for range idleClients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dialFrom("127.0.0.2", addr, 0)
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			_ = c.SetDeadline(time.Now().Add(time.Minute))
			if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: keyward\r\n\r\n"); err != nil {
				return
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				return // refused: closed at once
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			_ = c.SetDeadline(time.Time{})
			mu.Lock()
			answered++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return answered
}

// startNonReaders sends nonReaders requests for the big listing from 127.0.0.3 with tiny receive
// buffers and never reads the answers; closing the returned channel lets their connections go.
func startNonReaders(t *testing.T, addr string) chan struct{} {
	t.Helper()
	release := make(chan struct{})
	for range nonReaders {
		c, err := dialFrom("127.0.0.3", addr, 4096)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: keyward\r\nAuthorization: SSWS %s\r\n\r\n", bigListing, binaryToken); err != nil {
			t.Fatal(err)
		}
		go func() { <-release; c.Close() }()
	}
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	return release
}

// metrics scrapes /metrics into a map from series (name and labels as written) to value.
func metrics(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	status, body := request(t, "GET", "http://"+addr+"/metrics", "")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			out[line[:i]] = v
		}
	}
	return out
}

// waitFor polls cond until it holds, failing only when the server has exited or nothing came of
// it for a long while.
func waitFor(t *testing.T, s *server, what string, cond func() bool) {
	t.Helper()
	for begun := time.Now(); !cond(); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-s.done:
			t.Fatalf("waiting for %s: the server exited (%v); stderr:\n%s", what, err, s.stderr.String())
		default:
		}
		if time.Since(begun) > 2*time.Minute {
			t.Fatalf("waiting for %s: nothing after two minutes; stderr tail:\n%s", what, tail(withoutProbes(s.stderr.String())))
		}
	}
}

func tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}

// withoutProbes drops the log lines of the test's own polling.
func withoutProbes(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "/healthz") && !strings.Contains(l, "/metrics") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
