package sim

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// ServerStats counts what simulated servers did; safe for concurrent use.
type ServerStats struct {
	enrolled, heartbeats, heartbeatErrors atomic.Int64
	succeeded, failed, reportErrors       atomic.Int64
}

func (s *ServerStats) heartbeat(err error) {
	s.heartbeats.Add(1)
	if err != nil {
		s.heartbeatErrors.Add(1)
	}
}

func (s *ServerStats) instruction(ok bool, reportErr error) {
	switch {
	case reportErr != nil:
		s.reportErrors.Add(1)
	case ok:
		s.succeeded.Add(1)
	default:
		s.failed.Add(1)
	}
}

// ServerCounts is a snapshot of ServerStats.
type ServerCounts struct {
	Enrolled, Heartbeats, HeartbeatErrors, Succeeded, Failed, ReportErrors int64
}

// Snapshot reads the counters.
func (s *ServerStats) Snapshot() ServerCounts {
	return ServerCounts{Enrolled: s.enrolled.Load(), Heartbeats: s.heartbeats.Load(), HeartbeatErrors: s.heartbeatErrors.Load(),
		Succeeded: s.succeeded.Load(), Failed: s.failed.Load(), ReportErrors: s.reportErrors.Load()}
}

// Line is the live progress line, e.g. "3 servers: heartbeats 12 (0 errors) | instructions ok 2 failed 1".
func (c ServerCounts) Line() string {
	return fmt.Sprintf("%d servers: heartbeats %d (%d errors) | instructions ok %d failed %d", c.Enrolled, c.Heartbeats,
		c.HeartbeatErrors, c.Succeeded, c.Failed)
}

// Summary is printed on exit.
func (c ServerCounts) Summary(elapsed time.Duration, seed uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sim summary after %v (seed %d):\n", elapsed.Round(time.Millisecond), seed)
	fmt.Fprintf(&b, "  servers       %d\n", c.Enrolled)
	fmt.Fprintf(&b, "  heartbeats    %d sent, %d failed\n", c.Heartbeats, c.HeartbeatErrors)
	fmt.Fprintf(&b, "  instructions  %d succeeded, %d failed, %d not reported\n", c.Succeeded, c.Failed, c.ReportErrors)
	return b.String()
}
