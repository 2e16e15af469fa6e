package sim

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keyward/keyward/client"
)

// statusStarting is the local status of an agent that has not heartbeated yet.
const statusStarting = "STARTING"

// statusOrder is the order statuses appear in the progress line.
var statusOrder = []string{client.StatusOperational, client.StatusDegraded, client.StatusDisrupted, statusStarting}

// Stats collects what the simulated agents did. It is safe for concurrent use.
type Stats struct {
	mu     sync.Mutex
	agents map[string]*agentState
	counts Counters
	last   string // last error, with the agent's name
}

type agentState struct {
	version  string
	status   string
	updating bool
}

// Counters are the running totals of a fleet.
type Counters struct {
	Heartbeats      int // heartbeats keyward answered
	Unhealthy       int // of which reported the agent unhealthy
	HeartbeatErrors int // heartbeats that failed after retries
	Reregistrations int // registrations after keyward refused a credential

	UpdatesStarted   int // update instructions begun
	UpdatesInstalled int // reported installed and reconnected on the new version
	UpdatesFailed    int // reported failed
	UpdatesAbandoned int // given up because a report was refused or failed
}

// Snapshot is a consistent copy of a Stats.
type Snapshot struct {
	Counters
	Agents   int
	Updating int
	// Status counts agents by the status their last heartbeat implies:
	// OPERATIONAL (healthy), DEGRADED (reported unhealthy), DISRUPTED (the
	// heartbeat failed) or STARTING (no heartbeat yet).
	Status map[string]int
	// Versions counts agents by the version they run.
	Versions  map[string]int
	LastError string
}

// NewStats returns empty stats.
func NewStats() *Stats { return &Stats{agents: map[string]*agentState{}} }

func (s *Stats) add(name, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agents[name] = &agentState{version: version, status: statusStarting}
}

func (s *Stats) heartbeat(name, version string, healthy bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agent(name)
	a.version = version
	switch {
	case err != nil:
		s.counts.HeartbeatErrors++
		a.status = client.StatusDisrupted
		s.last = fmt.Sprintf("%s: heartbeat: %v", name, err)
	case healthy:
		s.counts.Heartbeats++
		a.status = client.StatusOperational
	default:
		s.counts.Heartbeats++
		s.counts.Unhealthy++
		a.status = client.StatusDegraded
	}
}

// update records an update event: one of the client.Progress states, or
// "abandoned" when the agent gave up the instruction.
func (s *Stats) update(name, event, version string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agent(name)
	switch event {
	case client.ProgressStarted:
		s.counts.UpdatesStarted++
		a.updating = true
	case client.ProgressInstalled:
		s.counts.UpdatesInstalled++
		a.updating, a.version = false, version
	case client.ProgressFailed:
		s.counts.UpdatesFailed++
		a.updating = false
	default:
		s.counts.UpdatesAbandoned++
		a.updating = false
	}
	if err != nil {
		s.last = fmt.Sprintf("%s: update %s: %v", name, event, err)
	}
}

func (s *Stats) reregistered(name string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.last = fmt.Sprintf("%s: re-register: %v", name, err)
		return
	}
	s.counts.Reregistrations++
}

func (s *Stats) agent(name string) *agentState {
	a, ok := s.agents[name]
	if !ok {
		a = &agentState{status: statusStarting}
		s.agents[name] = a
	}
	return a
}

// Snapshot returns a copy of the current stats.
func (s *Stats) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{Counters: s.counts, Agents: len(s.agents), Status: map[string]int{}, Versions: map[string]int{}, LastError: s.last}
	for _, a := range s.agents {
		snap.Status[a.status]++
		snap.Versions[a.version]++
		if a.updating {
			snap.Updating++
		}
	}
	return snap
}

// Line is the one-line progress report, e.g.
// "12 agents: OPERATIONAL 12 | updating 1 | versions 3.20.0=11 3.22.0=1".
func (s Snapshot) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d agents:", s.Agents)
	for _, st := range statusOrder {
		if n := s.Status[st]; n > 0 {
			fmt.Fprintf(&b, " %s %d", st, n)
		}
	}
	fmt.Fprintf(&b, " | updating %d", s.Updating)
	if s.UpdatesInstalled+s.UpdatesFailed > 0 {
		fmt.Fprintf(&b, " | installed %d failed %d", s.UpdatesInstalled, s.UpdatesFailed)
	}
	b.WriteString(" | versions " + s.versions())
	if s.HeartbeatErrors > 0 {
		fmt.Fprintf(&b, " | errors %d", s.HeartbeatErrors)
	}
	return b.String()
}

func (s Snapshot) versions() string {
	vs := make([]string, 0, len(s.Versions))
	for v := range s.Versions {
		vs = append(vs, v)
	}
	slices.SortFunc(vs, compareVersions)
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%s=%d", v, s.Versions[v])
	}
	return strings.Join(parts, " ")
}

// Summary is the multi-line report printed when the sim stops.
func (s Snapshot) Summary(elapsed time.Duration, seed uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sim summary after %v (seed %d):\n", elapsed.Round(time.Millisecond), seed)
	fmt.Fprintf(&b, "  agents      %d\n", s.Agents)
	fmt.Fprintf(&b, "  heartbeats  %d sent, %d unhealthy, %d failed, %d re-registrations\n",
		s.Heartbeats, s.Unhealthy, s.HeartbeatErrors, s.Reregistrations)
	fmt.Fprintf(&b, "  updates     %d started, %d installed, %d failed, %d abandoned, %d in progress\n",
		s.UpdatesStarted, s.UpdatesInstalled, s.UpdatesFailed, s.UpdatesAbandoned, s.Updating)
	fmt.Fprintf(&b, "  versions    %s\n", s.versions())
	if s.LastError != "" {
		fmt.Fprintf(&b, "  last error  %s\n", s.LastError)
	}
	return b.String()
}
