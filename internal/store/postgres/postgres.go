// Package postgres is keyward's PostgreSQL backend (pgx through database/sql). Transactions run
// at REPEATABLE READ, lock the rows they will change, and are retried on serialization failures
// (internal/store/sqlstore/doc.go argues why that is enough), so several keyward processes
// sharing one database coordinate through it alone. Migrations take an advisory lock so that
// processes starting together apply them once.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/keyward/keyward/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLockID is an arbitrary constant naming keyward's migration advisory lock.
const migrationLockID = 7243104

// eventsLock serialises the transactions appending events from the append to their end
// (sqlstore.Dialect.LockEvents), with another arbitrary constant.
const eventsLock = `SELECT pg_advisory_xact_lock(7243105)`

// Open connects to the database at url with a pool of maxConns connections and applies the
// migrations. Idle connections are kept up to the same number, so the pool stays warm and a burst
// never waits for new connections to be set up.
func Open(ctx context.Context, url string, maxConns int) (*sqlstore.Store, error) {
	if maxConns < 1 {
		return nil, fmt.Errorf("postgres: a pool needs at least one connection, not %d", maxConns)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s, err := sqlstore.New(ctx, db, &sqlstore.Dialect{
		Name:           "postgres",
		Migrations:     sub,
		TxOptions:      &sql.TxOptions{Isolation: sql.LevelRepeatableRead},
		LockRow:        " FOR NO KEY UPDATE",
		SkipLocked:     " FOR UPDATE SKIP LOCKED",
		SnapshotReads:  true,
		LockEvents:     eventsLock,
		Retryable:      retryable,
		Unique:         func(err error) bool { return pgCode(err) == "23505" },
		ForeignKey:     func(err error) bool { return pgCode(err) == "23503" },
		LockMigrations: lockMigrations,
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// retryable: serialization_failure and deadlock_detected.
func retryable(err error) bool {
	c := pgCode(err)
	return c == "40001" || c == "40P01"
}

func lockMigrations(ctx context.Context, c *sql.Conn) (func(), error) {
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		return nil, err
	}
	return func() {
		_, _ = c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLockID)
	}, nil
}
