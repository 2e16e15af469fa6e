package clockapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// Mover moves a virtual clock, running what falls due on the way; *jobs.Runner is one.
type Mover interface {
	Advance(ctx context.Context, target time.Time) error
	AdvanceBy(ctx context.Context, d time.Duration) (time.Time, error)
}

// Handlers serves the clock control.
type Handlers struct {
	Clock  clock.Clock
	Mover  Mover
	Events *events.Log // records each move (nil: none)
}

// Routes is the clock control's route table.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "GET", Pattern: "/keyward/v1/clock", Name: "getClock", Access: wire.Admin, Handler: h.getClock},
		{Method: "POST", Pattern: "/keyward/v1/clock", Name: "moveClock", Access: wire.Admin, Handler: h.moveClock},
	}
}

type state struct {
	Now     string `json:"now"`
	Virtual bool   `json:"virtual"`
}

func (h *Handlers) virtual() bool {
	_, ok := h.Clock.(*clock.Virtual)
	return ok
}

func (h *Handlers) write(w http.ResponseWriter) {
	// Nanoseconds are kept: a client setting the clock to the time it read must not go backwards.
	wire.JSON(w, http.StatusOK, state{Now: h.Clock.Now().UTC().Format(time.RFC3339Nano), Virtual: h.virtual()})
}

func (h *Handlers) getClock(w http.ResponseWriter, r *http.Request) error {
	h.write(w)
	return nil
}

type moveRequest struct {
	Set     string `json:"set"`
	Advance string `json:"advance"`
}

func (h *Handlers) moveClock(w http.ResponseWriter, r *http.Request) error {
	var in moveRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if !h.virtual() {
		return fault.Invalidf("Clock", "the clock is real: start keyward with --virtual-clock to set or advance it")
	}
	var err error
	from := h.Clock.Now()
	switch {
	case (in.Set == "") == (in.Advance == ""):
		return fault.Invalidf("Clock", "give exactly one of set (an RFC 3339 time) or advance (a duration such as 90m)")
	case in.Set != "":
		t, perr := time.Parse(time.RFC3339, in.Set)
		if perr != nil {
			return fault.Invalidf("Clock", "set: must be an RFC 3339 time such as 2026-11-24T10:00:00Z")
		}
		if t.Before(h.Clock.Now()) {
			return fault.Invalidf("Clock", "set: the clock cannot move backwards from "+h.Clock.Now().UTC().Format(time.RFC3339Nano))
		}
		if clock.CheckRange(t) != nil {
			return outOfRange("set")
		}
		err = h.Mover.Advance(r.Context(), t)
	default:
		d, perr := time.ParseDuration(in.Advance)
		if perr != nil || d <= 0 {
			return fault.Invalidf("Clock", "advance: must be a positive duration such as 90m or 1h30m")
		}
		if clock.CheckRange(h.Clock.Now().Add(d)) != nil {
			return outOfRange("advance")
		}
		_, err = h.Mover.AdvanceBy(r.Context(), d)
		if errors.Is(err, clock.ErrOutOfRange) { // a concurrent move took the clock nearer the end
			return outOfRange("advance")
		}
	}
	if errors.Is(err, clock.ErrBackwards) {
		// Another request moved the clock past the target meanwhile.
		return fault.Invalidf("Clock", "set: the clock cannot move backwards from "+h.Clock.Now().UTC().Format(time.RFC3339Nano))
	}
	if err != nil {
		return err
	}
	if err := h.recordMove(r.Context(), from); err != nil {
		return err
	}
	h.write(w)
	return nil
}

type clockState struct {
	Now time.Time `json:"now"`
}

// recordMove records a move of the clock, server-wide: every org's admin sees it.
func (h *Handlers) recordMove(ctx context.Context, from time.Time) error {
	to := h.Clock.Now()
	return h.Events.Record(ctx, nil, events.Change{Type: "clock.moved", Resource: "clock",
		Summary: "clock moved from " + from.UTC().Format(time.RFC3339Nano) + " to " + to.UTC().Format(time.RFC3339Nano),
		Before:  clockState{Now: from.UTC()}, After: clockState{Now: to.UTC()}})
}

// outOfRange refuses a move that would take the clock where times can no longer be encoded.
func outOfRange(field string) error {
	return fault.Invalidf("Clock", field+": the clock must stay between "+clock.Earliest.Format(time.RFC3339)+
		" and "+clock.Latest.Format(time.RFC3339))
}
