package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/keyward/keyward/client"
)

// registerConcurrency bounds the registrations in flight during setup.
const registerConcurrency = 8

// defaultVersion is the starting version when the server lists no GA release.
const defaultVersion = "1.0.0"

// maxStartJitter bounds the random delay before an agent's first heartbeat.
const maxStartJitter = time.Second

// Fleet is a set of simulated agents spread over agent pools.
type Fleet struct {
	cfg     Config
	admin   *client.Client
	hc      *http.Client
	stats   *Stats
	pools   []client.AgentPool
	agents  []*Agent
	version string
}

// NewFleet sets up the fleet described by cfg: it picks the starting version,
// creates or reuses the pools by name and registers every agent. Progress is
// logged to log.
func NewFleet(ctx context.Context, cfg Config, log io.Writer) (*Fleet, error) {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	f := &Fleet{cfg: cfg, hc: hc, stats: NewStats(), version: cfg.Version,
		admin: client.New(cfg.URL, client.WithToken(cfg.AdminToken), client.WithHTTPClient(hc))}
	if f.version == "" {
		var releases []client.Release
		err := retry(ctx, DefaultBackoff, func(ctx context.Context) (err error) {
			releases, err = f.admin.ListReleases(ctx, cfg.Type)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing releases: %w", err)
		}
		if f.version = lowestGA(releases, cfg.Type); f.version == "" {
			f.version = defaultVersion
		}
	}
	if err := f.ensurePools(ctx, log); err != nil {
		return nil, err
	}
	for i, pool := range f.pools {
		if err := f.registerAgents(ctx, i, pool); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "sim: %d agents in %d %s pools, starting on version %s\n", len(f.agents), len(f.pools), cfg.Type, f.version)
	return f, nil
}

func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// ensurePools finds the pools named <prefix>-1…<prefix>-P of the configured
// type and creates the missing ones.
func (f *Fleet) ensurePools(ctx context.Context, log io.Writer) error {
	var existing []client.AgentPool
	err := retry(ctx, DefaultBackoff, func(ctx context.Context) (err error) {
		existing, err = f.admin.ListAgentPools(ctx, f.cfg.Type)
		return err
	})
	if err != nil {
		return fmt.Errorf("listing %s pools: %w", f.cfg.Type, err)
	}
	byName := map[string]client.AgentPool{}
	for _, p := range existing {
		if _, dup := byName[p.Name]; !dup && p.Type == f.cfg.Type {
			byName[p.Name] = p
		}
	}
	for i := 1; i <= f.cfg.Pools; i++ {
		name := fmt.Sprintf("%s-%d", f.cfg.PoolPrefix, i)
		if p, ok := byName[name]; ok {
			fmt.Fprintf(log, "sim: reusing pool %s (%s)\n", name, p.ID)
			f.pools = append(f.pools, p)
			continue
		}
		// Not retried: a lost answer would otherwise create a duplicate.
		p, err := f.admin.CreatePool(ctx, name, f.cfg.Type)
		if err != nil {
			return fmt.Errorf("creating pool %s: %w", name, err)
		}
		fmt.Fprintf(log, "sim: created pool %s (%s)\n", name, p.ID)
		f.pools = append(f.pools, *p)
	}
	return nil
}

// registerAgents obtains a registration token for the pool and registers
// its agents, a few at a time.
func (f *Fleet) registerAgents(ctx context.Context, poolIndex int, pool client.AgentPool) error {
	var token *client.RegistrationToken
	err := retry(ctx, DefaultBackoff, func(ctx context.Context) (err error) {
		token, err = f.admin.CreateRegistrationToken(ctx, pool.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("creating a registration token for pool %s: %w", pool.Name, err)
	}
	n := f.cfg.AgentsPerPool
	agents := make([]*Agent, n)
	errs := make([]error, n)
	sem := make(chan struct{}, registerConcurrency)
	var wg sync.WaitGroup
	for j := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			agents[j], errs[j] = f.newAgent(ctx, token.Token, poolIndex*n+j, fmt.Sprintf("%s-agent-%d", pool.Name, j+1))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	f.agents = append(f.agents, agents...)
	return nil
}

// newAgent registers one agent and builds its simulation.
func (f *Fleet) newAgent(ctx context.Context, regToken string, index int, name string) (*Agent, error) {
	register := func(ctx context.Context, version string) (AgentAPI, error) {
		var reg *client.Registration
		err := retry(ctx, DefaultBackoff, func(ctx context.Context) (err error) {
			reg, err = f.admin.Register(ctx, regToken, client.RegisterRequest{Name: name, Version: version})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("registering %s: %w", name, err)
		}
		return client.NewAgent(f.cfg.URL, reg.Credential, client.WithHTTPClient(f.hc)), nil
	}
	api, err := register(ctx, f.version)
	if err != nil {
		return nil, err
	}
	spec := AgentSpec{Name: name, Version: f.version, API: api, Reregister: register}
	// Spread the seeds so that agents draw independent random sequences.
	seed := f.cfg.Seed ^ (uint64(index+1) * 0x9e3779b97f4a7c15)
	return NewAgent(spec, f.cfg.Behaviour(), seed, f.stats), nil
}

// Run runs every agent in its own goroutine and returns once ctx is done and
// all of them have stopped.
func (f *Fleet) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, a := range f.agents {
		wg.Go(func() { a.Run(ctx) })
	}
	wg.Wait()
}

// Stats returns the fleet's live statistics.
func (f *Fleet) Stats() *Stats { return f.stats }

// Pools returns the pools the fleet runs in, in order.
func (f *Fleet) Pools() []client.AgentPool { return append([]client.AgentPool(nil), f.pools...) }

// Version returns the version the agents started with.
func (f *Fleet) Version() string { return f.version }
