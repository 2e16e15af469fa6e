package config

import (
	"flag"
	"fmt"
	"strconv"
	"time"
)

// The bounds keep one slow or hostile client from holding what every other client needs:
// descriptors, request slots and memory. README's configuration table lists them.
func (c *Config) defaultLimits() {
	c.ReadHeaderTimeout = 10 * time.Second
	c.ReadTimeout = time.Minute
	c.WriteTimeout = time.Minute
	c.IdleTimeout = time.Minute
	c.MaxConcurrentRequests = 128
	c.MaxConnections = 0
	c.MaxConnectionsPerClient = 512
}

func (c *Config) limitFlags(fs *flag.FlagSet, env func(string) string) {
	dur := func(p *time.Duration, name, envName, usage string) { c.durationVar(fs, env, p, name, envName, usage) }
	dur(&c.ReadHeaderTimeout, "read-header-timeout", "KEYWARD_READ_HEADER_TIMEOUT", "time a client has to send a request's headers")
	dur(&c.ReadTimeout, "read-timeout", "KEYWARD_READ_TIMEOUT", "time a client has to send a whole request, body included")
	dur(&c.WriteTimeout, "write-timeout", "KEYWARD_WRITE_TIMEOUT", "time from the end of a request's headers until its answer must be written; a client reading slower is cut off")
	dur(&c.IdleTimeout, "idle-timeout", "KEYWARD_IDLE_TIMEOUT", "how long an idle keep-alive connection is kept open")
	c.intVar(fs, env, &c.MaxConcurrentRequests, "max-concurrent-requests", "KEYWARD_MAX_CONCURRENT_REQUESTS",
		"requests served at once; more wait up to a second, then get 503 (probes are not counted)")
	c.intVar(fs, env, &c.MaxConnections, "max-connections", "KEYWARD_MAX_CONNECTIONS",
		"open client connections; more wait to be accepted (0: the open-file limit less 64 kept for the database and logs)")
	c.intVar(fs, env, &c.MaxConnectionsPerClient, "max-connections-per-client", "KEYWARD_MAX_CONNECTIONS_PER_CLIENT",
		"open connections from one client address; more are closed at once")
}

// intVar registers an int flag defaulting to the environment variable envName when set.
func (c *Config) intVar(fs *flag.FlagSet, env func(string) string, p *int, name, envName, usage string) {
	if v := env(envName); v != "" {
		if set(p, v, strconv.Atoi) != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("%s: %q is not valid", envName, v))
		}
	}
	fs.IntVar(p, name, *p, usage+" ($"+envName+")")
}

func (c Config) validateLimits() []error {
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"read-header-timeout", c.ReadHeaderTimeout}, {"read-timeout", c.ReadTimeout},
		{"write-timeout", c.WriteTimeout}, {"idle-timeout", c.IdleTimeout}} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be positive", d.name))
		}
	}
	if c.MaxConcurrentRequests < 1 {
		errs = append(errs, fmt.Errorf("max-concurrent-requests: must be at least 1"))
	}
	if c.MaxConnections < 0 || c.MaxConnections > 0 && c.MaxConnections < 8 {
		errs = append(errs, fmt.Errorf("max-connections: must be 0 (automatic) or at least 8"))
	}
	if c.MaxConnectionsPerClient < 1 {
		errs = append(errs, fmt.Errorf("max-connections-per-client: must be at least 1"))
	}
	return errs
}
