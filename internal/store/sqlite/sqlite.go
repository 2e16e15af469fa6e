// Package sqlite is keyward's embedded default backend: a pure-Go SQLite (modernc.org/sqlite),
// in WAL mode with a busy timeout and foreign keys on. Write transactions begin IMMEDIATE so that
// two writers queue instead of failing when one upgrades a read lock.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/keyward/keyward/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating if needed) the database file at path, or an in-memory database for
// ":memory:", and applies the migrations.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	memory := path == ":memory:"
	params := url.Values{}
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "busy_timeout(10000)")
	params.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + params.Encode()
	if !memory {
		params.Add("_pragma", "journal_mode(WAL)")
		params.Add("_pragma", "synchronous(NORMAL)")
		dsn = "file:" + path + "?" + params.Encode()
	}
	if !memory {
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
	}
	db := sql.OpenDB(&connector{dsn: dsn})
	if memory {
		// Each connection to ":memory:" is its own database: keep exactly one.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(8)
	}
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s, err := sqlstore.New(ctx, db, &sqlstore.Dialect{
		Name:       "sqlite",
		Migrations: sub,
		Retryable:  retryable,
		Unique:     unique,
		ForeignKey: foreignKey,
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return s, nil
}

func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func retryable(err error) bool {
	c := code(err) & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

func unique(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func foreignKey(err error) bool { return code(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY }

// createPrivate creates the database file readable by its owner only, as keyward.key is: it holds
// credential hashes and sealed secrets. SQLite gives the -wal and -shm files it makes later the
// database file's mode. An existing file keeps the mode its operator gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}
