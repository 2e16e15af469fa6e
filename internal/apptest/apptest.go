// Package apptest starts real keyward servers for tests: the whole app (store, bootstrap, HTTP
// stack, background jobs) on a loopback port, on SQLite or on a fresh PostgreSQL schema, with an
// HTTP client that validates every /api/v1 and /v1/teams response against the OpenAPI documents.
package apptest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/spectest"
	"github.com/keyward/keyward/internal/store/storetest"
)

// AdminToken is the admin API token every test server is bootstrapped with.
const AdminToken = "00test-admin-token-0123456789-abcdefghijklmnopq"

// Options choose the server's backend and settings.
type Options struct {
	Postgres     bool                 // use a fresh PostgreSQL schema instead of SQLite
	DatabaseURL  string               // share this database (e.g. several servers on one schema)
	VirtualClock bool                 // start with a virtual clock
	Configure    func(*config.Config) // adjust anything else
	Log          io.Writer            // where the server logs; nil discards them
}

// Server is a running keyward.
type Server struct {
	URL         string
	Addr        string
	DatabaseURL string
	App         *app.App
	HTTP        *http.Client   // validates responses against the specs
	Client      *client.Client // admin-token client over HTTP
	Config      config.Config
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.AdminToken = AdminToken
	cfg.VirtualClock = o.VirtualClock
	cfg.TickInterval = 50 * time.Millisecond
	cfg.RateLimit = 100000
	cfg.DBMaxConns = 4 // several servers and tests share one PostgreSQL
	cfg.SecretKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	switch {
	case o.DatabaseURL != "":
		cfg.DatabaseURL = o.DatabaseURL
	case o.Postgres:
		cfg.DatabaseURL = storetest.PostgresURL(t)
	default:
		cfg.DatabaseURL = "sqlite:" + filepath.Join(cfg.DataDir, "keyward.db")
	}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	logOut := o.Log
	if logOut == nil {
		logOut = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log, &bytes.Buffer{})
	if err != nil {
		cancel()
		t.Fatalf("open app: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	s := &Server{URL: "http://" + ln.Addr().String(), Addr: ln.Addr().String(), DatabaseURL: cfg.DatabaseURL, App: a, Config: cfg}
	s.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: Validating(t, http.DefaultTransport)}
	s.Client = client.New(s.URL, client.WithToken(AdminToken), client.WithHTTPClient(s.HTTP))
	return s
}

// Remote describes a keyward already running at url (for example in a child process), with the
// same validating clients Start gives. App is nil.
func Remote(t testing.TB, url string) *Server {
	s := &Server{URL: url, Addr: strings.TrimPrefix(url, "http://")}
	s.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: Validating(t, http.DefaultTransport)}
	s.Client = client.New(s.URL, client.WithToken(AdminToken), client.WithHTTPClient(s.HTTP))
	return s
}

// Validating wraps next so that every response on the specs' paths is checked against them, less
// the OPA deviations named in spectest.Deviations.
func Validating(t testing.TB, next http.RoundTripper) http.RoundTripper {
	return spectest.Transport(t, next, spectest.Load(t, "okta-agent-pools.yaml"),
		spectest.Load(t, "opa-projects.yaml").WithDeviations(spectest.Deviations),
		spectest.Load(t, "opa-team.yaml").WithDeviations(spectest.Deviations))
}

// DialTransport is a transport that connects to addr whatever host a URL names: the Okta Go SDK
// keeps only the host name of its OrgUrl and drops the port.
func DialTransport(addr string) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	return tr
}
