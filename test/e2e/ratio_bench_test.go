package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// The ratio benchmarks serve one request through keyward and, in the same run, the very same
// answer (status, headers, body) from a bare net/http handler, over the same kind of client. On a
// shared machine absolute figures wander with the load; the ratio of the two, taken seconds apart,
// does not. They report:
//
//	ratio       bare time / keyward time for the same number of requests (1 = as fast as bare)
//	cpu-ratio   bare CPU / keyward CPU for them: steadier than ratio when other work shares the CPUs
//	cpu-us/req  CPU of the whole process (client and server) per keyward request
//	bare-cpu-us/req  the same for the bare server: the difference is keyward's own cost
//	p99-ms      the 99th percentile latency of keyward requests sent at half the measured rate
//
// ns/op and allocs/op count keyward's requests only.
const ratioConns = 16

// ratioRequest builds the request to time against a base URL.
type ratioRequest func(b *testing.B, base string) *http.Request

// benchRatio times b.N requests against keyward (at base) and b.N against a bare server answering
// what keyward answered to the first one, then a paced run at half keyward's rate for p99.
func benchRatio(b *testing.B, base string, newReq ratioRequest, wantStatus int) {
	b.Helper()
	status, header, body := fetch(b, newReq(b, base))
	if status != wantStatus {
		b.Fatalf("%d %s, want %d", status, body, wantStatus)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	b.Cleanup(bare.Close)

	// Warm both up so that connections are open before timing.
	hammer(b, base, newReq, wantStatus, 4*ratioConns)
	hammer(b, bare.URL, newReq, wantStatus, 4*ratioConns)

	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	kw := hammer(b, base, newReq, wantStatus, b.N)
	kwCPU := processCPU() - cpu0
	b.StopTimer()
	cpu0 = processCPU()
	bareTime := hammer(b, bare.URL, newReq, wantStatus, b.N)
	bareCPU := processCPU() - cpu0

	b.ReportMetric(float64(bareTime)/float64(kw), "ratio")
	b.ReportMetric(float64(bareCPU)/float64(max(kwCPU, 1)), "cpu-ratio")
	b.ReportMetric(float64(kwCPU.Microseconds())/float64(b.N), "cpu-us/req")
	b.ReportMetric(float64(bareCPU.Microseconds())/float64(b.N), "bare-cpu-us/req")
	b.ReportMetric(float64(len(body)), "bytes/answer")
	if b.N >= 200 {
		rate := float64(b.N) / kw.Seconds()
		b.ReportMetric(rate, "req/s")
		b.ReportMetric(float64(p99AtRate(b, base, newReq, wantStatus, rate/2).Microseconds())/1000, "p99-ms")
	}
	b.StartTimer()
}

func fetch(b *testing.B, req *http.Request) (int, http.Header, []byte) {
	b.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return resp.StatusCode, h, body
}

func ratioClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ratioConns, MaxConnsPerHost: ratioConns}}
}

