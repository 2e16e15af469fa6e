package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/store/storetest"
)

// Simulated agents in the benchmark, in virtual time: they heartbeat every 30 s, an install
// takes a minute, and an updated agent reconnects 10 s after reporting it installed. The
// virtual clock moves in steps of benchStep; every event falls on a step.
const (
	benchHeartbeat = 30 * time.Second
	benchInstall   = time.Minute
	benchReconnect = 10 * time.Second
	benchStep      = 5 * time.Second
	benchPoolSize  = 10 // agents per pool: a directory's handful of agents, as in real AD estates
	benchWorkers   = 64 // agents acting at once within a step
	// Pools set up at once: creating jobs reads whole pools, so on PostgreSQL (SERIALIZABLE)
	// many at once mostly conflict with each other.
	benchSetupWorkers = 8
)

// BenchmarkRollout10k measures a window opening on 10,000 agents (1,000 pools of 10, one
// scheduled job each) until every agent is Success. The server runs in its own process with a
// virtual clock; the agents are driven in virtual time (see benchFleet), so the run is
// deterministic and the 30 s heartbeat interval is honoured exactly, with the clock compressed.
// KEYWARD_BENCH_AGENTS overrides the number of agents for a quick run.
func BenchmarkRollout10k(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("KEYWARD_BENCH_AGENTS")); err == nil && v > 0 {
		n = v
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				url := ""
				if backend == "postgres" {
					url = storetest.PostgresURL(b)
				}
				p := startProcess(b, url)
				f := newBenchFleet(b, p, n)
				f.runRollout(b)
			}
		})
	}
}

// benchFleet drives simulated agents step by step in virtual time.
type benchFleet struct {
	c      *client.Client
	hc     *http.Client
	p      *process
	agents []*benchAgent
	open   time.Time // the window opening
}

type benchAgent struct {
	api                    *client.Agent
	version                string
	nextHeartbeat          time.Time
	in                     *client.Instruction
	installAt, reconnectAt time.Time // zero when not in that phase
	done                   bool
}

