package app

import (
	"context"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/httpapi/agentproto"
	"github.com/keyward/keyward/internal/httpapi/clockapi"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/rollout"
)

// rolloutParts wires the rollout engine, the agent protocol and the clock controls: the routes
// they serve and the background loops they run.
func rolloutParts(d deps) ([][]wire.Route, []func(context.Context), error) {
	eng := rollout.New(rollout.Options{
		Store:   d.store,
		Clock:   d.clock,
		RealNow: clock.Real{}.Now, // the leader lease must expire in real time
		Log:     d.log,
		Config: rollout.Config{
			UpdateTimeout:     d.cfg.UpdateTimeout,
			TickInterval:      d.cfg.TickInterval,
			HeartbeatInterval: d.cfg.HeartbeatInterval,
		},
	})
	routes := [][]wire.Route{
		(&agentproto.Handlers{Engine: eng}).Routes(),
		(&clockapi.Handlers{Clock: d.clock, Mover: eng}).Routes(),
	}
	return routes, []func(context.Context){eng.Run}, nil
}
