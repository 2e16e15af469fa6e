package sim

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/keyward/keyward/client"
)

// defaultServerPrefix names simulated servers when --server-prefix is not given.
const defaultServerPrefix = "sim-server"

// Config is a parsed sim command line.
type Config struct {
	URL        string // keyward base URL
	AdminToken string // admin API token (SSWS)
	Pools      int    // number of pools
	// AgentsPerPool is the number of agents registered in each pool.
	AgentsPerPool int
	Type          string // agent type of the pools
	PoolPrefix    string // pools are named <PoolPrefix>-<i>
	// Version is the starting version; "" means the lowest GA release the
	// server lists for Type, else "1.0.0".
	Version        string
	Heartbeat      time.Duration
	UpdateDuration time.Duration
	ReconnectDelay time.Duration
	FailureRate    float64
	UnhealthyRate  float64
	Seed           uint64
	// EnrollmentToken switches the sim to OPA servers: Servers servers with AccountsPerServer
	// local accounts each, named <ServerPrefix>-<i>, enrolled with this token.
	EnrollmentToken   string
	Servers           int
	AccountsPerServer int
	ServerPrefix      string
	// Duration stops the sim after this long; 0 runs until interrupted.
	Duration time.Duration
	// HTTPClient is used for every call; nil means a pooled client with a
	// 30s timeout.
	HTTPClient *http.Client
}

// Behaviour returns the agents' behaviour described by the configuration.
func (c Config) Behaviour() Behaviour {
	return Behaviour{
		Heartbeat:      c.Heartbeat,
		StartJitter:    min(c.Heartbeat, maxStartJitter),
		UpdateDuration: c.UpdateDuration,
		ReconnectDelay: c.ReconnectDelay,
		FailureRate:    c.FailureRate,
		UnhealthyRate:  c.UnhealthyRate,
	}
}

// ErrUsage marks a command line the sim cannot run with (a bad flag value, a missing flag, an
// argument): keyward exits 2 on it, as for serve.
var ErrUsage = errors.New("usage")

// usageError is an error of ErrUsage that reads as its own message.
type usageError struct{ msg string }

func (e usageError) Error() string        { return e.msg }
func (e usageError) Is(target error) bool { return target == ErrUsage }

// ParseFlags parses the sim's flags (without the "sim" word). getenv supplies
// KEYWARD_ADMIN_TOKEN when --admin-token is not given; usage and flag errors
// are written to stderr. Without --seed the seed is taken from the clock.
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var c Config
	var seed int64
	fs := flag.NewFlagSet("keyward sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.URL, "url", "", "keyward base URL (required)")
	fs.StringVar(&c.AdminToken, "admin-token", "", "admin API token (required for agents; default $KEYWARD_ADMIN_TOKEN)")
	fs.IntVar(&c.Pools, "pools", 1, "number of agent pools")
	fs.IntVar(&c.AgentsPerPool, "agents-per-pool", 2, "number of agents in each pool")
	fs.StringVar(&c.Type, "type", client.AgentTypeAD, "agent type: "+strings.Join(client.AgentTypes, ", "))
	fs.StringVar(&c.PoolPrefix, "pool-prefix", "sim-pool", "pools are named <prefix>-<i>")
	fs.StringVar(&c.Version, "version", "", "starting agent version (default: lowest GA release of the type, else "+defaultVersion+")")
	fs.DurationVar(&c.Heartbeat, "heartbeat", 30*time.Second, "time between heartbeats")
	fs.DurationVar(&c.UpdateDuration, "update-duration", 5*time.Second, "how long a simulated install takes")
	fs.DurationVar(&c.ReconnectDelay, "reconnect-delay", time.Second, "time between installed and the first heartbeat on the new version")
	fs.Float64Var(&c.FailureRate, "failure-rate", 0, "probability (0..1) that an update attempt fails")
	fs.Int64Var(&seed, "seed", 0, "random seed (default: from the clock)")
	fs.Float64Var(&c.UnhealthyRate, "unhealthy-rate", 0, "probability (0..1) that a heartbeat reports unhealthy")
	fs.StringVar(&c.EnrollmentToken, "enrollment-token", "", "run simulated OPA servers enrolled with this project enrollment token instead of agents")
	fs.IntVar(&c.Servers, "servers", 0, "number of simulated servers (at least 1 with --enrollment-token)")
	fs.IntVar(&c.AccountsPerServer, "accounts-per-server", 0, "local accounts on each simulated server: root, user-1, …")
	fs.StringVar(&c.ServerPrefix, "server-prefix", "", "servers are named <prefix>-<i> (default "+defaultServerPrefix+")")
	fs.DurationVar(&c.Duration, "duration", 0, "stop this long after the set-up (0: until interrupted)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, usageError{err.Error()}
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	c.Seed = uint64(seed)
	if !seedSet {
		c.Seed = uint64(time.Now().UnixNano())
	}
	if c.AdminToken == "" && getenv != nil {
		c.AdminToken = getenv("KEYWARD_ADMIN_TOKEN")
	}
	if fs.NArg() > 0 {
		return Config{}, usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	}
	return c, c.validate()
}

// validate checks the configuration and canonicalises Type.
func (c *Config) validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("--url is required"))
	} else if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("--url %q is not an http(s) URL", c.URL))
	}
	if c.EnrollmentToken != "" {
		if c.ServerPrefix == "" {
			c.ServerPrefix = defaultServerPrefix
		}
		if c.Servers < 1 || c.AccountsPerServer < 0 {
			errs = append(errs, errors.New("--servers must be at least 1, --accounts-per-server not negative"))
		}
	} else if c.AdminToken == "" {
		errs = append(errs, errors.New("--admin-token (or KEYWARD_ADMIN_TOKEN) is required"))
	}
	known := false
	for _, t := range client.AgentTypes {
		if strings.EqualFold(t, c.Type) {
			c.Type, known = t, true
		}
	}
	if !known {
		errs = append(errs, fmt.Errorf("--type %q is not one of %s", c.Type, strings.Join(client.AgentTypes, ", ")))
	}
	if c.Pools < 1 || c.AgentsPerPool < 1 {
		errs = append(errs, errors.New("--pools and --agents-per-pool must be at least 1"))
	}
	if c.PoolPrefix == "" {
		errs = append(errs, errors.New("--pool-prefix must not be empty"))
	}
	if c.Heartbeat <= 0 {
		errs = append(errs, errors.New("--heartbeat must be positive"))
	}
	if c.UpdateDuration < 0 || c.ReconnectDelay < 0 || c.Duration < 0 {
		errs = append(errs, errors.New("--update-duration, --reconnect-delay and --duration must not be negative"))
	}
	if !(c.FailureRate >= 0 && c.FailureRate <= 1) || !(c.UnhealthyRate >= 0 && c.UnhealthyRate <= 1) {
		errs = append(errs, errors.New("--failure-rate and --unhealthy-rate must be between 0 and 1"))
	}
	if err := errors.Join(errs...); err != nil {
		return usageError{"invalid configuration:\n" + err.Error()}
	}
	return nil
}
