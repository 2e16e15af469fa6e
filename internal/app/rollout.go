package app

import (
	"context"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// rolloutParts wires the rollout engine, the agent protocol and the clock controls: the routes
// they serve and the background loops they run.
func rolloutParts(d deps) ([][]wire.Route, []func(context.Context), error) {
	return nil, nil, nil
}
