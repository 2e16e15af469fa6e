package app

import (
	"context"
	"log/slog"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/store"
)

// newEventLog is the event log every service records to, stamped with the rules' clock and the
// request's caller and id.
func newEventLog(log *slog.Logger, s store.Store, clk clock.Clock) *events.Log {
	return events.New(events.Options{Store: s, Clock: clk, Log: log, Origin: requestOrigin})
}

// requestOrigin is the caller and id of the request ctx belongs to.
func requestOrigin(ctx context.Context) (actor, requestID string) {
	info := wire.InfoFrom(ctx)
	if info == nil {
		return "", ""
	}
	if info.Principal != nil {
		actor = info.Principal.Actor
	}
	return actor, info.RequestID
}
