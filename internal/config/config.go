// Package config holds keyward's one Config struct: defaults, KEYWARD_* environment variables and
// command-line flags, validated in one place with every problem reported at once.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything `keyward serve` can be told.
type Config struct {
	Addr         string
	DataDir      string
	DatabaseURL  string
	LogLevel     string
	LogFormat    string
	MaxBodyBytes int64
	DBMaxConns   int    // PostgreSQL connections per process, all kept open
	TLS          bool   // serve HTTPS
	TLSCert      string // PEM files; empty: a certificate from the CA in DataDir
	TLSKey       string

	AdminToken   string
	OPATeam      string
	OPAKeyID     string
	OPAKeySecret string
	SecretKey    string // base64 of 32 bytes; empty: keyward.key in DataDir

	VirtualClock bool
	RateLimit    int // requests per minute per org for the agent-pools bucket
	OPARateLimit int // requests per minute per team on the OPA API
	TokenTTL     time.Duration

	// Seed is the path of a seed document (docs/seed.md) loaded into the first org on start.
	Seed string
	// AllowServerReset enables POST /keyward/v1/server/reset, which empties the whole server.
	AllowServerReset bool

	HeartbeatInterval time.Duration
	DisruptedAfter    time.Duration
	InactiveAfter     time.Duration
	ServerStaleAfter  time.Duration // an OPA server silent this long counts as stale
	UpdateTimeout     time.Duration
	TickInterval      time.Duration
	ShutdownTimeout   time.Duration

	EventsMax    int           // events kept (events.go)
	EventsMaxAge time.Duration // events older than this are dropped; 0: no age limit

	// Bounds on what clients can hold (limits.go).
	ReadHeaderTimeout       time.Duration
	ReadTimeout             time.Duration
	WriteTimeout            time.Duration
	IdleTimeout             time.Duration
	MaxConcurrentRequests   int
	MaxConnections          int // 0: derived from the descriptor limit
	MaxConnectionsPerClient int

	envErrs []error // environment variables that could not be parsed
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	c := Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           ".",
		LogLevel:          "info",
		LogFormat:         "text",
		MaxBodyBytes:      1 << 20,
		DBMaxConns:        20,
		OPATeam:           "keyward",
		RateLimit:         600,
		OPARateLimit:      600,
		TokenTTL:          time.Hour,
		HeartbeatInterval: 30 * time.Second,
		DisruptedAfter:    2 * time.Minute,
		InactiveAfter:     24 * time.Hour,
		ServerStaleAfter:  5 * time.Minute,
		UpdateTimeout:     30 * time.Minute,
		TickInterval:      time.Second,
		ShutdownTimeout:   15 * time.Second,
		EventsMax:         defaultEventsMax,
		EventsMaxAge:      defaultEventsMaxAge,
	}
	c.defaultLimits()
	return c
}

// Flags registers every setting on fs, each defaulting to the environment variable named in its
// help text when that is set, else to c's value.
func (c *Config) Flags(fs *flag.FlagSet, env func(string) string) {
	str := func(p *string, name, envName, usage string) {
		if v := env(envName); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" ($"+envName+")")
	}
	dur := func(p *time.Duration, name, envName, usage string) { c.durationVar(fs, env, p, name, envName, usage) }
	str(&c.Addr, "addr", "KEYWARD_ADDR", "listen address")
	str(&c.DataDir, "data-dir", "KEYWARD_DATA_DIR", "directory for the default SQLite database")
	str(&c.DatabaseURL, "database-url", "KEYWARD_DATABASE_URL",
		`database: empty for an SQLite file keyward.db in --data-dir, "sqlite:PATH" for another file, "memory" for a throwaway in-memory SQLite, or a postgres:// URL`)
	str(&c.TLSCert, "tls-cert", "KEYWARD_TLS_CERT", "with --tls: PEM certificate file (default: one signed by the CA keyward keeps in --data-dir)")
	str(&c.TLSKey, "tls-key", "KEYWARD_TLS_KEY", "with --tls: PEM key file of --tls-cert")
	str(&c.LogLevel, "log-level", "KEYWARD_LOG_LEVEL", "log level: debug, info, warn or error")
	str(&c.LogFormat, "log-format", "KEYWARD_LOG_FORMAT", "log format: text or json")
	str(&c.AdminToken, "admin-token", "KEYWARD_ADMIN_TOKEN", "admin API token created on first start (generated and printed when empty)")
	str(&c.OPATeam, "opa-team", "KEYWARD_OPA_TEAM", "name of the OPA team created on first start")
	str(&c.OPAKeyID, "opa-key-id", "KEYWARD_OPA_KEY_ID", "OPA service user key id created on first start (generated when empty)")
	str(&c.OPAKeySecret, "opa-key-secret", "KEYWARD_OPA_KEY_SECRET", "OPA service user key secret created on first start (generated when empty)")
	str(&c.SecretKey, "secret-key", "KEYWARD_SECRET_KEY", "base64 32-byte key sealing stored secrets (default: generated into keyward.key in --data-dir; set the same value on every instance sharing a database)")
	str(&c.Seed, "seed", "KEYWARD_SEED", "seed document (YAML or JSON, docs/seed.md) loaded on start into the first org; loading is idempotent")
	c.intFlags(fs, env)
	dur(&c.TokenTTL, "token-ttl", "KEYWARD_TOKEN_TTL", "lifetime of issued access and service tokens")
	dur(&c.HeartbeatInterval, "heartbeat-interval", "KEYWARD_HEARTBEAT_INTERVAL", "heartbeat interval told to agents")
	dur(&c.DisruptedAfter, "disrupted-after", "KEYWARD_DISRUPTED_AFTER", "an agent silent this long is DISRUPTED")
	dur(&c.InactiveAfter, "inactive-after", "KEYWARD_INACTIVE_AFTER", "an agent silent this long is INACTIVE")
	dur(&c.ServerStaleAfter, "server-stale-after", "KEYWARD_SERVER_STALE_AFTER", "an OPA server silent this long counts as stale")
	dur(&c.UpdateTimeout, "update-timeout", "KEYWARD_UPDATE_TIMEOUT", "an agent update not completed this long after it started fails")
	dur(&c.TickInterval, "tick-interval", "KEYWARD_TICK_INTERVAL", "how often background jobs look for due work")
	dur(&c.ShutdownTimeout, "shutdown-timeout", "KEYWARD_SHUTDOWN_TIMEOUT", "how long shutdown waits for in-flight requests")
	c.limitFlags(fs, env)
	c.eventFlags(fs, env)
}

