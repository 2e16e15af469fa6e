// Package jobs runs keyward's background work: every kind of work that falls due as time passes
// (update rollouts today; checkout expiry and password rotation next) registers on one Runner.
//
//	            ┌──────────── Runner ─────────────┐
//	Run ───────►│ lease loop: every interval, the │──► Kind.Tick(now) for each kind,
//	(real time) │ holder of the named lease ticks │    in registration order
//	            │                                 │
//	Advance ───►│ jump: tick at the clock, then   │──► Kind.Tick(t) for each kind at each t
//	(virtual)   │ step t through the earliest     │    = min over kinds of the next due
//	            │ next due of all kinds to target │      moment each Tick returned
//	            └─────────────────────────────────┘
//	per-item work:  Items kind ──ClaimWorkItems (SKIP LOCKED | guarded UPDATE)──► do ──► FinishWorkItem
//
// A Kind does what is due at now and says when it next has work. One jump therefore runs every
// kind's due moments in one global time order, as if the time had really passed; a Kind that
// cannot see its work returns an error, which stops the jump with the clock at that moment.
//
// The lease runs on real time even under a virtual clock (it must expire when a process dies,
// however far the clock was moved); only its holder ticks, and it gives the lease up on shutdown
// so that another process takes over at once. The lease only saves work: kinds must stay correct
// when two processes tick at once. Per-item work gets that from claims: an item is run by the
// process that claimed it, and by another only once the claim has expired (in real time).
package jobs
