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

// Events are the bounded log of state changes.
type Events interface {
	AppendEvent(ctx context.Context, e Event) error
	// ListEvents returns events of an org with ids greater than afterID, oldest first.
	ListEvents(ctx context.Context, orgID string, afterID int64, limit int) ([]Event, error)
	// PruneEvents deletes all but the newest keep events.
	PruneEvents(ctx context.Context, keep int) error
}

// Event is one recorded state change.
type Event struct {
	ID        int64
	OrgID     string
	At        time.Time
	Actor     string
	RequestID string
	Kind      string
	Subject   string
	Data      string // JSON
}
