package events

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/store"
)

// System is the actor of changes no request caused: due work, time passing.
const System = "keyward"

// Change is one state change to record. It belongs to an org (Org, an org id), an OPA team
// (Team, a team id), or the whole server (neither).
type Change struct {
	Type     string // dotted: "job.status", "rotation.failed", ...
	Org      string
	Team     string
	Resource string // "<kind>/<id>"
	Summary  string // one line, no secrets
	// Before and After are small JSON-encodable summaries of the state (nil: none). They must
	// carry no secret.
	Before, After any
}

// Origin says which actor and request caused the work ctx carries ("" when none).
type Origin func(ctx context.Context) (actor, requestID string)

// Log records changes. A nil *Log records nothing, so services built without one (in tests)
// need no stand-in.
type Log struct {
	store  store.Store
	clock  clock.Clock
	log    *slog.Logger
	origin Origin
	notify *Notifier
}

// Options are what a Log is built from.
type Options struct {
	Store  store.Store
	Clock  clock.Clock // the rules' clock: events carry its time (virtual under --virtual-clock)
	Log    *slog.Logger
	Origin Origin
}

// New returns a Log.
func New(o Options) *Log {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Origin == nil {
		o.Origin = func(context.Context) (string, string) { return "", "" }
	}
	return &Log{store: o.Store, clock: o.Clock, log: o.Log, origin: o.Origin, notify: NewNotifier()}
}

// Notifier is what the log's streams wait on.
func (l *Log) Notifier() *Notifier { return l.notify }

// Record appends c to the log inside q's transaction, so that the event exists exactly when the
// change does (q nil: in a transaction of its own), logs it at INFO and wakes this process's
// streams. The actor and request id come from ctx (System and "" outside a request).
func (l *Log) Record(ctx context.Context, q store.Queries, c Change) error {
	if l == nil {
		return nil
	}
	actor, reqID := l.origin(ctx)
	if actor == "" {
		actor = System
	}
	e := store.Event{OrgID: c.Org, TeamID: c.Team, At: l.clock.Now().UTC(), Actor: actor, RequestID: reqID,
		Type: c.Type, Resource: c.Resource, Summary: c.Summary, Before: encode(c.Before), After: encode(c.After)}
	var err error
	if q != nil {
		_, err = q.AppendEvent(ctx, e)
	} else {
		err = l.store.InTx(ctx, func(q store.Queries) error { _, err := q.AppendEvent(ctx, e); return err })
	}
	if err != nil {
		return err
	}
	l.log.InfoContext(ctx, "event", "type", c.Type, "resource", c.Resource, "summary", c.Summary,
		"org", c.Org, "team", c.Team, "actor", actor, "request_id", reqID)
	l.notify.Notify()
	return nil
}

// encode is v as a JSON object, "" for nil; a value that cannot be encoded records nothing
// rather than failing the change it describes.
func encode(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return ""
	}
	return string(b)
}
