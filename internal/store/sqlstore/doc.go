// Package sqlstore implements the store contract once, in SQL that SQLite and PostgreSQL both
// accept, over database/sql. The two backends differ only in what a Dialect carries: how to
// open and tune the connection pool, the embedded migrations, the transaction isolation, how to
// hold a row, and how to recognise uniqueness violations and retryable transaction failures.
//
// One file per aggregate (orgs, credentials, opa, pools, agents, jobs, releases, leases, events)
// holds its columns, one scan function over a scanner (*sql.Row or *sql.Rows) and its queries;
// every list query hands its rows to collect, the one row loop. Placeholders are written $1, $2, …
// which both engines understand natively, so no SQL is ever rewritten at run time.
//
// # Isolation and locking
//
// SQLite: write transactions begin IMMEDIATE, so they run one at a time and are serializable.
//
// PostgreSQL: transactions run at REPEATABLE READ (snapshot isolation), not SERIALIZABLE. Under
// SERIALIZABLE, predicate locks on what a transaction read (a pool's agents for a job's view, the
// index pages of job_agents) made lifecycle actions fail against heartbeats of other agents and
// saves of other jobs, often enough to exhaust the retries. Snapshot isolation still refuses
// lost updates: a transaction updating a row that another transaction changed after its snapshot
// fails with a serialization error, and InTx runs it again. What it allows is write skew: two
// transactions each reading what the other writes, and writing disjoint rows. The rules are
// therefore kept so that no decision rests on rows that a concurrent transaction may change
// without touching a row the decision writes:
//
//   - A job is decided on only in a transaction that read it with GetJob, which holds the job row
//     (FOR NO KEY UPDATE, compatible with the foreign-key checks of inserts). Every change to a
//     job or its agents' progress rewrites the job row (SaveJob bumps its version; deletion
//     removes it), so a transaction that waited for the row and whose snapshot is older fails and
//     runs again with a fresh one. Transactions on one job thus take turns, as on SQLite.
//   - Rules spanning a pool's jobs (an agent belongs to one scheduled job at most) call LockPool
//     first. LockPool writes the pool row rather than only locking it, for the same reason: a lock
//     alone would let the waiter go on with the snapshot it took before waiting.
//   - Agent rows are read-modify-written (heartbeats; the status mirror of job saves): two writers
//     of one agent collide and one runs again. A save mirrors only the agents whose progress it
//     changed, so it does not collide with the heartbeats of the others.
//   - What a job transaction only reads (pool settings, the release catalog, agent versions) is
//     written by transactions that read no job, so no cycle of such reads can form; a decision on
//     a value read just before it changed is the decision a serial order would have made.
//   - Check-then-insert on a unique key (the first team, an agent's name): the insert of the loser
//     violates the key; InTx runs it once more, on a fresh snapshot that sees the winner's row, as
//     PostgreSQL's SERIALIZABLE would have reported a serialization failure.
//
// Locks are taken in one order (a job before its pool; several jobs by creation), so deadlocks are
// rare, and PostgreSQL's deadlock error is retried like a serialization failure. InTx retries for
// up to 20 s with jittered exponential backoff: conflicts now come only from transactions touching
// the same rows, which clear in a few attempts, so a client never sees a 409 that waiting would
// have avoided.
package sqlstore