// hammer sends n requests over ratioConns connections as fast as they are answered.
func hammer(b *testing.B, base string, newReq ratioRequest, wantStatus, n int) time.Duration {
	hc := ratioClient()
	defer hc.CloseIdleConnections()
	var left atomic.Int64
	left.Store(int64(n))
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Value
	for range ratioConns {
		wg.Go(func() {
			req := newReq(b, base)
			for left.Add(-1) >= 0 {
				if err := send(hc, req, wantStatus); err != "" {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func send(hc *http.Client, req *http.Request, wantStatus int) string {
	resp, err := hc.Do(req)
	if err != nil {
		return err.Error()
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err.Error()
	}
	if resp.StatusCode != wantStatus {
		return resp.Status
	}
	return ""
}

// p99AtRate sends requests at rate per second (open loop, spread over ratioConns connections) for
// about a second, at least 200, and returns the 99th percentile of their latencies, counted from
// when each was due so that a stall also delays the requests queued behind it.
func p99AtRate(b *testing.B, base string, newReq ratioRequest, wantStatus int, rate float64) time.Duration {
	n := max(200, int(rate))
	hc := ratioClient()
	defer hc.CloseIdleConnections()
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range ratioConns {
		wg.Go(func() {
			req := newReq(b, base)
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				due := start.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(due))
				if err := send(hc, req, wantStatus); err != "" {
					b.Error(err)
					return
				}
				lat[i] = time.Since(due)
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat[len(lat)*99/100]
}

// processCPU is the user and system time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRatio compares keyward with a bare server sending the same bytes, on each store:
// the agent pools page (50 pools × 10 agents, the default page), an Okta 429 (a known token over
// its org's limit), OPA's list of a resource group's projects and of a project's servers (pages
// of 100 out of 250).
//
//	go test -run '^$' -bench Ratio -benchtime 3000x ./test/e2e   (PostgreSQL with KEYWARD_TEST_POSTGRES_URL)
func BenchmarkRatio(b *testing.B) {
	for _, db := range backends {
		b.Run("agentPools/"+db.name, func(b *testing.B) {
			s := apptest.Start(b, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.RateLimit = 1 << 30
				c.TickInterval = time.Hour
			}})
			seedPools(b, s, 50, 10)
			benchRatio(b, s.URL, sswsGet("/api/v1/agentPools"), http.StatusOK)
		})
		b.Run("rateLimited/"+db.name, func(b *testing.B) {
			s := apptest.Start(b, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.RateLimit = 1
				c.TickInterval = time.Hour
			}})
			if status, body := call(b, s, http.MethodGet, "/api/v1/agentPools", nil); status != http.StatusOK {
				b.Fatalf("%d %s", status, body)
			}
			benchRatio(b, s.URL, sswsGet("/api/v1/agentPools"), http.StatusTooManyRequests)
		})
		b.Run("opaProjects/"+db.name, func(b *testing.B) {
			ctx := context.Background()
			s, c, svc, teamID := opaServer(b, db.postgres)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 250 {
				name := fmt.Sprintf("p%03d", i)
				if _, err := svc.CreateProject(ctx, teamID, rg.ID, pam.ProjectInput{Name: &name}); err != nil {
					b.Fatal(err)
				}
			}
			token := tradeKey(b, s, "acme", "key-1", opaKeySecret)
			benchRatio(b, s.URL, bearerGet(token, "/v1/teams/acme/resource_groups/"+rg.ID+"/projects?count=100"), http.StatusOK)
		})
		b.Run("opaServers/"+db.name, func(b *testing.B) {
			ctx := context.Background()
			s, c, _, teamID := opaServer(b, db.postgres)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			p, err := c.CreateProject(ctx, rg.ID, client.ProjectInput{Name: client.Ptr("fleet")})
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now().UTC()
			for i := range 250 {
				if err := s.App.Store().CreateServer(ctx, store.Server{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i),
					TeamID: teamID, ResourceGroupID: rg.ID, ProjectID: p.ID, Hostname: fmt.Sprintf("web-%03d.example", i),
					OSType: "linux", OS: "Ubuntu 24.04", AgentVersion: "1.90.0", Labels: map[string]string{"env": "prod"},
					CredentialHash: ids.Hash(fmt.Sprint("server-", i)), RegisteredAt: now, LastSeen: now}); err != nil {
					b.Fatal(err)
				}
			}
			token := tradeKey(b, s, "acme", "key-1", opaKeySecret)
			benchRatio(b, s.URL, bearerGet(token, "/v1/teams/acme/resource_groups/"+rg.ID+"/projects/"+p.ID+"/servers?count=100"), http.StatusOK)
		})
	}
}

func sswsGet(path string) ratioRequest {
	return func(b *testing.B, base string) *http.Request {
		return authorized(b, base+path)
	}
}

func bearerGet(token, path string) ratioRequest {
	return func(b *testing.B, base string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		return req
	}
}
