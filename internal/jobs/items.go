package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// claimBatch is how many items one claim takes: enough to make a claim worth its transaction,
// few enough that the claims do not outlive the work on a slow machine.
const claimBatch = 50

// ItemFunc does one work item. Its effects should be idempotent or made in a transaction that
// checks the item is still due: a process that dies after doing an item but before finishing
// it leaves it to be done again once its claim expires.
type ItemFunc func(ctx context.Context, it store.WorkItem, now time.Time) error

// Items is a kind of due work kept as work items in the store (store.Claims), each due at its
// own moment and run by one process at a time under a claim.
type Items struct {
	name string
	r    *Runner
	do   ItemFunc
}

// RegisterItems registers a kind whose work is the store's work items of kind name.
func (r *Runner) RegisterItems(name string, do ItemFunc) {
	r.Register(&Items{name: name, r: r, do: do})
}

// Name is the kind of the items.
func (k *Items) Name() string { return k.name }

// Tick runs every item due at now that no process holds, then reports the next due one. An
// item that fails keeps its claim until the claim expires (in real time) and is then tried again.
func (k *Items) Tick(ctx context.Context, now time.Time) (time.Time, bool, error) {
	for {
		items, err := k.r.Claim(ctx, k.name, now)
		if err != nil {
			return time.Time{}, false, err
		}
		for _, it := range items {
			if err := k.run(ctx, it, now); err != nil && ctx.Err() == nil {
				k.r.log.WarnContext(ctx, "work item failed", "kind", k.name, "item", it.ID, "error", err)
			}
		}
		if len(items) < claimBatch || ctx.Err() != nil {
			break
		}
	}
	return k.r.store.NextWorkItemDue(ctx, k.name, now)
}

func (k *Items) run(ctx context.Context, it store.WorkItem, now time.Time) error {
	if err := k.do(ctx, it, now); err != nil {
		return err
	}
	err := k.r.store.FinishWorkItem(ctx, k.name, it.ID, k.r.holder)
	if errors.Is(err, store.ErrStale) {
		k.r.log.WarnContext(ctx, "work item outlived its claim", "kind", k.name, "item", it.ID)
		return nil
	}
	return err
}

// Claim claims for this process up to a batch of the items of kind due at now that no other
// process holds; the claims expire ClaimTTL later in real time.
func (r *Runner) Claim(ctx context.Context, kind string, now time.Time) ([]store.WorkItem, error) {
	var items []store.WorkItem
	err := r.store.InTx(ctx, func(q store.Queries) error {
		real := r.realNow()
		var err error
		items, err = q.ClaimWorkItems(ctx, kind, r.holder, now, real, real.Add(r.claimTTL), claimBatch)
		return err
	})
	return items, err
}
