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
	fromEnv("KEYWARD_RATE_LIMIT", func(v string) (err error) { c.RateLimit, err = strconv.Atoi(v); return })
	fs.IntVar(&c.RateLimit, "rate-limit", c.RateLimit, "requests per minute per org for the /api/v1/agentPools bucket ($KEYWARD_RATE_LIMIT)")
	fromEnv("KEYWARD_MAX_BODY_BYTES", func(v string) (err error) { c.MaxBodyBytes, err = strconv.ParseInt(v, 10, 64); return })
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest request body accepted ($KEYWARD_MAX_BODY_BYTES)")
	fromEnv("KEYWARD_VIRTUAL_CLOCK", func(v string) (err error) { c.VirtualClock, err = strconv.ParseBool(v); return })
	fs.BoolVar(&c.VirtualClock, "virtual-clock", c.VirtualClock, "start a virtual clock that the admin API can set and advance ($KEYWARD_VIRTUAL_CLOCK)")
}
