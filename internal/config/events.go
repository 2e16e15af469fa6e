package config

import (
	"errors"
	"flag"
	"time"
)

// Event log retention defaults: enough to follow a day of rollouts, small enough to read back.
const (
	defaultEventsMax    = 10000
	defaultEventsMaxAge = 7 * 24 * time.Hour
)

func (c *Config) eventFlags(fs *flag.FlagSet, env func(string) string) {
	c.intVar(fs, env, &c.EventsMax, "events-max", "KEYWARD_EVENTS_MAX", "events kept in the event log, newest first")
	c.durationVar(fs, env, &c.EventsMaxAge, "events-max-age", "KEYWARD_EVENTS_MAX_AGE",
		"events older than this on keyward's clock are dropped (0: no age limit)")
}

func (c Config) validateEvents() []error {
	var errs []error
	if c.EventsMax < 1 {
		errs = append(errs, errors.New("events-max: must be at least 1"))
	}
	if c.EventsMaxAge < 0 {
		errs = append(errs, errors.New("events-max-age: must not be negative"))
	}
	return errs
}
