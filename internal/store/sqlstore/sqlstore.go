package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
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

const maxAttempts = 10

// InTx runs fn in a transaction, retrying on serialization failures with a short backoff. The
// backoff is jittered: two transactions that collided and waited alike would collide again. A
// transaction still failing after every attempt lost to concurrent changes: ErrStale.
func (s *Store) InTx(ctx context.Context, fn func(q store.Queries) error) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			backoff := time.Duration(attempt*attempt) * 2 * time.Millisecond
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff/2 + rand.N(backoff)):
			}
		}
		err = s.runTx(ctx, fn)
		if err == nil || !s.d.Retryable(err) {
			return err
		}
	}
	return fmt.Errorf("sqlstore: transaction still conflicting after %d attempts: %w: %w", maxAttempts, store.ErrStale, err)
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
	if err = fn(queries{db: tx, d: s.d}); err != nil {
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
}

// exec runs a statement, mapping uniqueness violations to store.ErrConflict.
func (q queries) exec(ctx context.Context, what, query string, args ...any) (sql.Result, error) {
	res, err := q.db.ExecContext(ctx, query, args...)
	if err != nil {
		if q.d.Unique(err) {
			return nil, fmt.Errorf("%s: %w", what, store.ErrConflict)
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return res, nil
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
