package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward/client"
)

// reportGrace bounds how long an instruction report may go on after the sim is stopped.
const reportGrace = 10 * time.Second

// ServerFleet is a set of simulated OPA servers enrolled with one enrollment token. Each
// heartbeats at the configured interval, reporting its local accounts, and carries out the
// instructions it is handed, failing each with the configured probability.
type ServerFleet struct {
	cfg     Config
	hc      *http.Client
	stats   *ServerStats
	servers []*simServer
	// failNext counts the instructions still to fail whatever the failure rate (FailNext).
	failNext atomic.Int64
}

// simServer is one simulated server.
type simServer struct {
	hostname  string
	accounts  []string
	api       *client.ServerAgent
	rng       *rand.Rand
	passwords passwords
}

// NewServerFleet enrolls cfg.Servers servers named <ServerPrefix>-<i>, each with
// cfg.AccountsPerServer local accounts (root, then user-1, user-2, …), a few at a time.
// Enrolling again with the same names re-enrolls the same servers.
func NewServerFleet(ctx context.Context, cfg Config, log io.Writer) (*ServerFleet, error) {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	f := &ServerFleet{cfg: cfg, hc: hc, stats: &ServerStats{}}
	api := client.New(cfg.URL, client.WithHTTPClient(hc))
	f.servers = make([]*simServer, cfg.Servers)
	errs := make([]error, cfg.Servers)
	sem := make(chan struct{}, registerConcurrency)
	var wg sync.WaitGroup
	for i := range cfg.Servers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f.servers[i], errs[i] = f.enroll(ctx, api, i)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "sim: %d servers enrolled with %d accounts each\n", cfg.Servers, cfg.AccountsPerServer)
	return f, nil
}

func (f *ServerFleet) enroll(ctx context.Context, api *client.Client, i int) (*simServer, error) {
	s := &simServer{hostname: fmt.Sprintf("%s-%d", f.cfg.ServerPrefix, i+1),
		rng: rand.New(rand.NewPCG(f.cfg.Seed, uint64(i+1)*0x9e3779b97f4a7c15))}
	for j := range f.cfg.AccountsPerServer {
		login := "root"
		if j > 0 {
			login = fmt.Sprintf("user-%d", j)
		}
		s.accounts = append(s.accounts, login)
	}
	var en *client.Enrolled
	err := retry(ctx, DefaultBackoff, func(ctx context.Context) (err error) {
		en, err = api.EnrollServer(ctx, f.cfg.EnrollmentToken, client.Enrollment{Hostname: s.hostname, OSType: "linux",
			OS: "Debian 12", AgentVersion: "keyward-sim", Labels: map[string]string{"sim": "true"}, Accounts: s.accounts})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("enrolling %s: %w", s.hostname, err)
	}
	s.api = client.NewServerAgent(f.cfg.URL, en.Credential, client.WithHTTPClient(f.hc))
	f.stats.enrolled.Add(1)
	return s, nil
}

// Run runs every server in its own goroutine until ctx is done.
func (f *ServerFleet) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, s := range f.servers {
		wg.Go(func() { f.run(ctx, s) })
	}
	wg.Wait()
}

// run heartbeats after a random start delay, then every interval, carrying out what it is handed.
func (f *ServerFleet) run(ctx context.Context, s *simServer) {
	delay := time.Duration(s.rng.Int64N(int64(min(f.cfg.Heartbeat, maxStartJitter)) + 1))
	for sleep(ctx, delay) {
		delay = f.cfg.Heartbeat
		beat, err := s.api.Heartbeat(ctx, s.accounts)
		if ctx.Err() != nil {
			return
		}
		f.stats.heartbeat(err)
		if err != nil {
			continue
		}
		for _, in := range beat.Instructions {
			f.carryOut(ctx, s, in)
		}
	}
}

// carryOut reports an instruction succeeded or, with the failure rate, failed; a rotation that
// succeeds sets the account's password.
func (f *ServerFleet) carryOut(ctx context.Context, s *simServer, in client.ServerInstruction) {
	ok := s.rng.Float64() >= f.cfg.FailureRate && !forcedFailure(&f.failNext)
	ok = ok && s.passwords.apply(in)
	result := json.RawMessage(`{}`)
	if !ok {
		result = json.RawMessage(`{"error":"simulated failure"}`)
	}
	// A report under way when the sim stops is finished, so that what the summary counts is what
	// keyward recorded.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reportGrace)
	defer cancel()
	err := retry(rctx, DefaultBackoff, func(ctx context.Context) error {
		return s.api.ReportResult(ctx, in.ID, client.InstructionResult{Succeeded: ok, Result: result})
	})
	f.stats.instruction(ok, err)
}

// Stats returns the fleet's live statistics.
func (f *ServerFleet) Stats() *ServerStats { return f.stats }
