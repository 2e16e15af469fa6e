package store

import (
	"context"
	"time"
)

// Leases let one of several keyward processes hold a named singleton role for a while.
type Leases interface {
	// AcquireLease takes or renews the lease for holder until expires; it reports whether holder
	// now holds it. A lease held by another holder is taken only once it has expired at now.
	AcquireLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error)
}

// Events are the bounded log of state changes (internal/events records them).
type Events interface {
	// AppendEvent records e and returns its id. Inside a transaction it takes the dialect's
	// append lock first, so that ids become visible in the order they were given out: a reader
	// that has seen id n never sees a smaller id appear later.
	AppendEvent(ctx context.Context, e Event) (int64, error)
	// ListEvents returns the events f selects, oldest first.
	ListEvents(ctx context.Context, f EventFilter) ([]Event, error)
	// PruneEvents deletes every event older than before (none when before is zero) and then all
	// but the newest keep; it returns how many it deleted.
	PruneEvents(ctx context.Context, keep int, before time.Time) (int64, error)
	// OldestEvent returns the time of the oldest event (false when there is none).
	OldestEvent(ctx context.Context) (time.Time, bool, error)
}

// Event is one recorded state change. It belongs to an org (OrgID), to an OPA team (TeamID), or
// to the whole server (neither: a clock move).
type Event struct {
	ID        int64
	OrgID     string
	TeamID    string
	At        time.Time
	Actor     string
	RequestID string
	Type      string // "job.status", "checkout", ...
	Resource  string // "<kind>/<id>"
	Summary   string
	Before    string // a JSON object, "" for none
	After     string // a JSON object, "" for none
}

// EventFilter selects events.
type EventFilter struct {
	// OrgID selects the org's events and those of no org (OPA teams' and the server's).
	OrgID   string
	AfterID int64     // only ids greater than this
	Since   time.Time // only events at or after this (zero: any)
	// Type matches a type exactly or as a dotted prefix ("rotation" matches "rotation.failed").
	Type string
	// Resource matches a resource exactly or as its kind ("job" matches "job/upd1").
	Resource string
	Limit    int
}
