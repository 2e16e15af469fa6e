// Package eventsapi serves the event log to admin tokens: GET /keyward/v1/events pages it and
// GET /keyward/v1/events/stream follows it as Server-Sent Events. An admin token sees its org's
// events and the events of no org: OPA teams' (teams are server-wide) and the clock's.
package eventsapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/store"
)

// Page sizes of the list.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// Handlers serves the event log.
type Handlers struct {
	Store store.Store
	Log   *events.Log // its notifier wakes the streams on events recorded in this process
	// Poll is how often a stream looks for events other processes sharing the database
	// recorded (one second when zero).
	Poll time.Duration
	// Done ends every stream when closed (the server shutting down); nil: never.
	Done <-chan struct{}
	// MaxStreams and MaxStreamsPerOrg bound the open streams, in all and per admin token's org
	// (DefaultMaxStreams and DefaultMaxStreamsPerOrg when zero); a stream over them gets 429.
	MaxStreams, MaxStreamsPerOrg int
	// Auth verifies a stream's admin token again while the stream is open, so that a stream
	// ends once its token is gone (an org reset deleting it); nil: checked at the start only.
	Auth *auth.Service

	slots streamSlots
}

// Routes is the event log's route table.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "GET", Pattern: "/keyward/v1/events", Name: "listEvents", Access: wire.Admin, Handler: h.list},
		{Method: "GET", Pattern: "/keyward/v1/events/stream", Name: "streamEvents", Access: wire.Admin, Handler: h.stream},
	}
}

// Event is an event as the API shows it.
type Event struct {
	ID        int64           `json:"id"`
	Time      time.Time       `json:"time"`
	Type      string          `json:"type"`
	Actor     string          `json:"actor"`
	RequestID string          `json:"requestId"`
	Org       string          `json:"org"`
	Team      string          `json:"team"`
	Resource  string          `json:"resource"`
	Summary   string          `json:"summary"`
	Before    json.RawMessage `json:"before,omitempty"`
	After     json.RawMessage `json:"after,omitempty"`
}

type page struct {
	Events []Event `json:"events"`
	Next   string  `json:"next"`
}

// filter reads the query's filters; the caller's org scopes them.
func filter(r *http.Request) (store.EventFilter, error) {
	q := r.URL.Query()
	f := store.EventFilter{OrgID: wire.PrincipalFrom(r).OrgID, Type: q.Get("type"), Resource: q.Get("resource"), Limit: defaultLimit}
	var causes []string
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			causes = append(causes, "since: must be an RFC 3339 time such as 2026-11-24T10:00:00Z")
		}
		f.Since = t
	}
	if v := q.Get("after"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			causes = append(causes, "after: must be an event id (a non-negative integer)")
		}
		f.AfterID = id
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			causes = append(causes, "limit: must be an integer from 1 to "+strconv.Itoa(maxLimit))
		}
		f.Limit = n
	}
	if len(causes) > 0 {
		return f, fault.Invalidf("Event", causes...)
	}
	return f, nil
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filter(r)
	if err != nil {
		return err
	}
	es, err := h.Store.ListEvents(r.Context(), f)
	if err != nil {
		return err
	}
	names := teamNames{store: h.Store}
	out := page{Events: make([]Event, 0, len(es))}
	for _, e := range es {
		v, err := names.view(r.Context(), e)
		if err != nil {
			return err
		}
		out.Events = append(out.Events, v)
	}
	if len(es) == f.Limit {
		out.Next = strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

// teamNames shows events with their team's name, reading the teams once per page (and again
// when a team appears that was not there; a team found gone stays known as gone, so that it
// costs no further read).
type teamNames struct {
	store store.Store
	names map[string]string
}

func (t *teamNames) view(ctx context.Context, e store.Event) (Event, error) {
	v := Event{ID: e.ID, Time: e.At.UTC(), Type: e.Type, Actor: e.Actor, RequestID: e.RequestID, Org: e.OrgID,
		Resource: e.Resource, Summary: e.Summary}
	if e.Before != "" {
		v.Before = json.RawMessage(e.Before)
	}
	if e.After != "" {
		v.After = json.RawMessage(e.After)
	}
	if e.TeamID == "" {
		return v, nil
	}
	if _, ok := t.names[e.TeamID]; !ok {
		teams, err := t.store.ListTeams(ctx)
		if err != nil {
			return v, err
		}
		if t.names == nil {
			t.names = make(map[string]string, len(teams))
		}
		for _, tm := range teams {
			t.names[tm.ID] = tm.Name
		}
		if _, ok := t.names[e.TeamID]; !ok { // the team is gone since: shown by its id
			t.names[e.TeamID] = e.TeamID
		}
	}
	v.Team = t.names[e.TeamID]
	return v, nil
}
