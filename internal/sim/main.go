package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressInterval is the minimum time between two progress lines.
const progressInterval = time.Second

// Main parses args (flags without the "sim" word), runs until ctx is
// cancelled, prints a live progress line to stdout (at most once a second,
// e.g. "\r12 agents: OPERATIONAL 12 | updating 1 | versions 3.20.0=11 3.22.0=1")
// and a summary on exit. Asking for -help is not an error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := ParseFlags(args, os.Getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	return Run(ctx, cfg, stdout, stderr)
}

// Run sets up the sim described by cfg, runs it until ctx is cancelled or cfg.Duration has
// passed since the set-up ended (so a slow set-up never eats the run), then prints the
// summary. Setup failures are returned; being stopped is not an error.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	start := time.Now()
	fleet, err := newRunner(ctx, cfg, stderr)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stdout, "sim: stopped during setup after %v\n", time.Since(start).Round(time.Millisecond))
			return nil
		}
		return err
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}

	stop := make(chan struct{})
	p := &progress{w: stdout}
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.print(fleet.line())
			}
		}
	})
	fleet.Run(ctx)
	close(stop)
	wg.Wait()

	p.print(fleet.line())
	fmt.Fprintf(stdout, "\n%s", fleet.summary(time.Since(start), cfg.Seed))
	return nil
}

// runner is what Run drives: agents in pools, or OPA servers.
type runner interface {
	Run(ctx context.Context)
	line() string
	summary(elapsed time.Duration, seed uint64) string
}

type agentRunner struct{ *Fleet }

func (a agentRunner) line() string { return a.Stats().Snapshot().Line() }
func (a agentRunner) summary(elapsed time.Duration, seed uint64) string {
	return a.Stats().Snapshot().Summary(elapsed, seed)
}

type serverRunner struct{ *ServerFleet }

func (s serverRunner) line() string { return s.Stats().Snapshot().Line() }
func (s serverRunner) summary(elapsed time.Duration, seed uint64) string {
	return s.Stats().Snapshot().Summary(elapsed, seed)
}

// newRunner sets up servers when an enrollment token is given, agents otherwise.
func newRunner(ctx context.Context, cfg Config, log io.Writer) (runner, error) {
	if cfg.EnrollmentToken != "" {
		f, err := NewServerFleet(ctx, cfg, log)
		return serverRunner{f}, err
	}
	f, err := NewFleet(ctx, cfg, log)
	return agentRunner{f}, err
}

// progress rewrites one terminal line in place.
type progress struct {
	w    io.Writer
	last int // length of the previous line
}

func (p *progress) print(line string) {
	pad := ""
	if n := p.last - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	p.last = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
}
