package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/keyward/keyward/internal/ids"
)

// PostgresURL returns a connection URL whose search_path is a new, empty schema that is dropped
// when the test ends. Without KEYWARD_TEST_POSTGRES_URL the test is skipped, unless
// KEYWARD_TEST_REQUIRE_POSTGRES=1, in which case it fails: CI must never skip these silently.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("KEYWARD_TEST_POSTGRES_URL")
	require := os.Getenv("KEYWARD_TEST_REQUIRE_POSTGRES") == "1"
	if base == "" {
		if require {
			t.Fatal("KEYWARD_TEST_REQUIRE_POSTGRES=1 but KEYWARD_TEST_POSTGRES_URL is not set")
		}
		t.Skip("KEYWARD_TEST_POSTGRES_URL is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	if err := admin.PingContext(ctx); err != nil {
		if require {
			t.Fatalf("postgres at KEYWARD_TEST_POSTGRES_URL is unreachable: %v", err)
		}
		t.Skipf("postgres unreachable: %v", err)
	}
	schema := "kwtest_" + strings.ToLower(ids.New(""))
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("KEYWARD_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
