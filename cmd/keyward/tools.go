package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/buildinfo"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/store"
)

func printVersion(stdout io.Writer) {
	i := buildinfo.Read()
	fmt.Fprintf(stdout, "keyward %s\ncommit %s\ncommit time %s\n%s\n", i.Version, i.Revision, i.Time, i.GoVersion)
}

// storeFlags parses the few settings that locate keyward's files and database, from the same
// flags and environment variables as `keyward serve`.
func storeFlags(name string, args []string, env func(string) string, stderr io.Writer, database bool) (config.Config, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, flagName, envName, usage string) {
		if v := env(envName); v != "" {
			*p = v
		}
		fs.StringVar(p, flagName, *p, usage+" ($"+envName+")")
	}
	str(&cfg.DataDir, "data-dir", "KEYWARD_DATA_DIR", "keyward's data directory")
	if database {
		str(&cfg.DatabaseURL, "database-url", "KEYWARD_DATABASE_URL", "database, as for keyward serve")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	_, err := cfg.Database()
	return cfg, err
}

// printCA prints the CA certificate `keyward serve --tls` signs its certificate with, making the
// CA when the data directory has none yet, so a client can be set up before the server starts.
func printCA(args []string, env func(string) string, stdout, stderr io.Writer) int {
	cfg, err := storeFlags("keyward ca", args, env, stderr, false)
	if code, done := flagOutcome("keyward ca", err, stderr); done {
		return code
	}
	ca, err := app.LoadOrCreateCA(cfg.DataDir)
	if err != nil {
		fmt.Fprintln(stderr, "keyward ca:", err)
		return 1
	}
	_, _ = stdout.Write(ca.CertPEM)
	return 0
}

// adminToken adds a new admin API token to the database and prints it, once.
func adminToken(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	cfg, err := storeFlags("keyward admin-token", args, env, stderr, true)
	if code, done := flagOutcome("keyward admin-token", err, stderr); done {
		return code
	}
	s, err := openExisting(ctx, cfg)
	if err == nil {
		defer s.Close()
		var token string
		if token, err = app.NewAdminToken(ctx, s, time.Now()); err == nil {
			fmt.Fprintf(stdout, "keyward: new admin API token (shown once): %s\n", token)
			return 0
		}
	}
	fmt.Fprintln(stderr, "keyward admin-token:", err)
	return 1
}

// openExisting opens the configured database, refusing to create an SQLite file that is not
// there (a mistyped --data-dir must not leave an empty database behind) or an in-memory one.
func openExisting(ctx context.Context, cfg config.Config) (store.Store, error) {
	db, err := cfg.Database()
	if err != nil {
		return nil, err
	}
	if db.Driver == "sqlite" {
		if db.DSN == ":memory:" {
			return nil, errors.New("an in-memory database lives only inside its server")
		}
		if _, err := os.Stat(db.DSN); err != nil {
			return nil, fmt.Errorf("no keyward database here: %w", err)
		}
	}
	return app.OpenStore(ctx, cfg)
}

// flagOutcome turns a flag-parsing result into an exit code when the command should stop.
func flagOutcome(name string, err error, stderr io.Writer) (int, bool) {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0, true
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2, true
	}
	return 0, false
}
