// Package store is keyward's storage contract: the record types, one small interface per
// aggregate, and the sentinel errors every backend returns.
//
// Two backends implement it (internal/store/sqlite, internal/store/postgres), both through the
// shared SQL code in internal/store/sqlstore, and both pass the conformance suite in
// internal/store/storetest. Callers never see SQL or driver errors:
//
//   - a missing row is ErrNotFound (never a nil record with a nil error);
//   - a uniqueness violation is ErrConflict;
//   - a compare-and-swap that lost its race is ErrStale.
//
// Read-modify-write happens inside Store.InTx: the function receives Queries bound to one
// transaction and may be run again when the database reports a serialization failure, so it must
// have no side effects outside the transaction. Times are stored as UTC milliseconds.
package store
