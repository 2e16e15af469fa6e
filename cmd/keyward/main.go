// Command keyward serves the Okta Agent Pools API and the Okta Privileged Access Projects API.
//
//	keyward serve [flags]        run the server
//	keyward sim [flags]          run simulated agents against a server
//	keyward ca [flags]           print the CA certificate of --tls
//	keyward admin-token [flags]  add an admin API token to a database, offline
//	keyward version              print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/sim"
)

const usage = `keyward serves the Okta Agent Pools API and the Okta Privileged Access Projects API.

Usage:
  keyward serve [flags]        run the server (keyward serve --help lists every flag)
  keyward sim [flags]          run simulated agents against a keyward server
  keyward ca [flags]           print the CA certificate that serve --tls uses, for clients to trust
  keyward admin-token [flags]  add an admin API token to a database (server stopped or not) and print it
  keyward version              print the version, commit and commit time
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], env, stdout, stderr)
	case "sim":
		if err := sim.Main(ctx, args[1:], stdout, stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "keyward sim:", err)
			if errors.Is(err, sim.ErrUsage) {
				return 2
			}
			return 1
		}
		return 0
	case "ca":
		return printCA(args[1:], env, stdout, stderr)
	case "admin-token":
		return adminToken(ctx, args[1:], env, stdout, stderr)
	case "version", "--version", "-version":
		printVersion(stdout)
		return 0
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "keyward: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	cfg, err := config.Parse("keyward serve", args, env, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "keyward serve: invalid configuration:\n%v\n", err)
		return 2
	}
	level, _ := cfg.SlogLevel()
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(h)
	slog.SetDefault(log)

	// Listen first: credentials printed on first start must work the moment they are shown.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.Addr, "error", err)
		return 1
	}
	defer ln.Close()
	a, err := app.Open(ctx, cfg, log, stdout)
	if err != nil {
		log.Error("cannot start", "error", err)
		return 1
	}
	defer a.Close()
	if err := a.Serve(ctx, ln); err != nil {
		log.Error("server stopped", "error", err)
		return 1
	}
	return 0
}
