// Package sqlstore implements the store contract once, in SQL that SQLite and PostgreSQL both
// accept, over database/sql. The two backends differ only in what a Dialect carries: how to
// open and tune the connection pool, the embedded migrations, the transaction isolation, and how
// to recognise uniqueness violations and retryable transaction failures.
//
// Placeholders are written $1, $2, … which both engines understand natively, so no SQL is ever
// rewritten at run time.
package sqlstore
