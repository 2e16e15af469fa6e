package app

import (
	"context"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/httpapi/agentproto"
	"github.com/keyward/keyward/internal/httpapi/clockapi"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/rollout"
)

// rolloutParts wires the background-work runner with the rollout engine as its first kind, the
// agent protocol and the clock controls: the routes they serve and the loops they run.
func rolloutParts(d deps) ([][]wire.Route, []func(context.Context), error) {
	eng := rollout.New(rollout.Options{
		Store:  d.store,
		Clock:  d.clock,
		Log:    d.log,
		Events: d.events,
		Config: rollout.Config{
			UpdateTimeout:     d.cfg.UpdateTimeout,
			HeartbeatInterval: d.cfg.HeartbeatInterval,
		},
	})
	runner := jobs.New(jobs.Options{
		Store:    d.store,
		Clock:    d.clock,
		RealNow:  clock.Real{}.Now, // the lease and claims must expire in real time
		Log:      d.log,
		Lease:    rollout.LeaseName,
		Interval: d.cfg.TickInterval,
	})
	runner.Register(eng.Kind())
	registerCheckoutWork(runner, d.pam)
	runner.Register(&events.Retention{Store: d.store, Max: d.cfg.EventsMax, MaxAge: d.cfg.EventsMaxAge})
	routes := [][]wire.Route{
		(&agentproto.Handlers{Engine: eng}).Routes(),
		(&clockapi.Handlers{Clock: d.clock, Mover: runner, Events: d.events}).Routes(),
	}
	return routes, []func(context.Context){runner.Run}, nil
}