// durationVar registers a duration flag defaulting to the environment variable envName when set.
func (c *Config) durationVar(fs *flag.FlagSet, env func(string) string, p *time.Duration, name, envName, usage string) {
	if v := env(envName); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			*p = d
		} else {
			c.envErrs = append(c.envErrs, fmt.Errorf("%s: %q is not a duration", envName, v))
		}
	}
	fs.DurationVar(p, name, *p, usage+" ($"+envName+")")
}

// Parse builds a Config from defaults, env and args, and validates it.
func Parse(name string, args []string, env func(string) string, out io.Writer) (Config, error) {
	c := Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	c.Flags(fs, env)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, c.Validate()
}

// Validate reports every invalid setting at once.
func (c Config) Validate() error {
	errs := append([]error(nil), c.envErrs...)
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr: %q is not host:port", c.Addr)
	} else if _, err := net.LookupPort("tcp", port); err != nil {
		bad("addr: %q: %v", c.Addr, err)
	}
	if _, err := c.Database(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.SlogLevel(); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log-format: %q is not text or json", c.LogFormat)
	}
	if c.OPATeam == "" {
		bad("opa-team: must not be empty")
	}
	if (c.OPAKeyID == "") != (c.OPAKeySecret == "") {
		bad("opa-key-id and opa-key-secret: set both or neither")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") || c.TLSCert != "" && !c.TLS {
		bad("tls-cert and tls-key: set both, with --tls, or neither")
	}
	errs = append(errs, c.validateCredentials()...)
	errs = append(errs, c.validateLimits()...)
	errs = append(errs, c.validateEvents()...)
	if c.RateLimit < 1 {
		bad("rate-limit: must be at least 1 request per minute")
	}
	if c.DBMaxConns < 1 {
		bad("db-max-conns: must be at least 1")
	}
	if c.OPARateLimit < 1 {
		bad("opa-rate-limit: must be at least 1 request per minute")
	}
	if c.MaxBodyBytes < 1024 {
		bad("max-body-bytes: must be at least 1024")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"token-ttl", c.TokenTTL}, {"heartbeat-interval", c.HeartbeatInterval}, {"disrupted-after", c.DisruptedAfter},
		{"inactive-after", c.InactiveAfter}, {"update-timeout", c.UpdateTimeout}, {"tick-interval", c.TickInterval},
		{"shutdown-timeout", c.ShutdownTimeout}, {"server-stale-after", c.ServerStaleAfter}} {
		if d.v <= 0 {
			bad("%s: must be positive", d.name)
		}
	}
	if c.InactiveAfter <= c.DisruptedAfter {
		bad("inactive-after: must be longer than disrupted-after")
	}
	return errors.Join(errs...)
}

// Database describes which store to open.
type Database struct {
	Driver string // "sqlite" or "postgres"
	DSN    string // a file path, ":memory:", or a postgres URL
}

// Database resolves DatabaseURL against DataDir.
func (c Config) Database() (Database, error) {
	u := c.DatabaseURL
	switch {
	case u == "":
		return Database{Driver: "sqlite", DSN: filepath.Join(c.DataDir, "keyward.db")}, nil
	case u == "memory" || u == "sqlite::memory:":
		return Database{Driver: "sqlite", DSN: ":memory:"}, nil
	case strings.HasPrefix(u, "sqlite:") && len(u) > len("sqlite:"):
		return Database{Driver: "sqlite", DSN: strings.TrimPrefix(u, "sqlite:")}, nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return Database{Driver: "postgres", DSN: u}, nil
	}
	return Database{}, fmt.Errorf("database-url: %q is not empty, memory, sqlite:PATH or a postgres:// URL", u)
}

// SlogLevel parses LogLevel.
func (c Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("log-level: %q is not debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}
