// Package store is keyward's storage contract: the record types, one small interface per
// aggregate, and the sentinel errors every backend returns. The files follow the APIs:
//
//   - store.go: Store (a database: InTx, Ping, Close), Queries (every aggregate, embedded one
//     per line so that a new aggregate is one added line) and the sentinel errors;
//   - okta.go: Okta orgs and their credentials (API tokens, service apps, signing key,
//     registration tokens);
//   - agentpools.go: the Agent Pools API: pools, agents, update jobs, releases;
//   - opa.go (and opa_*.go): the OPA API: teams, service-user keys, service tokens;
//   - platform.go: what both APIs run on: leases and the event log.
//
// Consumers take the narrowest interface they use (a function reading pools takes store.Pools);
// only code that opens transactions needs store.Store.
//
// Two backends implement it (internal/store/sqlite, internal/store/postgres), both through the
// shared SQL code in internal/store/sqlstore, and both pass the conformance suite in
// internal/store/storetest (one file per aggregate). A test keeps their migration sets in step.
// Callers never see SQL or driver errors:
//
//   - a missing row is ErrNotFound (never a nil record with a nil error);
//   - a uniqueness violation is ErrConflict;
//   - a compare-and-swap that lost its race is ErrStale.
//
// Read-modify-write happens inside Store.InTx: the function receives Queries bound to one
// transaction and may be run again when the database reports a serialization failure, so it must
// have no side effects outside the transaction. Inside it, GetJob holds the job it reads and
// LockPool the pool, until the transaction ends: internal/store/sqlstore/doc.go explains why that
// is what keeps PostgreSQL's snapshot isolation free of anomalies. Times are stored as UTC
// milliseconds.
package store