func newBenchFleet(b *testing.B, p *process, n int) *benchFleet {
	ctx := context.Background()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = benchWorkers
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	f := &benchFleet{c: client.New(p.URL, client.WithToken(apptest.AdminToken), client.WithHTTPClient(hc)), hc: hc, p: p}
	clk, err := f.c.GetClock(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// The window opens at the next 02:00 UTC at least an hour away, for four hours.
	f.open = clk.Now.UTC().Truncate(24 * time.Hour).Add(2 * time.Hour)
	for !f.open.After(clk.Now.Add(time.Hour)) {
		f.open = f.open.Add(24 * time.Hour)
	}
	schedule := map[string]any{"cron": "0 2 * * *", "timezone": "UTC", "duration": 240}
	f.agents = make([]*benchAgent, n)
	errs := parallel(n/benchPoolSize, benchSetupWorkers, func(pool int) error {
		return f.setUpPool(ctx, pool, schedule)
	})
	if errs != nil {
		b.Fatal(errs)
	}
	for i, a := range f.agents {
		// Spread the heartbeats over the interval, pools' agents apart from each other.
		a.nextHeartbeat = f.open.Add(time.Duration((i*7919)%n) * benchHeartbeat / time.Duration(n)).Truncate(benchStep)
	}
	return f
}

// setUpPool creates a pool, registers its agents and creates its scheduled job.
func (f *benchFleet) setUpPool(ctx context.Context, pool int, schedule map[string]any) error {
	p, err := f.c.CreatePool(ctx, fmt.Sprintf("bench-%04d", pool), "AD")
	if err != nil {
		return err
	}
	tok, err := f.c.CreateRegistrationToken(ctx, p.ID)
	if err != nil {
		return err
	}
	var list []map[string]string
	for i := range benchPoolSize {
		reg, err := f.c.Register(ctx, tok.Token, client.RegisterRequest{Name: fmt.Sprintf("dc-%d", i), Version: oldVersion})
		if err != nil {
			return err
		}
		f.agents[pool*benchPoolSize+i] = &benchAgent{api: f.c.Agent(reg.Credential), version: oldVersion}
		list = append(list, map[string]string{"id": reg.AgentID})
	}
	body := map[string]any{"name": "nightly", "agentType": "AD", "enabled": true, "agents": list, "schedule": schedule}
	for range 5 { // a 409 means the transaction lost to concurrent ones and changed nothing
		if err = postJSON(ctx, f.hc, f.p.URL+"/api/v1/agentPools/"+p.ID+"/updates", body); !errors.Is(err, errConflict) {
			break
		}
	}
	return err
}

// runRollout opens the window and steps the clock until every agent is Success, timing it.
func (f *benchFleet) runRollout(b *testing.B) {
	ctx := context.Background()
	if _, err := f.c.SetClock(ctx, f.open.Add(-benchStep)); err != nil {
		b.Fatal(err)
	}
	f.p.resetPeak()
	cpu0, wall0 := f.p.cpu(b), time.Now()
	var requests atomic.Int64
	b.StartTimer()
	now, done := f.open, 0
	for done < len(f.agents) {
		if _, err := f.c.SetClock(ctx, now); err != nil {
			b.Fatal(err)
		}
		if err := parallel(len(f.agents), benchWorkers, func(i int) error { return f.agents[i].act(ctx, now, &requests) }); err != nil {
			b.Fatal(err)
		}
		done = 0
		for _, a := range f.agents {
			if a.done {
				done++
			}
		}
		now = now.Add(benchStep)
		if now.Sub(f.open) > 4*time.Hour {
			b.Fatalf("window closed with %d of %d agents updated", done, len(f.agents))
		}
	}
	b.StopTimer()
	wall, cpu := time.Since(wall0), f.p.cpu(b)-cpu0
	b.ReportMetric(now.Sub(f.open).Minutes(), "virtual-min")
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(cpu.Seconds(), "server-cpu-s")
	b.ReportMetric(float64(f.p.peakRSS(b))/(1<<20), "server-peak-MB")
	b.ReportMetric(float64(requests.Load())/wall.Seconds(), "agent-req/s")
	f.verify(b)
}

// act does what agent a does at virtual time now.
func (a *benchAgent) act(ctx context.Context, now time.Time, requests *atomic.Int64) error {
	switch {
	case !a.installAt.IsZero() && !now.Before(a.installAt):
		a.installAt, a.reconnectAt = time.Time{}, now.Add(benchReconnect)
		requests.Add(1)
		return a.api.ReportProgress(ctx, a.in.ID, client.Progress{State: client.ProgressInstalled})
	case !a.reconnectAt.IsZero() && !now.Before(a.reconnectAt):
		a.reconnectAt, a.version, a.done = time.Time{}, a.in.TargetVersion, true
		a.nextHeartbeat = now
	}
	if !a.installAt.IsZero() || !a.reconnectAt.IsZero() || now.Before(a.nextHeartbeat) {
		return nil // installing, or not yet time
	}
	a.nextHeartbeat = now.Add(benchHeartbeat)
	requests.Add(1)
	res, err := a.api.Heartbeat(ctx, client.HeartbeatRequest{Version: a.version, Healthy: true})
	if err != nil || res.Instruction == nil {
		return err
	}
	if a.done {
		return fmt.Errorf("instruction %+v for an updated agent", res.Instruction)
	}
	a.in, a.installAt = res.Instruction, now.Add(benchInstall)
	requests.Add(1)
	return a.api.ReportProgress(ctx, a.in.ID, client.Progress{State: client.ProgressStarted})
}

// verify checks through the Okta API that every agent is Success on the new version.
func (f *benchFleet) verify(b *testing.B) {
	pools, err := f.c.ListAgentPools(context.Background(), "AD")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, p := range pools {
		for _, a := range p.Agents {
			if a.UpdateStatus != success || a.Version != newVersion {
				b.Fatalf("agent %s of %s: %s on %s", a.Name, p.Name, a.UpdateStatus, a.Version)
			}
			n++
		}
	}
	if n != len(f.agents) {
		b.Fatalf("%d agents listed, want %d", n, len(f.agents))
	}
}

// parallel runs fn(0…n-1) on that many goroutines and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	wg.Wait()
	return first
}

// postJSON posts body to an Agent Pools API url with the admin token and expects 201.
func postJSON(ctx context.Context, hc *http.Client, url string, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	switch resp.StatusCode {
	case http.StatusCreated:
		return nil
	case http.StatusConflict:
		return fmt.Errorf("POST %s: %w: %s", url, errConflict, msg)
	}
	return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, msg)
}

var errConflict = errors.New("409 conflict")
