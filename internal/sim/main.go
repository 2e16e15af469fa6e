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

// Run runs the sim described by cfg until ctx is cancelled or cfg.Duration
// has passed, then prints the summary. Setup failures are returned; being
// stopped is not an error.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	start := time.Now()
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	fleet, err := NewFleet(ctx, cfg, stderr)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stdout, "sim: stopped during setup after %v\n", time.Since(start).Round(time.Millisecond))
			return nil
		}
		return err
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
				p.print(fleet.Stats().Snapshot().Line())
			}
		}
	})
	fleet.Run(ctx)
	close(stop)
	wg.Wait()

	snap := fleet.Stats().Snapshot()
	p.print(snap.Line())
	fmt.Fprintf(stdout, "\n%s", snap.Summary(time.Since(start), cfg.Seed))
	return nil
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
