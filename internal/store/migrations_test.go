package store_test

import (
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// dialectTypes are the only ways the PostgreSQL migrations may differ from the SQLite ones: each
// PostgreSQL spelling and the SQLite spelling that means the same. Everything else (times are
// BIGINT milliseconds, booleans BOOLEAN, text TEXT) is written alike.
var dialectTypes = []struct{ postgres, sqlite string }{
	{"BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"}, // an auto-numbered 64-bit key
	{"BYTEA", "BLOB"}, // raw bytes
}

// TestMigrationsInStep checks that the two backends' migration sets have the same files and,
// file by file, the same statements once the allowed type differences are set aside.
func TestMigrationsInStep(t *testing.T) {
	for _, diff := range migrationDiffs(t, os.DirFS("postgres/migrations"), os.DirFS("sqlite/migrations")) {
		t.Error(diff)
	}
}

// TestMigrationDiffs shows that the comparison catches what it must, on made-up migration sets.
func TestMigrationDiffs(t *testing.T) {
	const pgInit = "CREATE TABLE t (\n  id BIGSERIAL PRIMARY KEY,\n  b BYTEA NOT NULL\n);\nCREATE INDEX t_b ON t (b);\n"
	const liteInit = "CREATE TABLE t (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  b BLOB NOT NULL\n);\nCREATE INDEX t_b ON t (b);\n"
	set := func(files ...string) fstest.MapFS {
		m := fstest.MapFS{}
		for i := 0; i < len(files); i += 2 {
			m[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
		}
		return m
	}
	cases := []struct {
		name             string
		postgres, sqlite fstest.MapFS
		want             []string // substrings, one per reported difference
	}{
		{name: "in step", postgres: set("0001_init.sql", pgInit), sqlite: set("0001_init.sql", liteInit)},
		{name: "whitespace and layout do not matter", postgres: set("0001_init.sql", pgInit),
			sqlite: set("0001_init.sql", strings.ReplaceAll(liteInit, "\n  ", " "))},
		{name: "statement added to PostgreSQL only",
			postgres: set("0001_init.sql", pgInit+"CREATE INDEX t_id ON t (id);\n"), sqlite: set("0001_init.sql", liteInit),
			want: []string{"0001_init.sql: statement 3 only in postgres: CREATE INDEX t_id"}},
		{name: "statement added to SQLite only",
			postgres: set("0001_init.sql", pgInit), sqlite: set("0001_init.sql", liteInit+"DROP INDEX t_b;"),
			want: []string{"0001_init.sql: statement 3 only in sqlite: DROP INDEX t_b"}},
		{name: "column differs",
			postgres: set("0001_init.sql", pgInit), sqlite: set("0001_init.sql", strings.Replace(liteInit, "BLOB NOT NULL", "BLOB", 1)),
			want: []string{"0001_init.sql: statement 1 differs"}},
		{name: "a type difference not in the table",
			postgres: set("0001_init.sql", strings.Replace(pgInit, "BYTEA", "JSONB", 1)), sqlite: set("0001_init.sql", liteInit),
			want: []string{"statement 1 differs"}},
		{name: "file in one dialect only",
			postgres: set("0001_init.sql", pgInit, "0002_more.sql", "CREATE TABLE u (id TEXT);"),
			sqlite:   set("0001_init.sql", liteInit),
			want:     []string{"0002_more.sql: only in postgres"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := migrationDiffs(t, c.postgres, c.sqlite)
			if len(got) != len(c.want) {
				t.Fatalf("got %d differences %q, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("difference %q does not say %q", got[i], w)
				}
			}
		})
	}
}

// migrationDiffs lists how two migration sets are out of step.
func migrationDiffs(t *testing.T, postgres, sqlite fs.FS) []string {
	t.Helper()
	pgFiles, liteFiles := sqlFiles(t, postgres), sqlFiles(t, sqlite)
	var diffs []string
	for _, name := range pgFiles {
		if !slices.Contains(liteFiles, name) {
			diffs = append(diffs, name+": only in postgres")
			continue
		}
		pg := statements(t, postgres, name)
		for i := range pg {
			pg[i] = toSQLite(pg[i])
		}
		lite := statements(t, sqlite, name)
		for i := range max(len(pg), len(lite)) {
			switch {
			case i >= len(lite):
				diffs = append(diffs, fmt.Sprintf("%s: statement %d only in postgres: %s", name, i+1, pg[i]))
			case i >= len(pg):
				diffs = append(diffs, fmt.Sprintf("%s: statement %d only in sqlite: %s", name, i+1, lite[i]))
			case pg[i] != lite[i]:
				diffs = append(diffs, fmt.Sprintf("%s: statement %d differs:\n  postgres: %s\n  sqlite:   %s", name, i+1, pg[i], lite[i]))
			}
		}
	}
	for _, name := range liteFiles {
		if !slices.Contains(pgFiles, name) {
			diffs = append(diffs, name+": only in sqlite")
		}
	}
	return diffs
}

func sqlFiles(t *testing.T, fsys fs.FS) []string {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no migrations found")
	}
	return names
}

var space = regexp.MustCompile(`\s+`)

// statements splits a migration as the migrator does (on ";") and writes each statement on one
// line with single spaces, so that layout never counts as a difference.
func statements(t *testing.T, fsys fs.FS, name string) []string {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range strings.Split(string(body), ";") {
		s = strings.TrimSpace(space.ReplaceAllString(s, " "))
		s = strings.NewReplacer("( ", "(", " )", ")").Replace(s)
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// toSQLite rewrites a PostgreSQL statement's allowed type differences into SQLite's spelling.
func toSQLite(stmt string) string {
	for _, d := range dialectTypes {
		stmt = regexp.MustCompile(`\b`+regexp.QuoteMeta(d.postgres)+`\b`).ReplaceAllString(stmt, d.sqlite)
	}
	return stmt
}
