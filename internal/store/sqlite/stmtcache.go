package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// Statements are parsed once per connection, not at every call. modernc's conn.QueryContext and
// ExecContext prepare the text, run it and finalize it, so every call parsed and planned its SQL
// again (about a third of the CPU of an agent pools page). Its prepared statements, though, are
// reusable: a statement's rows, once closed, reset it for the next run. cachingConn keeps one
// prepared statement per query text on each connection.
//
// database/sql never uses a connection from two goroutines at once, so the cache needs no lock.
// A statement whose rows are still open (a read inside a transaction that runs the same text
// again before closing them) is busy: the second run goes unprepared, as before.
const maxStatementsPerConn = 512

// connector opens modernc connections wrapped in the statement cache.
type connector struct {
	dsn string
	drv sqlite.Driver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn)
}

func (c *connector) Driver() driver.Driver { return &c.drv }

// modernConn is what keyward uses of modernc's connection.
type modernConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type cachingConn struct {
	modernConn
	stmts map[string]*cachedStmt
}

// preparedStmt is what keyward uses of modernc's prepared statement.
type preparedStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type cachedStmt struct {
	stmt preparedStmt
	busy bool // its rows are open
}

func newCachingConn(c driver.Conn) (driver.Conn, error) {
	mc, ok := c.(modernConn)
	if !ok {
		_ = c.Close()
		return nil, errors.New("sqlite: the driver's connection lacks a context method")
	}
	return &cachingConn{modernConn: mc, stmts: map[string]*cachedStmt{}}, nil
}

// statement returns the idle prepared statement of query, preparing it on first use; nil when
// it is busy, the cache is full, or the text does not prepare.
func (c *cachingConn) statement(ctx context.Context, query string) *cachedStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if len(c.stmts) >= maxStatementsPerConn {
		return nil
	}
	ds, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared: the error is reported there
	}
	st, ok := ds.(preparedStmt)
	if !ok {
		_ = ds.Close()
		return nil
	}
	s := &cachedStmt{stmt: st}
	c.stmts[query] = s
	return s
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.statement(ctx, query); s != nil {
		return s.stmt.ExecContext(ctx, args)
	}
	return c.modernConn.ExecContext(ctx, query, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.statement(ctx, query)
	if s == nil {
		return c.modernConn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s}, nil
}

// Close finalizes the connection's statements, then closes it.
func (c *cachingConn) Close() error {
	for q, s := range c.stmts {
		_ = s.stmt.Close()
		delete(c.stmts, q)
	}
	return c.modernConn.Close()
}

// cachedRows frees its statement for the next run when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}
