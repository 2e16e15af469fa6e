package config

import (
	"flag"
	"fmt"
	"strconv"
)

func (c *Config) intFlags(fs *flag.FlagSet, env func(string) string) {
	fromEnv := func(name string, parse func(string) error) {
		if v := env(name); v != "" {
			if err := parse(v); err != nil {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s: %q is not valid", name, v))
			}
		}
	}
	// Each parse keeps the default when the value is bad, so only the bad variable is reported.
	c.intVar(fs, env, &c.RateLimit, "rate-limit", "KEYWARD_RATE_LIMIT", "requests per minute per org for the /api/v1/agentPools bucket")
	c.intVar(fs, env, &c.OPARateLimit, "opa-rate-limit", "KEYWARD_OPA_RATE_LIMIT", "requests per minute per team on the OPA API, /v1/teams")
	fromEnv("KEYWARD_MAX_BODY_BYTES", func(v string) error {
		return set(&c.MaxBodyBytes, v, func(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) })
	})
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest request body accepted ($KEYWARD_MAX_BODY_BYTES)")
	c.intVar(fs, env, &c.DBMaxConns, "db-max-conns", "KEYWARD_DB_MAX_CONNS", "PostgreSQL connections per process, all kept open")
	fromEnv("KEYWARD_VIRTUAL_CLOCK", func(v string) error { return set(&c.VirtualClock, v, strconv.ParseBool) })
	fs.BoolVar(&c.VirtualClock, "virtual-clock", c.VirtualClock, "start a virtual clock that the admin API can set and advance ($KEYWARD_VIRTUAL_CLOCK)")
	fromEnv("KEYWARD_TLS", func(v string) error { return set(&c.TLS, v, strconv.ParseBool) })
	fs.BoolVar(&c.TLS, "tls", c.TLS, "serve HTTPS; `keyward ca` prints the CA certificate clients must trust ($KEYWARD_TLS)")
	fromEnv("KEYWARD_ALLOW_SERVER_RESET", func(v string) error { return set(&c.AllowServerReset, v, strconv.ParseBool) })
	fs.BoolVar(&c.AllowServerReset, "allow-server-reset", c.AllowServerReset,
		"allow POST /keyward/v1/server/reset, which deletes every org and team but the caller's org and the --opa-team team: for throwaway runs ($KEYWARD_ALLOW_SERVER_RESET)")
}

// set stores parse(v) in p only when it parses.
func set[T any](p *T, v string, parse func(string) (T, error)) error {
	x, err := parse(v)
	if err == nil {
		*p = x
	}
	return err
}
