package store

import (
	"context"
	"time"
)

// WorkItem is one piece of per-item due work of a kind (a checkout to expire, a password to
// rotate), held in the store so that several processes can share it out: each item is run by one
// process at a time, under a claim that expires in real time should that process die.
type WorkItem struct {
	Kind  string
	ID    string
	DueAt time.Time // on the rules' clock, which may be virtual
	// ClaimedBy is the holder running the item, "" when nobody is.
	ClaimedBy string
	// ClaimExpires is when, in real time, another holder may take the item over.
	ClaimExpires time.Time
}

// Claims are the work items and their claims.
type Claims interface {
	// AddWorkItem stores an unclaimed item; ErrConflict if the kind already has one with its id.
	AddWorkItem(ctx context.Context, it WorkItem) error
	// EnsureWorkItem stores an unclaimed item unless the kind already has one with its id (then
	// it changes nothing): safe inside a transaction, where a failed insert would abort it.
	EnsureWorkItem(ctx context.Context, it WorkItem) error
	// ClaimWorkItems claims for holder until expires up to limit items of kind due at or before
	// due that nobody holds at now (real time; holder's own claims included, so that an item that
	// failed waits for its claim to expire), earliest due first, and returns them. Two holders
	// never get the same item while a claim lasts. Run it inside Store.InTx: PostgreSQL
	// then skips rows another transaction is claiming instead of waiting for them.
	ClaimWorkItems(ctx context.Context, kind, holder string, due, now, expires time.Time, limit int) ([]WorkItem, error)
	// FinishWorkItem removes an item holder has run; ErrStale if holder no longer holds it (its
	// claim expired and another holder took it over).
	FinishWorkItem(ctx context.Context, kind, id, holder string) error
	// NextWorkItemDue returns the earliest due moment after after of kind's items.
	NextWorkItemDue(ctx context.Context, kind string, after time.Time) (time.Time, bool, error)
}
