package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/faultinject"
	"github.com/keyward/keyward/internal/httpapi"
	"github.com/keyward/keyward/internal/httpapi/admin"
	"github.com/keyward/keyward/internal/httpapi/dashboard"
	"github.com/keyward/keyward/internal/httpapi/eventsapi"
	"github.com/keyward/keyward/internal/httpapi/faultsapi"
	"github.com/keyward/keyward/internal/httpapi/oauthapi"
	"github.com/keyward/keyward/internal/httpapi/okta"
	"github.com/keyward/keyward/internal/httpapi/opa"
	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/httpapi/serverproto"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/oauth"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/seed"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/sqlite"
	"github.com/keyward/keyward/internal/vault"
)

// App is a configured keyward server.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	store   store.Store
	clock   clock.Clock
	handler http.Handler
	conns   connMetrics
	routes  []wire.Route
	jobs    []func(ctx context.Context) // background loops, each returning when ctx ends
	// streamsDone ends the event streams when the server shuts down (they never go idle).
	streamsDone chan struct{}
	endStreams  sync.Once
}

// Open opens the store, bootstraps it and builds the server. out receives the one-time
// credentials printed on first start.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) (*App, error) {
	s, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, log, s, out)
	if err != nil {
		s.Close()
		return nil, err
	}
	return a, nil
}

// OpenStore opens the database the configuration names and applies its migrations.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	db, err := cfg.Database()
	if err != nil {
		return nil, err
	}
	if db.Driver == "postgres" {
		return postgres.Open(ctx, db.DSN, cfg.DBMaxConns)
	}
	if db.DSN != ":memory:" {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(ctx, db.DSN)
}

func build(ctx context.Context, cfg config.Config, log *slog.Logger, s store.Store, out io.Writer) (*App, error) {
	var clk clock.Clock = clock.Real{}
	if cfg.VirtualClock {
		clk = clock.NewVirtual(time.Now())
	}
	// Credentials follow real time even under a virtual clock: a jump must not expire them.
	realNow := clock.Real{}.Now
	seedDoc, err := readSeedFile(cfg.Seed)
	if err != nil {
		return nil, err
	}
	if err := bootstrap(ctx, s, cfg, realNow(), out); err != nil {
		return nil, err
	}
	box, rawKey, err := secretBox(cfg)
	if err != nil {
		return nil, err
	}
	sig, err := signer(ctx, s, cfg, box, realNow())
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	ev := newEventLog(log, s, clk)
	pamSvc := &pam.Service{Store: s, Clock: clk, EnrollmentKey: derivedKey(rawKey, "opa-enrollment"), ServerStaleAfter: cfg.ServerStaleAfter, Box: box,
		Events: ev}
	issuer := &oauth.Issuer{Signer: sig, Issuer: "keyward", TTL: cfg.TokenTTL, Now: realNow,
		Lookup: lookupClient(s), Replay: storeReplay{store: s, now: realNow}}
	authn := &auth.Service{Store: s, Access: accessVerifier{issuer: issuer}, RoleSource: groupRoles{}}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &App{cfg: cfg, log: log, store: s, clock: clk, conns: newConnMetrics(reg), streamsDone: make(chan struct{})}
	d := deps{cfg: cfg, log: log, store: s, clock: clk, pam: pamSvc, events: ev, pools: &agentpool.Service{Store: s, Clock: clk,
		Thresholds: agentpool.Thresholds{Disrupted: cfg.DisruptedAfter, Inactive: cfg.InactiveAfter}, Events: ev}}
	seeder := &seed.Service{Store: s, Pools: d.pools, PAM: pamSvc, Auth: authn, Now: realNow, Events: ev,
		DefaultTeam: cfg.OPATeam, AllowServerReset: cfg.AllowServerReset}
	if err := loadSeedFile(ctx, seeder, cfg.Seed, seedDoc, out); err != nil {
		return nil, err
	}
	routes := [][]wire.Route{
		(&oauthapi.Handlers{Issuer: issuer}).Routes(),
		(&okta.Handlers{Pools: d.pools}).Routes(),
		(&admin.Handlers{Pools: d.pools, Auth: authn, PAM: pamSvc, Clock: realNow, Seed: seeder}).Routes(),
		(&opa.Handlers{Auth: authn, PAM: pamSvc, Paging: paging.OPA{Key: derivedKey(rawKey, "opa-paging")},
			Vault:    vault.NewKeys(derivedKey(rawKey, "opa-vault")),
			TokenTTL: cfg.TokenTTL, Now: realNow}).Routes(),
		(&serverproto.Handlers{PAM: pamSvc}).Routes(),
		dashboard.Routes(),
		(&eventsapi.Handlers{Store: s, Log: ev, Done: a.streamsDone, Auth: authn}).Routes(),
	}
	faults := faultinject.New()
	reg.MustRegister(faults.Collector())
	routes = append(routes, (&faultsapi.Handlers{Rules: faults, Store: s, Known: a.Routes, Now: realNow}).Routes())
	rolloutRoutes, jobs, err := rolloutParts(d)
	if err != nil {
		return nil, err
	}
	routes = append(routes, rolloutRoutes...)
	a.jobs = append(a.jobs, jobs...)
	for _, table := range routes {
		a.routes = append(a.routes, table...)
	}
	a.handler = httpapi.New(httpapi.Config{
		Log: log, Store: s, Auth: authn, Registry: reg, MaxBody: cfg.MaxBodyBytes, MaxInFlight: cfg.MaxConcurrentRequests,
		Limiter: httpapi.NewRateLimiter(cfg.RateLimit, realNow), OPALimiter: httpapi.NewRateLimiter(cfg.OPARateLimit, realNow),
		Now: realNow, Routes: routes, Faults: faults,
	})
	return a, nil
}

