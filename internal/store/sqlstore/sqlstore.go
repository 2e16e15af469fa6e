package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Dialect is what differs between the SQL backends.
type Dialect struct {
	Name       string
	Migrations fs.FS // files NNNN_name.sql at the root
	TxOptions  *sql.TxOptions
	// Retryable reports transaction failures that succeed when the transaction is run again.
	Retryable func(error) bool
	// Unique reports uniqueness violations.
	Unique func(error) bool
	// ForeignKey reports foreign-key violations.
	ForeignKey func(error) bool
	// LockRow is appended to a transaction's read of a row it will change, to hold the row
	// until the transaction ends (" FOR NO KEY UPDATE"); empty where a write transaction holds
	// the whole database anyway (SQLite's BEGIN IMMEDIATE).
	LockRow string
	// SkipLocked is appended to a read of queued rows to claim (" FOR UPDATE SKIP LOCKED"), so that
	// racing holders share the rows out instead of queueing on the same ones; empty where write
	// transactions are serialised anyway.
	SkipLocked string
	// LockEvents is run before a transaction appends an event, to hold the append order until
	// it ends, so that event ids become visible in order; empty where write transactions are
	// serialised anyway.
	LockEvents string
	// SnapshotReads says a transaction reads from a snapshot taken at its first statement.
	SnapshotReads bool
	// LockMigrations serialises migrations between processes sharing the database.
	LockMigrations func(ctx context.Context, c *sql.Conn) (unlock func(), err error)
}

// Store is a store.Store over a *sql.DB.
type Store struct {
	queries
	db *sql.DB
}

var _ store.Store = (*Store)(nil)

// New migrates db and returns a Store over it.
func New(ctx context.Context, db *sql.DB, d *Dialect) (*Store, error) {
	if err := migrate(ctx, db, d); err != nil {
		return nil, err
	}
	return &Store{queries: queries{db: db, d: d}, db: db}, nil
}

// Dialect names the backend.
func (s *Store) Dialect() string { return s.d.Name }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Stats reports the connection pool.
func (s *Store) Stats() sql.DBStats { return s.db.Stats() }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the underlying pool to the backend packages' tests.
func (s *Store) DB() *sql.DB { return s.db }

// Retrying: a transaction that fails on a serialization conflict runs again after a jittered,
// doubling backoff, for as long as retryFor. Conflicts are between transactions touching the same
// rows (see doc.go), so they clear within a few attempts; the budget is long so that a client is
// never refused for a conflict that waiting would have resolved.
const (
	retryFor   = 20 * time.Second
	minBackoff = 2 * time.Millisecond
	maxBackoff = 200 * time.Millisecond
)

// InTx runs fn in a transaction, retrying on serialization failures. The backoff is jittered: two
// transactions that collided and waited alike would collide again. A transaction still failing
// when the budget is spent lost to concurrent changes: ErrStale.
//
// Where the dialect reads from a snapshot (PostgreSQL), a uniqueness violation is also retried
// once: a row another transaction committed after the snapshot was taken is invisible to a check
// made before inserting, and a fresh snapshot lets the check see it. A real duplicate fails
// the same way again and is returned.
func (s *Store) InTx(ctx context.Context, fn func(q store.Queries) error) error {
	start, backoff := time.Now(), minBackoff
	retriedConflict := false
	for attempt := 1; ; attempt++ {
		err := s.runTx(ctx, fn)
		switch {
		case err == nil:
			return nil
		case s.d.SnapshotReads && !retriedConflict && errors.Is(err, store.ErrConflict):
			retriedConflict = true
			continue
		case !s.d.Retryable(err):
			return err
		case time.Since(start) > retryFor:
			return fmt.Errorf("sqlstore: transaction still conflicting after %d attempts: %w: %w", attempt, store.ErrStale, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff/2 + rand.N(backoff)):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (s *Store) runTx(ctx context.Context, fn func(q store.Queries) error) (err error) {
	tx, err := s.db.BeginTx(ctx, s.d.TxOptions)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(queries{db: tx, d: s.d, tx: true}); err != nil {
		return cancelled(ctx, err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", cancelled(ctx, err))
	}
	return nil
}

// cancelled reports a transaction that database/sql ended because ctx ended (it answers
// sql.ErrTxDone then) as ctx's error: cancelled work is the caller's doing, not a server error.
func cancelled(ctx context.Context, err error) error {
	if errors.Is(err, sql.ErrTxDone) && ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// execer is what *sql.DB and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements store.Queries on a database or a transaction.
type queries struct {
	db execer
	d  *Dialect
	tx bool // inside InTx
}

// forUpdate is appended to a read of a row the transaction is about to change: inside a
// transaction it holds the row (see doc.go); outside one there is nothing to hold it for.
func (q queries) forUpdate() string {
	if !q.tx {
		return ""
	}
	return q.d.LockRow
}

// exec runs a statement, mapping uniqueness violations to store.ErrConflict and foreign-key
// violations by what the statement does: a row written under a parent that is gone (deleted
// before, or at the same moment by another transaction) is store.ErrNotFound, the parent's;
// a row deleted while others still refer to it is store.ErrConflict.
func (q queries) exec(ctx context.Context, what, query string, args ...any) (sql.Result, error) {
	res, err := q.db.ExecContext(ctx, query, args...)
	if err != nil {
		switch {
		case q.d.Unique(err):
			return nil, fmt.Errorf("%s: %w", what, store.ErrConflict)
		case q.d.ForeignKey(err) && isDelete(query):
			return nil, fmt.Errorf("%s: still referred to: %w", what, store.ErrConflict)
		case q.d.ForeignKey(err):
			return nil, fmt.Errorf("%s: what it belongs to is gone: %w", what, store.ErrNotFound)
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return res, nil
}

// isDelete reports whether a statement is a DELETE.
func isDelete(query string) bool {
	verb, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	return strings.EqualFold(verb, "DELETE")
}

// mustAffect turns "no row changed" into err.
func mustAffect(res sql.Result, err error, notFound error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

func errStale(what string) error { return fmt.Errorf("%s: %w", what, store.ErrStale) }

// scanner is what *sql.Row and *sql.Rows share; every record has one scan function over it.
type scanner = interface{ Scan(dest ...any) error }

// collect reads every row through scan and closes rows: the one loop behind every list query.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, q queries, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

// notFound wraps sql.ErrNoRows as store.ErrNotFound.
func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
