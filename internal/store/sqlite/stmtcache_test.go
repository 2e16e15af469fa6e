package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func cacheDB(t *testing.T) *sql.DB {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	db := s.DB()
	if _, err := db.Exec(`CREATE TABLE nums (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := db.Exec(`INSERT INTO nums (n) VALUES ($1)`, i); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// cached lists the texts conn has prepared.
func cached(t *testing.T, conn *sql.Conn) []string {
	t.Helper()
	var out []string
	err := conn.Raw(func(dc any) error {
		for q := range dc.(*cachingConn).stmts {
			out = append(out, q)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sum(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, below int) int {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `SELECT n FROM nums WHERE n < $1 ORDER BY n`, below)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

func TestStatementsArePreparedOncePerConnection(t *testing.T) {
	db := cacheDB(t)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for below, want := range map[int]int{3: 3, 6: 15, 1: 0} {
		if got := sum(t, conn, below); got != want {
			t.Fatalf("below %d: %d, want %d", below, got, want)
		}
	}
	if _, err := conn.ExecContext(ctx, `UPDATE nums SET n = n WHERE n = $1`, 2); err != nil {
		t.Fatal(err)
	}
	var selects, updates int
	for _, q := range cached(t, conn) {
		selects += strings.Count(q, "SELECT n FROM nums")
		updates += strings.Count(q, "UPDATE nums")
	}
	if selects != 1 || updates != 1 {
		t.Fatalf("cached %q", cached(t, conn))
	}
	// A text that does not prepare is not kept, and its error is the caller's.
	if _, err := conn.QueryContext(ctx, `SELECT nope FROM nums`); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("bad query: %v", err)
	}
	for _, q := range cached(t, conn) {
		if strings.Contains(q, "nope") {
			t.Fatalf("kept %q", q)
		}
	}
}

// Running a text again while its rows are open (inside one transaction, one connection) uses a
// statement of its own: the open rows go on from where they were.
func TestStatementWithOpenRowsIsNotReused(t *testing.T) {
	db := cacheDB(t)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.Query(`SELECT n FROM nums WHERE n < $1 ORDER BY n`, 10)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		seen = append(seen, fmt.Sprintf("%d:%d", n, sum(t, tx, n)))
	}
	rows.Close()
	if got := strings.Join(seen, " "); got != "1:0 2:1 3:3 4:6 5:10" {
		t.Fatalf("got %s", got)
	}
	if got := sum(t, tx, 4); got != 6 {
		t.Fatalf("after: %d", got)
	}
}

// A run cut short by its context leaves the statement ready for the next.
func TestCancelledRunLeavesStatementUsable(t *testing.T) {
	db := cacheDB(t)
	db.SetMaxOpenConns(1)
	if got := sum(t, db, 6); got != 15 {
		t.Fatalf("first: %d", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rows, err := db.QueryContext(ctx, `SELECT n FROM nums WHERE n < $1 ORDER BY n`, 6)
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	cancel()
	for rows.Next() {
	}
	rows.Close()
	if got := sum(t, db, 6); got != 15 {
		t.Fatalf("after a cancelled run: %d", got)
	}
}