// deps are the services the parts of the server are built from.
type deps struct {
	cfg    config.Config
	log    *slog.Logger
	store  store.Store
	clock  clock.Clock
	pam    *pam.Service
	pools  *agentpool.Service
	events *events.Log
}

// Handler is the whole HTTP API.
func (a *App) Handler() http.Handler { return a.handler }

// Routes lists the rows of every API route table the handler mounts (the operator endpoints
// /healthz, /readyz and /metrics aside), so tests can cover each route without naming it.
func (a *App) Routes() []wire.Route { return a.routes }

// Store is the app's open store.
func (a *App) Store() store.Store { return a.store }

// Close releases the store.
func (a *App) Close() error { return a.store.Close() }

// Serve runs the HTTP server and the background jobs on ln until ctx is cancelled, then stops
// accepting requests, lets in-flight ones finish (up to the shutdown timeout) and stops the jobs.
// The configured timeouts and connection limits bound what any client can hold.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	maxConns := connectionLimit(a.cfg.MaxConnections)
	ln = boundListener(ln, maxConns, a.cfg.MaxConnectionsPerClient, a.conns)
	if a.cfg.TLS { // outermost, so that handlers see r.TLS
		tlsCfg, err := ServerTLSConfig(a.cfg)
		if err != nil {
			return err
		}
		ln = tls.NewListener(ln, tlsCfg)
	}
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: a.cfg.ReadHeaderTimeout,
		ReadTimeout:       a.cfg.ReadTimeout,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       a.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(func() { a.endStreams.Do(func() { close(a.streamsDone) }) })
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		done := make(chan struct{}, len(a.jobs))
		for _, job := range a.jobs {
			go func() { job(jobsCtx); done <- struct{}{} }()
		}
		for range a.jobs {
			<-done
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.log.Info("keyward serving", "addr", ln.Addr().String(), "tls", a.cfg.TLS, "database", a.store.Dialect(), "virtual_clock", a.cfg.VirtualClock,
		"max_connections", maxConns)

	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
	}
	stopJobs()
	<-jobsDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
